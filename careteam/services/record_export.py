""""Download my record": the patient's whole record as one ZIP, for the patient and, on her behalf,
her care team (whoever may read the summary). A background job like the clinic-day PDF bundle
(services/bundles): started by the viewer, written by the worker file by file (the page shows
n of m), downloaded by its owner only (each download audited as an export of the record),
deleted after CARETEAM_BUNDLE_KEEP_HOURS.

The ZIP holds what its owner may read and nothing else: the owner's FHIR bundle, one CSV per
readable part (services/record_csv, streamed from the database in batches), the owner's copy of
the handover summary PDF, and README.txt. It is written into a file in instance/record_exports,
so memory does not grow with the record. Not under emergency (break-glass) access: that grant
is for reading in an emergency, not for taking a copy away."""

from __future__ import annotations

import logging
import secrets
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from careteam import sqlite
from careteam.domain import notifications as kinds
from careteam.domain.policy import Action, Part, Relation, allowed
from careteam.extensions import db
from careteam.files import files_directory
from careteam.models import RecordExport, User
from careteam.models.bundle import DONE, FAILED, QUEUED, RUNNING
from careteam.services import audit, clock, outbox
from careteam.services.access import authorize, relation_to
from careteam.services.errors import Forbidden, NotFound
from careteam.services.record_csv import PARTS, CsvPart, write_csv
from careteam.services.record_export_readme import readme_text

log = logging.getLogger(__name__)

OBJECT = "record_export"
BUNDLE_FILE = "fhir/bundle.json"
SUMMARY_FILE = "summary.pdf"


def _directory() -> Path:
    return files_directory("record_exports")


def _keep() -> timedelta:
    return timedelta(hours=current_app.config["CARETEAM_BUNDLE_KEEP_HOURS"])


def readable_parts(owner: User, patient_id: int) -> list[CsvPart]:
    relation = relation_to(owner, patient_id)
    return [p for p in PARTS if allowed(owner.role_enum, relation, p.part, Action.READ)]


def _authorize(actor: User, patient_id: int, action: str) -> None:
    """Whoever may read the summary, on their own record or their care team; never under break-glass."""
    authorize(actor, patient_id, Part.SUMMARY, Action.READ, object_type=OBJECT)
    if relation_to(actor, patient_id) == Relation.BREAK_GLASS:
        audit.record_denial(action, actor=actor, patient_id=patient_id, object_type=OBJECT,
                            detail="not under emergency access")
        raise Forbidden("A copy of the record cannot be taken under emergency access.")


def _still_allowed(owner: User, patient_id: int) -> None:
    """In the worker: the owner may still read the summary (not removed from the team meanwhile)."""
    relation = relation_to(owner, patient_id)
    if relation == Relation.BREAK_GLASS or not allowed(owner.role_enum, relation, Part.SUMMARY, Action.READ):
        raise Forbidden("The owner may no longer read this record.")


def start(actor: User, patient_id: int) -> RecordExport:
    """Queue a new ZIP, or return the one of this owner and patient still being prepared."""
    _authorize(actor, patient_id, "request")
    pending = db.session.scalar(select(RecordExport).where(
        RecordExport.owner_id == actor.id, RecordExport.patient_id == patient_id,
        RecordExport.status.in_((QUEUED, RUNNING))).order_by(RecordExport.id.desc()).limit(1))
    if pending is not None:
        return pending
    export = RecordExport(owner_id=actor.id, patient_id=patient_id, status=QUEUED,
                          total=len(readable_parts(actor, patient_id)) + 2,  # + the FHIR bundle and the PDF
                          expires_at=clock.now() + _keep())  # a job that never ran is cleaned up too
    db.session.add(export)
    db.session.flush()
    export.file_name = f"{export.id}-{secrets.token_hex(8)}.zip"
    audit.record("request", actor=actor, patient_id=patient_id, object_type=OBJECT, object_id=export.id,
                 detail="ZIP of the record requested")
    db.session.commit()
    from careteam import jobs

    jobs.enqueue_record_export(export.id)  # after the commit: the worker must find the row
    return export


def page(actor: User, patient_id: int) -> tuple[object, list[RecordExport], bool]:
    """For the download page: the patient's header, the actor's files for this record (newest
    first), and whether the actor may start one (not under emergency access). Audited as a read."""
    from careteam.services.record import rows

    authorize(actor, patient_id, Part.SUMMARY, Action.READ, object_type=OBJECT)
    audit.record_read(actor, patient_id, OBJECT, detail="download page")
    exports = list(db.session.scalars(select(RecordExport).where(
        RecordExport.owner_id == actor.id, RecordExport.patient_id == patient_id)
        .order_by(RecordExport.id.desc()).limit(10)))
    return rows.patient_header(patient_id), exports, relation_to(actor, patient_id) != Relation.BREAK_GLASS


