"""Changes by the physiotherapist: new exercises with a first dose, dose changes, edits of the
descriptive fields and ends, each with a check that says what it would refuse.

A dose change carries the prescription version it was based on. A stale version is refused
before anything is written; a lost race between two changes is refused by the database
(UPDATE … WHERE version = … finds no row, or the unique dose number is taken). Both become
Conflict with the current state, so no change is ever silently lost.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from careteam.domain import dosing
from careteam.domain.policy import Action
from careteam.domain.vocabulary import Side
from careteam.extensions import db
from careteam.models import ExerciseDose, ExercisePrescription, Patient, RecordEvent, User
from careteam.services import audit, clock, timeline
from careteam.services.access import authorize
from careteam.services.errors import Conflict, InvalidInput
from careteam.services.exercises.loading import DOSE, PART, PRESCRIPTION, _prescription

DETAIL_FIELDS = ("name", "instructions", "side", "equipment")


def patient_for_prescribing(actor: User, patient_id: int) -> Patient:
    """The patient, for the new-exercise form: only whoever may prescribe gets it."""
    return authorize(actor, patient_id, PART, Action.WRITE, object_type=PRESCRIPTION)


def prescription_for_change(actor: User, patient_id: int, prescription_id: int
                            ) -> tuple[Patient, ExercisePrescription]:
    """The prescription as it is now, for a form that changes it."""
    patient = authorize(actor, patient_id, PART, Action.WRITE, object_type=PRESCRIPTION, object_id=prescription_id)
    prescription = _prescription(patient.id, prescription_id)
    audit.record("read", actor=actor, patient_id=patient.id, object_type=PRESCRIPTION, object_id=prescription.id)
    audit.commit_read()
    return patient, prescription


def _clean_details(details: Mapping[str, Any]) -> dict[str, Any]:
    cleaned = {name: details[name] for name in DETAIL_FIELDS if name in details}
    for name in ("name", "instructions", "equipment"):
        if isinstance(cleaned.get(name), str):
            cleaned[name] = cleaned[name].strip()
    return cleaned


def _dose_values(values: Mapping[str, Any], reason: str) -> dict[str, Any]:
    """The dose as the domain checks it: defaults filled in, text trimmed."""
    return {
        "sets": values.get("sets"),
        "reps": values.get("reps"),
        "hold_seconds": values.get("hold_seconds") or 0,
        "load_kg": values.get("load_kg"),
        "load_band": (values.get("load_band") or "").strip(),
        "rest_seconds": values.get("rest_seconds") or 0,
        "sessions_per_week": values.get("sessions_per_week"),
        "target_effort": values.get("target_effort"),
        "effective_from": values.get("effective_from") or clock.today(),
        "reason": (reason or "").strip(),
    }


def _new_dose(prescription: ExercisePrescription, number: int, values: dict[str, Any], actor: User) -> ExerciseDose:
    dose = ExerciseDose(prescription=prescription, number=number, changed_by=actor, changed_at=clock.now(),
                        **values)
    db.session.add(dose)
    return dose


def _new_prescription(details: Mapping[str, Any], dose_values: Mapping[str, Any], reason: str
                      ) -> tuple[dict, dict, dict[str, str]]:
    details = {"instructions": "", "side": Side.NOT_APPLICABLE.value, "equipment": "", **_clean_details(details)}
    values = _dose_values(dose_values, reason)
    return details, values, {**dosing.prescription_problems(details), **dosing.dose_problems(values, clock.today())}


def new_prescription_problems(actor: User, patient_id: int, details: Mapping[str, Any],
                              dose_values: Mapping[str, Any], reason: str) -> dict[str, str]:
    """What create_prescription would refuse, without changing anything."""
    authorize(actor, patient_id, PART, Action.WRITE, object_type=PRESCRIPTION)
    return _new_prescription(details, dose_values, reason)[2]


def create_prescription(actor: User, patient_id: int, details: Mapping[str, Any], dose_values: Mapping[str, Any],
                        reason: str) -> ExercisePrescription:
    """A new exercise with its first dose."""
    patient = authorize(actor, patient_id, PART, Action.WRITE, object_type=PRESCRIPTION)
    details, values, problems = _new_prescription(details, dose_values, reason)
    if problems:
        raise InvalidInput(problems)
    prescription = ExercisePrescription(patient_id=patient.id, created_by=actor, **details)
    db.session.add(prescription)
    first = _new_dose(prescription, 1, values, actor)
    db.session.flush()
    audit.record("create", actor=actor, patient_id=patient.id, object_type=PRESCRIPTION, object_id=prescription.id)
    timeline.record_change(actor, patient.id, PART, PRESCRIPTION, prescription.id,
                           summary=f"New exercise {prescription.name}: {dosing.describe(dosing.dose_of(first))}",
                           reason=first.reason)
    db.session.commit()
    return prescription


def _last_change(patient_id: int, prescription_id: int) -> dict[str, Any] | None:
    event = db.session.scalar(
        select(RecordEvent)
        .where(RecordEvent.patient_id == patient_id, RecordEvent.object_type == PRESCRIPTION,
               RecordEvent.object_id == prescription_id)
        .options(joinedload(RecordEvent.actor))
        .order_by(RecordEvent.id.desc())
        .limit(1)
    )
    if event is None:
        return None
    return {"by": event.actor.name, "at": event.occurred_at.isoformat(), "summary": event.summary}


def dose_state(dose: ExerciseDose) -> dict[str, Any]:
    """A dose as JSON-able values, shaped like the API's dose output."""
    return {
        "id": dose.id,
        "number": dose.number,
        **{name: getattr(dose, name) for name in dosing.DOSE_FIELDS},
        "effective_from": dose.effective_from.isoformat(),
        "reason": dose.reason,
        "changed_by": {"id": dose.changed_by.id, "name": dose.changed_by.name},
        "changed_at": dose.changed_at.isoformat(),
        "description": dosing.describe(dosing.dose_of(dose)),
    }


