"""Patient records: creating them, listing the visible ones, the overview."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from careteam.domain.policy import Action, Part, Role
from careteam.extensions import db
from careteam.models import CareTeamMember, Patient, User
from careteam.services import audit
from careteam.services.record import rows
from careteam.services.access import authorize, require_admin, visible_patients
from careteam.services.errors import InvalidInput, NotFound


def add_patient_record(user: User, date_of_birth: date | None) -> Patient:
    """Create a record for a patient account without an actor (CLI, demo data). Caller commits."""
    if user.role != Role.PATIENT:
        raise InvalidInput({"user_id": "Only a patient account can have a patient record."})
    if db.session.scalar(select(Patient.id).where(Patient.user_id == user.id)) is not None:
        raise InvalidInput({"user_id": "This account already has a patient record."})
    if date_of_birth is not None and date_of_birth > date.today():
        raise InvalidInput({"date_of_birth": "The date of birth cannot be in the future."})
    patient = Patient(user=user, date_of_birth=date_of_birth)
    db.session.add(patient)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise InvalidInput({"user_id": "This account already has a patient record."}) from None
    return patient


def create_patient_record(admin: User, user_id: int, date_of_birth: date | None) -> Patient:
    require_admin(admin, "create", "patient")
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound()
    patient = add_patient_record(user, date_of_birth)
    audit.record("create", actor=admin, patient_id=patient.id, object_type="patient",
                 object_id=patient.id)
    db.session.commit()
    return patient


def list_patients(actor: User) -> list[Patient]:
    """Patients this actor may list, names only: clinicians their teams', admins all. Audited."""
    patients = visible_patient_rows(actor)
    audit.record_list(actor, "patients", len(patients))
    return patients


def visible_patient_rows(actor: User) -> list[Patient]:
    """The rows of list_patients, for a caller that audits its own list."""
    stmt = (
        visible_patients(actor)
        .join(User, User.id == Patient.user_id)
        .options(selectinload(Patient.user))
        .order_by(User.name, Patient.id)
    )
    return list(db.session.scalars(stmt))


def list_patients_for_admin(admin: User) -> list[Patient]:
    """Every record with its care team, for forming teams; no clinical content."""
    require_admin(admin, "list", "patient")
    stmt = (
        select(Patient)
        .join(User, User.id == Patient.user_id)
        .options(
            selectinload(Patient.user),
            selectinload(Patient.team).selectinload(CareTeamMember.clinician),
        )
        .order_by(User.name, Patient.id)
    )
    patients = list(db.session.scalars(stmt))
    audit.record_list(admin, "admin_patients", len(patients))
    return patients


def own_record(actor: User) -> Patient | None:
    if actor.role != Role.PATIENT:
        return None
    return db.session.scalar(select(Patient).where(Patient.user_id == actor.id))


def overview(actor: User, patient_id: int) -> dict:
    """The record's identity and care team, read by the patient or the team (audited), as plain data."""
    patient = authorize(actor, patient_id, Part.RECORD, Action.READ, object_type="patient",
                        object_id=patient_id)
    audit.record_read(actor, patient.id, "patient", object_id=patient.id)  # committed before loading
    header = rows.patient_header(patient.id)
    return {"id": header.id, "name": header.name, "date_of_birth": header.date_of_birth,
            "team": [{"clinician_id": m.clinician_id, "name": m.clinician.name, "email": m.clinician.email,
                      "discipline": m.discipline, "added_at": m.added_at} for m in rows.team(patient.id)]}