def get(actor: User, patient_id: int, export_id: int) -> RecordExport:
    export = db.session.get(RecordExport, export_id)
    if export is None or export.owner_id != actor.id or export.patient_id != patient_id:
        audit.record_denial("read", actor=actor, patient_id=patient_id, object_type=OBJECT, object_id=export_id)
        raise NotFound()
    return export


def _progress(export_id: int, done: int) -> None:
    """Commit the progress; on SQLite the reads until the next one do not hold the write lock,
    so a large record does not keep other requests waiting for it."""
    sqlite.leave_reads_only(db.session.commit)
    db.session.get(RecordExport, export_id).done = done
    db.session.commit()
    sqlite.reads_only_next()


def _write_zip(export_id: int, owner: User, patient_id: int, path: Path) -> dict[str, int]:
    """Every file into the ZIP, committing the progress after each; returns rows per CSV file."""
    from careteam.fhir import write_patient_bundle
    from careteam.services.record import build_summary
    from careteam.summary.export import _render, document_html

    counts: dict[str, int] = {}
    done = 0
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open(BUNDLE_FILE, "w") as stream:
            write_patient_bundle(owner, patient_id, stream)
        done += 1
        _progress(export_id, done)
        for part in readable_parts(owner, patient_id):
            with archive.open(part.file_name, "w", force_zip64=True) as stream:
                counts[part.file_name] = write_csv(part, patient_id, stream)
            done += 1
            _progress(export_id, done)
        summary = build_summary(owner, patient_id)
        archive.writestr(SUMMARY_FILE, _render([document_html(summary)]))  # 2-4 pages: small
        done += 1
        _progress(export_id, done)
        archive.writestr("README.txt", readme_text(owner, summary, counts, clock.now(),
                                                    current_app.config["CARETEAM_BUNDLE_KEEP_HOURS"]))
    return counts


def build(export_id: int) -> None:
    """The worker's part. Progress is committed after each file, so the page can show it."""
    export = db.session.get(RecordExport, export_id)
    if export is None or export.status not in (QUEUED, RUNNING):
        return
    owner = db.session.get(User, export.owner_id)
    patient_id, name = export.patient_id, export.file_name
    export.status = RUNNING
    db.session.commit()
    partial = _directory() / f"{name}.part"
    try:
        _still_allowed(owner, patient_id)
        _write_zip(export_id, owner, patient_id, partial)
        partial.replace(_directory() / name)
        sqlite.leave_reads_only(db.session.commit)  # the writes below take the lock first
    except Exception:  # noqa: BLE001 - the page says it failed; the log has why
        db.session.rollback()
        sqlite.write_lock_next()
        log.exception("record export %s failed", export_id)
        partial.unlink(missing_ok=True)
        db.session.get(RecordExport, export_id).status = FAILED
        db.session.commit()
        return
    export = db.session.get(RecordExport, export_id)
    now = clock.now()
    export.status, export.finished_at, export.expires_at = DONE, now, now + _keep()
    export.size_bytes = (_directory() / name).stat().st_size
    outbox.notify(export.owner_id, kinds.RECORD_READY, f"/patients/{patient_id}/record-export/{export_id}",
                  email=False)
    db.session.commit()


def download_name(export: RecordExport) -> str:
    day = (export.finished_at or export.created_at).astimezone(clock.zone()).date()
    return f"careteam-record-{export.patient_id}-{day.isoformat()}.zip"


def download(actor: User, patient_id: int, export_id: int) -> tuple[Path, str]:
    """The ZIP's path and file name; each download is audited as an export of the record."""
    export = get(actor, patient_id, export_id)
    path = _directory() / (export.file_name or "")
    if export.status != DONE or not export.file_name or not path.exists():
        raise NotFound()
    audit.record("export", actor=actor, patient_id=patient_id, object_type=OBJECT, object_id=export.id,
                 detail=f"record ZIP, {export.size_bytes} bytes")
    db.session.commit()
    return path, download_name(export)


def delete_expired(now: datetime) -> int:
    expired = list(db.session.scalars(select(RecordExport).where(RecordExport.expires_at < now)))
    for export in expired:
        if export.file_name:
            (_directory() / export.file_name).unlink(missing_ok=True)
            (_directory() / f"{export.file_name}.part").unlink(missing_ok=True)
        db.session.delete(export)
    db.session.commit()
    return len(expired)
