"""careteam's record as FHIR R4 (docs/fhir.md maps each part to its resource).

`patient_bundle(viewer, patient_id)` is one patient's record as a Bundle of type `collection`,
with only what the viewer may read (the summary's visibility rules); `write_patient_bundle`
writes it as JSON bytes. Both are authorized like any read of the record (an outsider gets the
same NotFound as everywhere) and audited as an export, committed before any of the record is
read. `careteam.fhir.bulk` exports every patient as NDJSON.
"""

from __future__ import annotations

from typing import BinaryIO

import orjson

from careteam.domain.policy import Action, Part
from careteam.models import User
from careteam.services import audit
from careteam.services.access import authorize

from careteam.fhir.bundle import bundle_of
from careteam.fhir.source import load, visibility_for

__all__ = ["OBJECT_TYPE", "patient_bundle", "write_patient_bundle"]

OBJECT_TYPE = "fhir_bundle"


def patient_bundle(viewer: User, patient_id: int) -> dict:
    """The viewer's FHIR Bundle of one patient's record, as a JSON-ready dict."""
    patient = authorize(viewer, patient_id, Part.RECORD, Action.READ, object_type=OBJECT_TYPE)
    visibility = visibility_for(viewer, patient.id)
    # No unaudited read: the export event is committed before the record is loaded.
    audit.record("export", actor=viewer, patient_id=patient.id, object_type=OBJECT_TYPE, object_id=patient.id)
    audit.commit_read()
    return bundle_of(load(patient.id, visibility))


def write_patient_bundle(viewer: User, patient_id: int, stream: BinaryIO) -> None:
    """The same Bundle, written to a binary stream as JSON (UTF-8)."""
    stream.write(orjson.dumps(patient_bundle(viewer, patient_id)))