def prescription_state(prescription: ExercisePrescription) -> dict[str, Any]:
    """A prescription and its current dose as JSON-able values, shaped like the API's output."""
    return {
        "id": prescription.id,
        **{name: getattr(prescription, name) for name in DETAIL_FIELDS},
        "started_on": prescription.started_on.isoformat(),
        "ended_on": prescription.ended_on.isoformat() if prescription.ended_on else None,
        "version": prescription.version,
        "current_dose": dose_state(prescription.current_dose),
    }


def _conflict(patient_id: int, prescription_id: int) -> Conflict:
    """Someone changed the prescription first: what it is now, and who changed it last."""
    prescription = _prescription(patient_id, prescription_id)
    current = {**prescription_state(prescription), "last_change": _last_change(patient_id, prescription_id)}
    return Conflict(current=current)


def _changeable(actor: User, patient_id: int, prescription_id: int, based_on_version: int
                ) -> tuple[Patient, ExercisePrescription]:
    """Authorize a change and load the prescription, refusing a stale version."""
    patient = authorize(actor, patient_id, PART, Action.WRITE, object_type=PRESCRIPTION, object_id=prescription_id)
    prescription = _prescription(patient.id, prescription_id)
    if based_on_version != prescription.version:
        raise _conflict(patient.id, prescription.id)
    if prescription.ended_on is not None:
        raise InvalidInput({"_": "This exercise has ended; it can no longer be changed."})
    return patient, prescription


@contextmanager
def _refused_if_overtaken(patient_id: int, prescription_id: int, based_on_version: int) -> Iterator[None]:
    """Around flush and commit: a change that lost the race to another one becomes Conflict."""
    try:
        yield
    except (StaleDataError, IntegrityError):
        db.session.rollback()
        conflict = _conflict(patient_id, prescription_id)
        if conflict.current["version"] == based_on_version:
            raise  # nothing else changed it: a genuine error, not a lost race
        raise conflict from None


def dose_change_problems(actor: User, patient_id: int, prescription_id: int, dose_values: Mapping[str, Any],
                         reason: str) -> dict[str, str]:
    """What change_dose would refuse in these values, without changing anything (for a form
    that failed its own checks, so every problem shows at once)."""
    patient = authorize(actor, patient_id, PART, Action.WRITE, object_type=PRESCRIPTION, object_id=prescription_id)
    current = _prescription(patient.id, prescription_id).current_dose
    return dosing.dose_problems(_dose_values(dose_values, reason), clock.today(), current.effective_from)


