"""Break-glass: a clinician outside the care team opens one record in an emergency.

The grant itself is all this module adds to access control: services/access.py turns an
active, unexpired grant into the relation BREAK_GLASS and domain/policy.py says what that
relation may do (read, minus psychologists-only notes). Here: asking for it, ending it,
telling the team's physicians and the patient, and the admin's review list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from careteam.domain.policy import Action, Part, Relation, Role, may_break_glass
from careteam.extensions import db
from careteam.models import AuditEvent, BreakGlassGrant, CareTeamMember, Patient, User
from careteam.domain import notifications as kinds
from careteam.services import access, audit, clock, outbox
from careteam.services.errors import Forbidden, InvalidInput, NotFound
from careteam.services.pagination import Page


MIN_REASON_LENGTH = 20
MAX_REASON_LENGTH = 500
NO_MATCH = ("No record matches. Enter the exact record number or the patient's exact e-mail "
            "address.")
_RECORD_NUMBER = re.compile(r"^#?\s*(\d{1,12})$")


@dataclass(frozen=True)
class Opened:
    patient_id: int
    grant: BreakGlassGrant | None  # None: the clinician is on the team and needs no grant


def _check_clinician(actor: User, action: str) -> None:
    if not may_break_glass(actor.role_enum):
        audit.record_denial(action, actor=actor, patient_id=None, object_type="break_glass")
        raise Forbidden("Only clinicians can use emergency access.")


def check_may_ask(actor: User) -> None:
    """For the form page: patients and admins are refused before they see it."""
    _check_clinician(actor, "read")


def _find_record(identifier: str) -> Patient | None:
    """Exactly one record by its number or its patient's exact e-mail; never a search."""
    number = _RECORD_NUMBER.match(identifier)
    if number:
        return db.session.get(Patient, int(number.group(1)))
    if "@" in identifier:
        return db.session.scalar(
            select(Patient).join(User, User.id == Patient.user_id)
            .where(func.lower(User.email) == identifier.lower(), User.role == Role.PATIENT)
        )
    return None


def _validate(identifier: str, reason: str) -> None:
    errors = {}
    if not identifier:
        errors["identifier"] = "Enter the record number or the patient's e-mail address."
    if len(reason) < MIN_REASON_LENGTH:
        errors["reason"] = (f"Give the reason for emergency access in at least {MIN_REASON_LENGTH} "
                            "characters: it is shown to the patient and the care team.")
    elif len(reason) > MAX_REASON_LENGTH:
        errors["reason"] = f"Keep the reason under {MAX_REASON_LENGTH} characters."
    if errors:
        raise InvalidInput(errors)


def open_record(actor: User, identifier: str, reason: str) -> Opened:
    """Grant the actor read-only access to one record for CARETEAM_BREAK_GLASS_MINUTES."""
    _check_clinician(actor, "break_glass")
    identifier, reason = (identifier or "").strip(), " ".join((reason or "").split())
    _validate(identifier, reason)
    patient = _find_record(identifier)
    if patient is None:
        audit.record_denial("break_glass", actor=actor, patient_id=None, object_type="patient",
                            detail="no such patient")
        raise InvalidInput({"identifier": NO_MATCH})
    relation = access.relation_to(actor, patient.id)
    if relation == Relation.TEAM:
        return Opened(patient.id, None)
    if relation == Relation.BREAK_GLASS:  # already open: the same grant, no second notice
        return Opened(patient.id, current_grant(actor, patient.id))
    now = clock.now()
    minutes = configured_minutes()
    grant = BreakGlassGrant(patient_id=patient.id, clinician_id=actor.id, reason=reason,
                            granted_at=now, expires_at=now + timedelta(minutes=minutes))
    db.session.add(grant)
    db.session.flush()
    access.forget_relations()
    audit.note_break_glass(actor.id, patient.id, grant.id)
    audit.record("break_glass", actor=actor, patient_id=patient.id, object_type="patient",
                 object_id=patient.id, detail=f"{minutes} min")
    notify_break_glass(grant)
    db.session.commit()
    return Opened(patient.id, grant)


