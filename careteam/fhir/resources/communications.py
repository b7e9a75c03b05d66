"""Open alerts as Flag, appointments as Appointment, notes and questions as Communication.

A note's visibility travels in `meta.security`: careteam's own label (team_and_patient,
clinicians, psychologists) and the HL7 confidentiality code (N, R, V). Voided notes and voided
corrections are left out, as on every page."""

from __future__ import annotations

from typing import Iterator

from careteam.domain.policy import Part
from careteam.domain.vocabulary import RED_FLAG_LABELS, VISIBILITY_LABELS
from careteam.fhir import codes
from careteam.fhir.refs import drop_empty, instant, patient_ref, ref, rid
from careteam.fhir.resources.people import who
from careteam.fhir.source import RecordData

CONFIDENTIALITY = {"team_and_patient": ("N", "normal"), "clinicians": ("R", "restricted"),
                   "psychologists": ("V", "very restricted")}


def flags(data: RecordData) -> Iterator[dict]:
    for alert in data.alerts:
        if alert.acknowledged_at is not None:
            continue
        kind = "questionnaire-safety-alert" if alert.kind == "questionnaire_safety" else "red-flag-alert"
        yield drop_empty({
            "resourceType": "Flag", "id": rid("alert", alert.id), "status": "active",
            "category": [codes.concept(codes.coding(codes.FLAG_CATEGORY, "clinical", "Clinical"))],
            "code": codes.concept(codes.careteam(kind),
                                  *(codes.coding(codes.RED_FLAG, f, RED_FLAG_LABELS.get(f)) for f in alert.flags),
                                  text=", ".join(RED_FLAG_LABELS.get(f, f) for f in alert.flags) or None),
            "subject": patient_ref(data.patient.id), "period": {"start": instant(alert.raised_at)},
        })


def appointments(data: RecordData) -> Iterator[dict]:
    for appointment in data.appointments:
        start = instant(appointment.starts_at)
        yield {
            "resourceType": "Appointment", "id": rid("appointment", appointment.id),
            "status": "booked" if appointment.starts_at > data.generated_at else "fulfilled",
            "serviceType": [codes.concept(text=appointment.kind)],
            "start": start, "end": instant(appointment.ends_at), "minutesDuration": appointment.duration_minutes,
            # The place as text (no Location resource); the video link stays in careteam.
            **({"description": appointment.place} if appointment.place else {}),
            "created": instant(appointment.created_at),
            "participant": [{"actor": patient_ref(data.patient.id), "status": "accepted"},
                            {"actor": who(data, appointment.clinician_id), "status": "accepted"}],
        }


def _security(visibility: str) -> dict:
    code, display = CONFIDENTIALITY[visibility]
    return {"security": [codes.coding(codes.NOTE_VISIBILITY, visibility, VISIBILITY_LABELS.get(visibility)),
                         codes.coding(codes.CONFIDENTIALITY, code, display)]}


def _communication(data: RecordData, key: str, category: str, sender_id: int, sent, text: str, **more) -> dict:
    return drop_empty({
        "resourceType": "Communication", "id": rid("communication", key), **more, "status": "completed",
        "category": [codes.concept(codes.careteam(category))], "subject": patient_ref(data.patient.id),
        "sent": instant(sent), "sender": who(data, sender_id), "payload": [{"contentString": text}],
    })


def notes(data: RecordData) -> Iterator[dict]:
    readable = set(data.visibility.note_visibilities)
    for thread in data.notes:
        note = thread.note
        if note.visibility not in readable or note.voided_at is not None:
            continue
        yield _communication(data, f"note-{note.id}", "clinical-note", note.author_id, note.created_at, note.body,
                             meta=_security(note.visibility))
        for addendum in thread.addenda:
            if addendum.visibility in readable and addendum.voided_at is None:
                yield _communication(data, f"note-{addendum.id}", "clinical-note", addendum.author_id,
                                     addendum.created_at, addendum.body, meta=_security(addendum.visibility),
                                     inResponseTo=[ref("Communication", "communication", f"note-{note.id}")])


def questions(data: RecordData) -> Iterator[dict]:
    for question in data.questions:
        yield _communication(data, f"question-{question.id}", "question-for-team", question.asked_by_id,
                             question.created_at, question.text)
        if question.answered_at is not None and question.answered_by_id is not None:
            yield _communication(data, f"answer-{question.id}", "question-for-team", question.answered_by_id,
                                 question.answered_at, question.answer,
                                 inResponseTo=[ref("Communication", "communication", f"question-{question.id}")])


def resources(data: RecordData) -> Iterator[dict]:
    reads = data.visibility.reads
    if reads(Part.ALERTS):
        yield from flags(data)
    if reads(Part.APPOINTMENTS):
        yield from appointments(data)
    yield from notes(data)
    if reads(Part.QUESTIONS):
        yield from questions(data)
