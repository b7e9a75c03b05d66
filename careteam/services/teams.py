"""Care-team membership: admins add and remove, a physician on the team may add."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from careteam.domain.policy import CLINICIAN_ROLES, Action, Part
from careteam.extensions import db
from careteam.models import CareTeamMember, Patient, User
from careteam.services import audit, timeline
from careteam.services.access import authorize
from careteam.services.errors import InvalidInput, NotFound


def _members(patient_id: int) -> list[CareTeamMember]:
    return list(
        db.session.scalars(
            select(CareTeamMember)
            .where(CareTeamMember.patient_id == patient_id)
            .options(selectinload(CareTeamMember.clinician))
            .order_by(CareTeamMember.discipline, CareTeamMember.id)
        )
    )


def get_team(actor: User, patient_id: int) -> tuple[Patient, list[CareTeamMember]]:
    patient = authorize(actor, patient_id, Part.TEAM, Action.READ, object_type="care_team")
    audit.record("read", actor=actor, patient_id=patient.id, object_type="care_team")
    db.session.commit()  # before loading: a commit expires what was loaded
    return patient, _members(patient.id)


def addable_clinicians(actor: User, patient_id: int) -> list[User]:
    """Active clinicians not yet on the team, for the add form."""
    patient = authorize(actor, patient_id, Part.TEAM, Action.INVITE, object_type="care_team")
    on_team = select(CareTeamMember.clinician_id).where(CareTeamMember.patient_id == patient.id)
    return list(
        db.session.scalars(
            select(User)
            .where(User.role.in_([r.value for r in CLINICIAN_ROLES]), User.active.is_(True))
            .where(User.id.not_in(on_team))
            .order_by(User.role, User.name)
        )
    )


def join_team(patient: Patient, clinician: User, added_by: User | None) -> CareTeamMember:
    """Put a clinician on a team in their own discipline, without an actor check. Caller commits."""
    if not clinician.is_clinician or not clinician.active:
        raise InvalidInput({"clinician_id": "Choose an active physician, physiotherapist or psychologist."})
    exists = db.session.scalar(
        select(CareTeamMember.id).where(
            CareTeamMember.patient_id == patient.id, CareTeamMember.clinician_id == clinician.id
        )
    )
    if exists is not None:
        raise InvalidInput({"clinician_id": f"{clinician.name} is already on this care team."})
    member = CareTeamMember(patient=patient, clinician=clinician, discipline=clinician.role,
                            added_by=added_by)
    db.session.add(member)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise InvalidInput({"clinician_id": f"{clinician.name} is already on this care team."}) from None
    return member


def add_member(actor: User, patient_id: int, clinician_id: int) -> CareTeamMember:
    patient = authorize(actor, patient_id, Part.TEAM, Action.INVITE, object_type="care_team")
    clinician = db.session.get(User, clinician_id)
    if clinician is None:
        raise InvalidInput({"clinician_id": "Choose a clinician."})
    member = join_team(patient, clinician, added_by=actor)
    audit.record("add_member", actor=actor, patient_id=patient.id, object_type="care_team_member",
                 object_id=clinician.id, detail=member.discipline)
    timeline.record_change(actor, patient.id, Part.TEAM, "care_team_member", clinician.id,
                           f"{clinician.name} joined the care team", changes={"on_team": (False, True)})
    db.session.commit()
    return member


def remove_member(actor: User, patient_id: int, clinician_id: int) -> None:
    patient = authorize(actor, patient_id, Part.TEAM, Action.WRITE, object_type="care_team")
    member = db.session.scalar(
        select(CareTeamMember).where(
            CareTeamMember.patient_id == patient.id, CareTeamMember.clinician_id == clinician_id
        )
    )
    if member is None:
        raise NotFound()
    name = member.clinician.name
    db.session.delete(member)
    audit.record("remove_member", actor=actor, patient_id=patient.id,
                 object_type="care_team_member", object_id=clinician_id, detail=member.discipline)
    timeline.record_change(actor, patient.id, Part.TEAM, "care_team_member", clinician_id,
                           f"{name} left the care team", changes={"on_team": (True, False)})
    db.session.commit()
