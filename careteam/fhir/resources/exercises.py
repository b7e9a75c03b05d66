"""Exercise prescriptions: each dose a ServiceRequest (the newer one `replaces` the older), its
sets, reps, hold, load, rest and effort in careteam's exercise-dose extension
(careteam/fhir/profiles/StructureDefinition-exercise-dose.json), sessions per week as the
standard timing; each dose change a Provenance: who, when, why."""

from __future__ import annotations

from typing import Iterator

from careteam.domain.policy import Part
from careteam.fhir import codes
from careteam.fhir.refs import day, drop_empty, instant, number, patient_ref, ref, rid
from careteam.fhir.resources.people import who
from careteam.fhir.source import RecordData
from careteam.models import ExerciseDose, ExercisePrescription


def dose_extension(prescription: ExercisePrescription, dose: ExerciseDose) -> dict:
    values = [("sets", "valueInteger", dose.sets), ("reps", "valueInteger", dose.reps),
              ("holdSeconds", "valueInteger", dose.hold_seconds), ("restSeconds", "valueInteger", dose.rest_seconds),
              ("sessionsPerWeek", "valueInteger", dose.sessions_per_week),
              ("loadKg", "valueDecimal", number(dose.load_kg) if dose.load_kg is not None else None),
              ("loadBand", "valueString", dose.load_band), ("targetEffort", "valueInteger", dose.target_effort),
              ("side", "valueString", prescription.side), ("equipment", "valueString", prescription.equipment)]
    return {"url": codes.DOSE_EXTENSION,
            "extension": [{"url": name, kind: value} for name, kind, value in values if value not in (None, "")]}


def current_dose(prescription: ExercisePrescription) -> ExerciseDose | None:
    return max(prescription.doses, key=lambda d: d.number, default=None)


def _status(prescription: ExercisePrescription, dose: ExerciseDose, latest: ExerciseDose) -> str:
    if dose is not latest:
        return "completed"  # replaced by a newer dose
    return "completed" if prescription.ended_on else "active"


def _request(data: RecordData, prescription: ExercisePrescription, doses: list[ExerciseDose], index: int) -> dict:
    dose = doses[index]
    following = doses[index + 1] if index + 1 < len(doses) else None
    end = following.effective_from if following else prescription.ended_on
    return drop_empty({
        "resourceType": "ServiceRequest", "id": rid("exercise-dose", dose.id),
        "extension": [dose_extension(prescription, dose)],
        "requisition": {"system": f"{codes.CANONICAL}/NamingSystem/exercise-prescription",
                        "value": str(prescription.id)},
        "replaces": [ref("ServiceRequest", "exercise-dose", doses[index - 1].id)] if index else None,
        "status": _status(prescription, dose, doses[-1]), "intent": "order",
        "category": [codes.concept(codes.careteam("exercise-prescription"))],
        "code": codes.concept(text=prescription.name),
        "subject": patient_ref(data.patient.id),
        "occurrenceTiming": {"repeat": drop_empty({
            "boundsPeriod": drop_empty({"start": day(dose.effective_from), "end": day(end)}),
            "frequency": dose.sessions_per_week, "period": 1, "periodUnit": "wk"})},
        "authoredOn": instant(dose.changed_at), "requester": who(data, dose.changed_by_id),
        "reasonCode": [{"text": dose.reason}] if dose.reason else None,
        "patientInstruction": prescription.instructions,
    })


def _provenance(data: RecordData, dose: ExerciseDose) -> dict:
    return drop_empty({
        "resourceType": "Provenance", "id": rid("dose-change", dose.id),
        "target": [ref("ServiceRequest", "exercise-dose", dose.id)],
        "occurredDateTime": day(dose.effective_from), "recorded": instant(dose.changed_at),
        "activity": codes.concept(codes.coding(codes.DATA_OPERATION, *(("CREATE", "create") if dose.number == 1
                                                                         else ("UPDATE", "revise")))),
        "reason": [{"text": dose.reason}] if dose.reason else None,
        "agent": [{"type": codes.concept(codes.coding(codes.PROVENANCE_PARTICIPANT, "author", "Author")),
                   "who": who(data, dose.changed_by_id)}],
    })


def resources(data: RecordData) -> Iterator[dict]:
    if not data.visibility.reads(Part.EXERCISE_DOSES):
        return
    for prescription in data.prescriptions:
        doses = sorted(prescription.doses, key=lambda d: d.number)
        for index, dose in enumerate(doses):
            yield _request(data, prescription, doses, index)
            yield _provenance(data, dose)
