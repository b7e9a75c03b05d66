"""The one authorize step and the one visible-patients filter."""

from __future__ import annotations

from flask import g, has_request_context
from sqlalchemy import Select, and_, bindparam, exists, or_, select

from careteam import sqlite
from careteam.domain.policy import (
    CLINICIAN_ROLES,
    Action,
    Decision,
    Part,
    Relation,
    Role,
    decide,
    may_break_glass,
)
from careteam.extensions import db
from careteam.models import BreakGlassGrant, CareTeamMember, Patient, User
from careteam.services import audit, clock
from careteam.services.errors import Forbidden, NotFound


def _active_grant_condition(clinician_id, now=None):
    """An emergency-access grant of this clinician that has neither expired nor been ended
    (values, or bound parameters for a prebuilt statement)."""
    return and_(
        BreakGlassGrant.clinician_id == clinician_id,
        BreakGlassGrant.expires_at > (clock.now() if now is None else now),
        BreakGlassGrant.ended_at.is_(None),
    )


_ACTIVE_GRANT = (
    select(BreakGlassGrant.id)
    .where(BreakGlassGrant.patient_id == Patient.id, _active_grant_condition(bindparam("actor_id"), bindparam("now")))
    .order_by(BreakGlassGrant.expires_at.desc())
    .limit(1)
    .scalar_subquery()
)
# Prebuilt (every record read runs it): the patient, the actor's discipline on the team, an active grant.
_PATIENT_WITH_RELATION = (
    select(Patient, CareTeamMember.discipline, _ACTIVE_GRANT)
    .outerjoin(CareTeamMember, and_(CareTeamMember.patient_id == Patient.id,
                                    CareTeamMember.clinician_id == bindparam("actor_id")))
    .where(Patient.id == bindparam("patient_id"))
)


def _load_with_relation(actor: User, patient_id: int) -> tuple[Patient | None, Relation]:
    """One query: the patient, whether the actor is on their care team, and any active
    emergency-access grant the actor holds for them."""
    cache = g.setdefault("patient_relations", {}) if has_request_context() else {}
    key = (actor.id, patient_id)
    if key in cache:
        return cache[key]
    row = db.session.execute(_PATIENT_WITH_RELATION, {"actor_id": actor.id, "patient_id": patient_id,
                                                       "now": clock.now()}).first()
    if row is None:
        result: tuple[Patient | None, Relation] = (None, Relation.NONE)
    else:
        patient, discipline, active_grant_id = row
        relation = relation_between(actor, patient, discipline, active_grant_id)
        if relation == Relation.BREAK_GLASS:
            # Every audit event of this request about this record is flagged with the grant.
            audit.note_break_glass(actor.id, patient.id, active_grant_id)
        result = (patient, relation)
    cache[key] = result
    return result


def forget_relations() -> None:
    """After a grant starts or ends within a request, judge the relation afresh."""
    if has_request_context():
        g.pop("patient_relations", None)
        g.pop("break_glass_grants", None)


def relation_between(
    actor: User, patient: Patient, team_discipline: str | None, active_grant_id: int | None = None
) -> Relation:
    role = actor.role_enum
    if role == Role.PATIENT and patient.user_id == actor.id:
        return Relation.SELF
    if role in CLINICIAN_ROLES and team_discipline == role:
        return Relation.TEAM
    if may_break_glass(role) and active_grant_id is not None:
        return Relation.BREAK_GLASS
    return Relation.NONE


def authorize(
    actor: User,
    patient_id: int,
    part: Part,
    action: Action,
    *,
    object_type: str | None = None,
    object_id: int | str | None = None,
) -> Patient:
    """The patient, if the actor may do `action` on `part` of their record; else refuse.

    Someone who may not know the record exists gets NotFound (404), a team member or the
    patient asking for something they may not do gets Forbidden (403). Both are audited.
    """
    sqlite.leave_reads_only(audit.commit_read)  # this use case may write
    patient, relation = _load_with_relation(actor, patient_id)
    decision = decide(actor.role_enum, relation, part, action) if patient else Decision.HIDE
    if decision == Decision.ALLOW:
        return patient
    audit.record_denial(
        action.value,
        actor=actor,
        patient_id=patient.id if patient else None,
        object_type=object_type or part.value,
        object_id=object_id,
        detail=None if patient else "no such patient",
    )
    if decision == Decision.FORBID:
        raise Forbidden()
    raise NotFound()


def relation_to(actor: User, patient_id: int) -> Relation:
    """The actor's relation to a patient the actor has already been authorized for."""
    return _load_with_relation(actor, patient_id)[1]


def may(actor: User, patient_id: int, part: Part, action: Action) -> bool:
    """For showing or hiding a link or a form; enforcement is always `authorize`."""
    patient, relation = _load_with_relation(actor, patient_id)
    return patient is not None and decide(actor.role_enum, relation, part, action) == Decision.ALLOW


def visible_patients(actor: User) -> Select[tuple[Patient]]:
    """The patients whose records this actor may list: for a clinician, their care teams'
    and those they hold an active emergency-access grant for."""
    stmt = select(Patient)
    role = actor.role_enum
    if role == Role.ADMIN:
        return stmt
    if role == Role.PATIENT:
        return stmt.where(Patient.user_id == actor.id)
    on_team = exists().where(
        CareTeamMember.patient_id == Patient.id,
        CareTeamMember.clinician_id == actor.id,
        CareTeamMember.discipline == actor.role,
    )
    under_grant = exists().where(BreakGlassGrant.patient_id == Patient.id, _active_grant_condition(actor.id))
    return stmt.where(or_(on_team, under_grant))


def require_admin(actor: User, action: str, object_type: str) -> None:
    if actor.role_enum != Role.ADMIN:
        audit.record_denial(action, actor=actor, patient_id=None, object_type=object_type)
        raise Forbidden()


def require_on_record(actor: User, patient_id: int, *, admins_allowed: bool) -> None:
    """The gate in front of every patient-scoped route, before any input is parsed.

    Passes the patient, the care team and (where the route says so) admins; everyone else
    gets NotFound and a denial in the audit trail. The finer `authorize` still follows.
    """
    patient, relation = _load_with_relation(actor, patient_id)
    if patient is not None and (
        relation != Relation.NONE or (admins_allowed and actor.role_enum == Role.ADMIN)
    ):
        return
    audit.record_denial(
        "access",
        actor=actor,
        patient_id=patient.id if patient else None,
        object_type="patient",
        object_id=patient_id,
        detail=None if patient else "no such patient",
    )
    raise NotFound()
