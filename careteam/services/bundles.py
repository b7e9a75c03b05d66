"""A clinic day's handover PDFs as a background job: started by the clinician, prepared by the
worker patient by patient (the page shows n of m), downloaded by its owner only (each download
audited as an export of every summary in it), deleted after CARETEAM_BUNDLE_KEEP_HOURS."""

from __future__ import annotations

import logging
import secrets
from datetime import date, datetime, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from careteam.domain import notifications as kinds
from careteam.extensions import db
from careteam.files import files_directory
from careteam.models import PdfBundle, User
from careteam.models.bundle import DONE, FAILED, QUEUED, RUNNING
from careteam.services import appointments, audit, clock, outbox
from careteam.services.errors import InvalidInput, NotFound

log = logging.getLogger(__name__)


def _directory() -> Path:
    return files_directory("bundles")


def start(actor: User, day: date) -> PdfBundle:
    if not actor.is_clinician:
        raise NotFound()
    todays = appointments.on_day(actor, day)
    if not todays:
        raise InvalidInput({"day": ["You have no appointments on that day."]})
    bundle = PdfBundle(owner_id=actor.id, day=day, status=QUEUED, total=len(todays),
                       patient_ids=[a.patient_id for a in todays])
    db.session.add(bundle)
    db.session.commit()
    from careteam import jobs

    jobs.enqueue_bundle(bundle.id)  # after the commit: the worker must find the row
    return bundle


def get(actor: User, bundle_id: int) -> PdfBundle:
    bundle = db.session.get(PdfBundle, bundle_id)
    if bundle is None or bundle.owner_id != actor.id:
        audit.record_denial("read", actor=actor, patient_id=None, object_type="pdf_bundle", object_id=bundle_id)
        raise NotFound()
    return bundle


def build(bundle_id: int) -> None:
    """The worker's part. Progress is committed after each patient, so the page can show it."""
    from careteam.summary.export import _render, document_html
    from careteam.services.record import build_summary

    bundle = db.session.get(PdfBundle, bundle_id)
    if bundle is None or bundle.status not in (QUEUED, RUNNING):
        return
    owner = db.session.get(User, bundle.owner_id)
    bundle.status = RUNNING
    db.session.commit()
    try:
        documents = []
        for number, patient_id in enumerate(list(bundle.patient_ids), start=1):
            documents.append(document_html(build_summary(owner, patient_id)))
            db.session.get(PdfBundle, bundle_id).done = number
            db.session.commit()
        pdf = _render(documents)
        name = f"{bundle_id}-{secrets.token_hex(8)}.pdf"
        (_directory() / name).write_bytes(pdf)
    except Exception:  # noqa: BLE001 - the page says it failed; the log has why
        db.session.rollback()
        log.exception("PDF bundle %s failed", bundle_id)
        db.session.get(PdfBundle, bundle_id).status = FAILED
        db.session.commit()
        return
    bundle = db.session.get(PdfBundle, bundle_id)
    now = clock.now()
    bundle.status, bundle.file_name, bundle.finished_at = DONE, name, now
    bundle.expires_at = now + timedelta(hours=current_app.config["CARETEAM_BUNDLE_KEEP_HOURS"])
    outbox.notify(bundle.owner_id, kinds.BUNDLE_READY, f"/bundles/{bundle_id}", email=False)
    db.session.commit()


def download(actor: User, bundle_id: int) -> tuple[Path, str]:
    bundle = get(actor, bundle_id)
    path = _directory() / (bundle.file_name or "")
    if bundle.status != DONE or not bundle.file_name or not path.exists():
        raise NotFound()
    for patient_id in bundle.patient_ids:
        audit.record("export", actor=actor, patient_id=patient_id, object_type="summary_pdf",
                     detail=f"day bundle {bundle.day.isoformat()}")
    db.session.commit()
    return path, f"careteam-handovers-{bundle.day.isoformat()}.pdf"


def delete_expired(now: datetime) -> int:
    expired = list(db.session.scalars(select(PdfBundle).where(PdfBundle.expires_at < now)))
    for bundle in expired:
        if bundle.file_name:
            (_directory() / bundle.file_name).unlink(missing_ok=True)
        db.session.delete(bundle)
    db.session.commit()
    return len(expired)