def change_dose(actor: User, patient_id: int, prescription_id: int, based_on_version: int,
                dose_values: Mapping[str, Any], reason: str) -> ExerciseDose:
    """Append a new dose (number = previous + 1) and move the prescription to its next version."""
    patient, prescription = _changeable(actor, patient_id, prescription_id, based_on_version)
    current = prescription.current_dose
    values = _dose_values(dose_values, reason)
    problems = dosing.dose_problems(values, clock.today(), current.effective_from)
    if problems:
        raise InvalidInput(problems)
    dose = _new_dose(prescription, current.number + 1, values, actor)
    flag_modified(prescription, "name")  # an UPDATE … WHERE version = based_on_version, bumping it
    diff = dosing.dose_diff(dosing.dose_of(current), dosing.dose_of(dose))
    with _refused_if_overtaken(patient.id, prescription.id, based_on_version):
        db.session.flush()
        audit.record("create", actor=actor, patient_id=patient.id, object_type=DOSE, object_id=dose.id)
        before, after = dosing.dose_of(current), dosing.dose_of(dose)
        timeline.record_change(actor, patient.id, PART, PRESCRIPTION, prescription.id,
                               summary=f"Dose of {prescription.name}: {diff}", reason=dose.reason,
                               changes={name: (getattr(before, name), getattr(after, name))
                                        for name in dosing.DOSE_FIELDS})
        db.session.commit()
    return dose


def edit_prescription(actor: User, patient_id: int, prescription_id: int, based_on_version: int,
                      details: Mapping[str, Any], reason: str = "") -> ExercisePrescription:
    """Change the descriptive fields given (name, instructions, side, equipment)."""
    patient, prescription = _changeable(actor, patient_id, prescription_id, based_on_version)
    changes = {k: v for k, v in _clean_details(details).items() if getattr(prescription, k) != v}
    merged = {name: changes.get(name, getattr(prescription, name)) for name in DETAIL_FIELDS}
    problems = dosing.prescription_problems(merged)
    if problems:
        raise InvalidInput(problems)
    if not changes:
        return prescription
    old_name = prescription.name
    replaced = {name: (getattr(prescription, name), value) for name, value in changes.items()}
    for name, value in changes.items():
        setattr(prescription, name, value)
    audit.record("update", actor=actor, patient_id=patient.id, object_type=PRESCRIPTION, object_id=prescription.id)
    timeline.record_change(actor, patient.id, PART, PRESCRIPTION, prescription.id,
                           summary=f"{old_name}: changed {', '.join(changes)}", reason=(reason or "").strip(),
                           changes=replaced)
    with _refused_if_overtaken(patient.id, prescription.id, based_on_version):
        db.session.commit()
    return prescription


def end_problems(actor: User, patient_id: int, prescription_id: int, ended_on: date | None,
                 reason: str) -> dict[str, str]:
    """What end_prescription would refuse, without changing anything."""
    patient = authorize(actor, patient_id, PART, Action.WRITE, object_type=PRESCRIPTION, object_id=prescription_id)
    prescription = _prescription(patient.id, prescription_id)
    return dosing.end_problems(ended_on or clock.today(), prescription.started_on, clock.today(), reason or "")


def end_prescription(actor: User, patient_id: int, prescription_id: int, based_on_version: int,
                     ended_on: date | None, reason: str) -> ExercisePrescription:
    """Stop an exercise; its doses and sessions stay in the record."""
    patient, prescription = _changeable(actor, patient_id, prescription_id, based_on_version)
    ended_on = ended_on or clock.today()
    problems = dosing.end_problems(ended_on, prescription.started_on, clock.today(), reason)
    if problems:
        raise InvalidInput(problems)
    replaced = {"ended_on": (prescription.ended_on, ended_on)}
    prescription.ended_on = ended_on
    audit.record("end", actor=actor, patient_id=patient.id, object_type=PRESCRIPTION, object_id=prescription.id)
    timeline.record_change(actor, patient.id, PART, PRESCRIPTION, prescription.id,
                           summary=f"Ended {prescription.name}", reason=reason.strip(), changes=replaced)
    with _refused_if_overtaken(patient.id, prescription.id, based_on_version):
        db.session.commit()
    return prescription
