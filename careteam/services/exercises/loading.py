"""What every part of the exercises service shares: the record part and object types it audits,
and loading a patient's prescriptions with their dose history."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from careteam.domain.policy import Part
from careteam.extensions import db
from careteam.models import ExerciseDose, ExercisePrescription
from careteam.services.errors import NotFound

PART = Part.EXERCISE_DOSES
PRESCRIPTION = "exercise_prescription"
DOSE = "exercise_dose"
SESSION = "exercise_session"


def _with_doses():
    return selectinload(ExercisePrescription.doses).selectinload(ExerciseDose.changed_by)


def _prescription(patient_id: int, prescription_id: int) -> ExercisePrescription:
    """The prescription with its dose history, if it belongs to this patient."""
    prescription = db.session.scalar(
        select(ExercisePrescription)
        .where(ExercisePrescription.id == prescription_id, ExercisePrescription.patient_id == patient_id)
        .options(_with_doses())
        .execution_options(populate_existing=True)
    )
    if prescription is None:
        raise NotFound()
    return prescription


def _prescriptions(patient_id: int) -> list[ExercisePrescription]:
    return list(db.session.scalars(
        select(ExercisePrescription)
        .where(ExercisePrescription.patient_id == patient_id)
        .options(_with_doses())
        .order_by(ExercisePrescription.ended_on.is_not(None), ExercisePrescription.name, ExercisePrescription.id)
    ))
