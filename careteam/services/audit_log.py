"""Reading the audit trail: a patient's access log and the admin's full view."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from careteam.domain.policy import Action, Part
from careteam.extensions import db
from careteam.models import AuditEvent, Patient, User
from careteam.services import audit
from careteam.services.access import authorize, require_admin
from careteam.services.pagination import Page, page_number

PER_PAGE = 50


@dataclass(frozen=True)
class AuditRow:
    event: AuditEvent
    user_name: str | None
    user_email: str | None


@dataclass
class AuditFilter:
    user_email: str = ""
    patient_id: int | None = None
    action: str = ""
    outcome: str = ""
    since: date | None = None
    until: date | None = None


def _rows(stmt, page: int, per_page: int = PER_PAGE) -> Page[AuditRow]:
    page = page_number(page)
    result = db.session.execute(stmt.limit(per_page + 1).offset((page - 1) * per_page)).all()
    items = [AuditRow(event, name, email) for event, name, email in result[:per_page]]
    return Page(items, page, per_page, len(result) > per_page)


def _with_user():
    actor = aliased(User)
    return (
        select(AuditEvent, actor.name, actor.email)
        .outerjoin(actor, actor.id == AuditEvent.user_id)
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
    ), actor


@dataclass(frozen=True)
class AccessLog:
    patient: Patient
    page: Page[AuditRow]
    patient_own_hidden: int  # the patient's own successful actions left out (0 when shown)


def _by_the_patient(patient: Patient):
    """What the patient did herself and was allowed: most rows of her list, and not what she
    looks for in it. A refusal on her account stays in sight (it may not have been her)."""
    return (AuditEvent.user_id == patient.user_id) & (AuditEvent.outcome == "success")


def access_log(viewer: User, patient_id: int, page: int = 1, *, include_patient: bool = False) -> AccessLog:
    """Every access to one patient's record: by whom, when, what. Unless asked, without the
    patient's own (successful) actions, which would hide the others'."""
    patient = authorize(viewer, patient_id, Part.ACCESS_LOG, Action.READ, object_type="access_log")
    audit.record("read", actor=viewer, patient_id=patient.id, object_type="access_log")
    db.session.commit()  # before loading, and so the list includes this very read
    stmt, _ = _with_user()
    stmt = stmt.where(AuditEvent.patient_id == patient.id)
    hidden = 0
    if not include_patient and patient.user_id is not None:
        hidden = db.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.patient_id == patient.id, _by_the_patient(patient))) or 0
        stmt = stmt.where(~_by_the_patient(patient) | AuditEvent.user_id.is_(None))
    return AccessLog(patient, _rows(stmt, page), hidden)


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.utc)


def search(admin: User, filters: AuditFilter, page: int = 1, per_page: int = PER_PAGE) -> Page[AuditRow]:
    require_admin(admin, "read", "audit_log")
    stmt, actor = _with_user()
    if filters.user_email:
        stmt = stmt.where(actor.email.ilike(f"%{filters.user_email.strip().lower()}%"))
    if filters.patient_id:
        stmt = stmt.where(AuditEvent.patient_id == filters.patient_id)
    if filters.action:
        stmt = stmt.where(AuditEvent.action == filters.action)
    if filters.outcome:
        stmt = stmt.where(AuditEvent.outcome == filters.outcome)
    if filters.since:
        stmt = stmt.where(AuditEvent.occurred_at >= _day_start(filters.since))
    if filters.until:
        stmt = stmt.where(AuditEvent.occurred_at < _day_start(filters.until + timedelta(days=1)))
    return _rows(stmt, page, per_page)


def known_actions(admin: User) -> list[str]:
    require_admin(admin, "read", "audit_log")
    return list(db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))