def current_grant(actor: User, patient_id: int) -> BreakGlassGrant | None:
    """The actor's active grant for this record, if they read it under break-glass."""
    if access.relation_to(actor, patient_id) != Relation.BREAK_GLASS:
        return None
    return db.session.scalar(
        select(BreakGlassGrant).where(
            BreakGlassGrant.patient_id == patient_id, BreakGlassGrant.clinician_id == actor.id,
            BreakGlassGrant.ended_at.is_(None), BreakGlassGrant.expires_at > clock.now(),
        ).order_by(BreakGlassGrant.expires_at.desc()).limit(1)
    )


def end_grant(actor: User, patient_id: int) -> None:
    """The clinician closes the record before the grant runs out."""
    grant = current_grant(actor, patient_id)
    if grant is None:
        audit.record_denial("end", actor=actor, patient_id=patient_id, object_type="break_glass")
        raise NotFound()
    grant.ended_at = clock.now()
    audit.record("end", actor=actor, patient_id=patient_id, object_type="break_glass",
                 object_id=grant.id)
    db.session.commit()
    access.forget_relations()


def configured_minutes() -> int:
    return current_app.config["CARETEAM_BREAK_GLASS_MINUTES"]


def minutes_left(grant: BreakGlassGrant) -> int:
    return max(0, int((grant.ends_at() - clock.now()).total_seconds() + 59) // 60)


def grants_for_record(viewer: User, patient_id: int) -> dict[int, BreakGlassGrant]:
    """The record's emergency grants by id, for its access log (whoever may read that log)."""
    access.authorize(viewer, patient_id, Part.ACCESS_LOG, Action.READ, object_type="access_log")
    grants = db.session.scalars(
        select(BreakGlassGrant).where(BreakGlassGrant.patient_id == patient_id)
        .options(selectinload(BreakGlassGrant.clinician))
    )
    return {grant.id: grant for grant in grants}


@dataclass(frozen=True)
class ReviewRow:
    grant: BreakGlassGrant
    accesses: int  # audit events made under the grant


def review(admin: User, page: int = 1, per_page: int = 50) -> Page[ReviewRow]:
    """Every emergency access, newest first: who, whose record, why, when, until when."""
    access.require_admin(admin, "read", "break_glass")
    page = max(1, page)
    accesses = (select(func.count(AuditEvent.id))
                .where(AuditEvent.break_glass_grant_id == BreakGlassGrant.id).scalar_subquery())
    rows = db.session.execute(
        select(BreakGlassGrant, accesses)
        .options(selectinload(BreakGlassGrant.clinician),
                 selectinload(BreakGlassGrant.patient).selectinload(Patient.user))
        .order_by(BreakGlassGrant.granted_at.desc(), BreakGlassGrant.id.desc())
        .limit(per_page + 1).offset((page - 1) * per_page)
    ).all()
    audit.record("list", actor=admin, object_type="break_glass")
    db.session.commit()
    items = [ReviewRow(grant, count) for grant, count in rows[:per_page]]
    return Page(items, page, per_page, len(rows) > per_page)


def notify_break_glass(grant: BreakGlassGrant) -> list[int]:
    """Tell the team's physicians and the patient, through the outbox in the grant's own
    transaction (the caller commits): a neutral sentence and a link through sign-in; no reason,
    no name, no health data. Returns the accounts told."""
    physicians = list(db.session.scalars(
        select(User.id).join(CareTeamMember, CareTeamMember.clinician_id == User.id)
        .where(CareTeamMember.patient_id == grant.patient_id,
               CareTeamMember.discipline == Role.PHYSICIAN, User.active.is_(True))))
    patient_user = db.session.scalar(
        select(User.id).join(Patient, Patient.user_id == User.id)
        .where(Patient.id == grant.patient_id, User.active.is_(True)))
    link = f"/patients/{grant.patient_id}/access-log"
    told = [(user_id, kinds.BREAK_GLASS_TEAM) for user_id in physicians]
    if patient_user is not None:
        told.append((patient_user, kinds.BREAK_GLASS_PATIENT))
    for user_id, kind in told:
        outbox.notify(user_id, kind, link, dedupe_key=f"{kind}:{grant.id}:{user_id}")
    return [user_id for user_id, _ in told]
