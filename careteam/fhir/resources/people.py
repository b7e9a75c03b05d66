"""Patient, Practitioner, PractitionerRole and CareTeam (disciplines as roles)."""

from __future__ import annotations

from typing import Iterator

from careteam.fhir import codes
from careteam.fhir.refs import day, drop_empty, instant, patient_ref, practitioner_ref, ref, rid
from careteam.fhir.source import RecordData

DISCIPLINE_LABELS = {"physician": "Physician", "physiotherapist": "Physiotherapist",
                     "psychologist": "Pain psychologist", "patient": "Patient", "admin": "Clinic admin"}


def who(data: RecordData, user_id: int) -> dict:
    """The patient herself, or the Practitioner the bundle holds for this user."""
    if user_id == data.patient.user_id:
        return patient_ref(data.patient.id)
    return practitioner_ref(user_id)


def discipline(code: str) -> dict:
    return codes.concept(codes.coding(codes.DISCIPLINE, code, DISCIPLINE_LABELS.get(code, code)))


def patient(data: RecordData) -> dict:
    header = data.patient
    return drop_empty({
        "resourceType": "Patient", "id": rid("patient", header.id),
        "identifier": [{"system": codes.IDENTIFIER, "value": str(header.id)}],
        "active": True,
        "name": [{"text": header.name}],
        "birthDate": day(header.date_of_birth),
    })


def practitioners(data: RecordData) -> Iterator[dict]:
    for user_id, (name, _role) in sorted(data.people.items()):
        if user_id != data.patient.user_id:
            yield {"resourceType": "Practitioner", "id": rid("practitioner", user_id), "active": True,
                   "name": [{"text": name}]}


def _role_id(data: RecordData, clinician_id: int) -> str:
    return f"{data.patient.id}-{clinician_id}"


def roles_and_team(data: RecordData) -> Iterator[dict]:
    if not data.team:
        return
    for member in data.team:
        yield {"resourceType": "PractitionerRole", "id": rid("practitionerrole", _role_id(data, member.clinician_id)),
               "active": True, "period": {"start": instant(member.added_at)},
               "practitioner": practitioner_ref(member.clinician_id, ),
               "code": [discipline(member.discipline)]}
    yield {
        "resourceType": "CareTeam", "id": rid("careteam", data.patient.id), "status": "active",
        "name": f"Care team of {data.patient.name}",
        "subject": patient_ref(data.patient.id),
        "participant": [{"role": [discipline(m.discipline)],
                         "member": ref("PractitionerRole", "practitionerrole", _role_id(data, m.clinician_id),
                                       m.clinician.name),
                         "period": {"start": instant(m.added_at)}} for m in data.team],
    }


def resources(data: RecordData) -> Iterator[dict]:
    yield patient(data)
    yield from practitioners(data)
    yield from roles_and_team(data)
