"""One patient's record as FHIR R4 resources, and as a Bundle of type `collection`."""

from __future__ import annotations

from typing import Iterator

from careteam.fhir import codes
from careteam.fhir.refs import instant
from careteam.fhir.resources import checkins, communications, exercises, goals, interventions, people, plans
from careteam.fhir.resources import questionnaires
from careteam.fhir.source import RecordData

AREAS = (people, goals, checkins, questionnaires, interventions, exercises, plans, communications)


def record_resources(data: RecordData) -> Iterator[dict]:
    """Every resource of the record that `data.visibility` may read, the patient first."""
    for area in AREAS:
        yield from area.resources(data)


def full_url(resource: dict) -> str:
    return f"{codes.CANONICAL}/{resource['resourceType']}/{resource['id']}"


def bundle_of(data: RecordData) -> dict:
    entries = [{"fullUrl": full_url(r), "resource": r} for r in record_resources(data)]
    return {
        "resourceType": "Bundle",
        "id": f"record-{data.patient.id}-{data.generated_at:%Y%m%dT%H%M%SZ}",
        "meta": {"lastUpdated": instant(data.generated_at)},
        "identifier": {"system": codes.IDENTIFIER, "value": str(data.patient.id)},
        "type": "collection",  # "total" is only for searchset and history bundles
        "timestamp": instant(data.generated_at),
        "entry": entries,
    }
