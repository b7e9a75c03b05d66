"""Every patient's record as FHIR NDJSON in the Bulk Data layout: one `<Type>.ndjson` per
resource type and a `manifest.json` beside them (`flask --app careteam export-fhir DIR`).

Memory stays flat whatever the number of patients: patients are read in keyset-paged batches
of ids, each record is loaded, written line by line and dropped, and the session is cleared
between batches; only the counts per type and the ids of Practitioners already written (one per
clinician, not per patient) are kept.

The reader is `source.SYSTEM`: what a clinician on the care team reads, WITHOUT psychologists-only
notes (psychotherapy notes leave careteam only through a psychologist's own bundle). The patient
identity, team, check-ins, questionnaires, goals, interventions, plans, open alerts,
appointments, questions and notes visible to the team and to clinicians are included.

`since`: the whole records of the patients with a change on or after that day (a check-in
submitted or edited, a record event, a note, a question, a questionnaire answer, an appointment
made, an alert raised). careteam keeps no last-updated time per resource, so a changed record
is exported whole.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import BinaryIO, Callable, Iterator

import orjson
from sqlalchemy import select, union

from careteam.extensions import db
from careteam.fhir import codes
from careteam.fhir.bundle import record_resources
from careteam.fhir.refs import instant
from careteam.fhir.source import SYSTEM, load
from careteam.models import (
    Appointment, Note, Patient, Question, QuestionnaireResponse, RecordEvent, RedFlagAlert, WeeklyCheckin,
)
from careteam.services import audit, clock

BATCH = 200
MANIFEST = "manifest.json"
OBJECT_TYPE = "fhir_bulk"
SHARED_TYPES = {"Practitioner"}  # the same clinician serves many patients: written once


@dataclass
class BulkResult:
    directory: Path
    patients: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    manifest: dict = field(default_factory=dict)

    @property
    def resources(self) -> int:
        return sum(self.counts.values())


def _changed_since(patient_ids: list[int], since: date) -> set[int]:
    moment = datetime.combine(since, time.min, tzinfo=clock.zone())
    changed = union(
        select(WeeklyCheckin.patient_id).where(WeeklyCheckin.patient_id.in_(patient_ids),
                                               WeeklyCheckin.updated_at >= moment),
        select(RecordEvent.patient_id).where(RecordEvent.patient_id.in_(patient_ids), RecordEvent.occurred_at >= moment),
        select(Note.patient_id).where(Note.patient_id.in_(patient_ids), Note.created_at >= moment),
        select(Question.patient_id).where(Question.patient_id.in_(patient_ids), Question.created_at >= moment),
        select(Question.patient_id).where(Question.patient_id.in_(patient_ids), Question.answered_at >= moment),
        select(QuestionnaireResponse.patient_id).where(QuestionnaireResponse.patient_id.in_(patient_ids),
                                                       QuestionnaireResponse.submitted_at >= moment),
        select(Appointment.patient_id).where(Appointment.patient_id.in_(patient_ids), Appointment.created_at >= moment),
        select(RedFlagAlert.patient_id).where(RedFlagAlert.patient_id.in_(patient_ids), RedFlagAlert.raised_at >= moment),
    )
    return set(db.session.scalars(changed))


def patient_batches(since: date | None, size: int = BATCH) -> Iterator[list[int]]:
    """Patient ids in batches, by keyset (never a list of every patient)."""
    last = 0
    while True:
        ids = list(db.session.scalars(select(Patient.id).where(Patient.id > last).order_by(Patient.id).limit(size)))
        if not ids:
            return
        last = ids[-1]
        if since is not None:
            changed = _changed_since(ids, since)
            ids = [i for i in ids if i in changed]
        if ids:
            yield ids


class _Files:
    """One open NDJSON file per resource type, opened on its first resource."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.handles: dict[str, BinaryIO] = {}
        self.counts: dict[str, int] = {}

    def write(self, resource: dict) -> None:
        kind = resource["resourceType"]
        handle = self.handles.get(kind)
        if handle is None:
            handle = self.handles[kind] = open(self.directory / f"{kind}.ndjson", "wb", buffering=1 << 16)
            self.counts[kind] = 0
        handle.write(orjson.dumps(resource))
        handle.write(b"\n")
        self.counts[kind] += 1

    def close(self) -> None:
        for handle in self.handles.values():
            handle.close()


def _manifest(directory: Path, started: datetime, since: date | None, counts: dict[str, int]) -> dict:
    return {
        "transactionTime": instant(started),
        "request": f"{codes.CANONICAL}/$export" + (f"?_since={since.isoformat()}" if since else ""),
        "requiresAccessToken": False,
        "output": [{"type": kind, "url": (directory / f"{kind}.ndjson").resolve().as_uri(), "count": count}
                   for kind, count in sorted(counts.items())],
        "error": [],
        "extension": {f"{codes.CANONICAL}/bulk-reader": "clinician on the care team, without psychologists-only notes"},
    }


def export_all(directory: str | os.PathLike, since: date | None = None, batch: int = BATCH,
               progress: Callable[[int], None] | None = None) -> BulkResult:
    """Write every patient's record (or those changed since `since`) to `directory`."""
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    if any(target.glob("*.ndjson")) or (target / MANIFEST).exists():
        raise FileExistsError(f"{target} already holds an export; choose an empty directory")
    started = clock.now()
    # The export is audited (as the system, no person) before any record is read.
    audit.record("export", actor=None, object_type=OBJECT_TYPE, detail=f"since={since}" if since else "all")
    db.session.commit()
    result = BulkResult(target)
    files = _Files(target)
    shared: set[str] = set()
    try:
        for ids in patient_batches(since, batch):
            for patient_id in ids:
                for resource in record_resources(load(patient_id, SYSTEM)):
                    if resource["resourceType"] in SHARED_TYPES:
                        if resource["id"] in shared:
                            continue
                        shared.add(resource["id"])
                    files.write(resource)
                result.patients += 1
            db.session.rollback()  # read-only: end the transaction and drop what it loaded
            db.session.expunge_all()
            if progress:
                progress(result.patients)
    finally:
        files.close()
    result.counts = dict(files.counts)
    result.manifest = _manifest(target, started, since, result.counts)
    (target / MANIFEST).write_bytes(orjson.dumps(result.manifest, option=orjson.OPT_INDENT_2))
    return result
