"""Alert e-mails to clinicians: on for every clinician; a clinician cannot switch them off alone,
only an admin can, per clinic policy (e.g. for someone on leave whose alerts go to a colleague).
The bell keeps every alert either way, and the escalation path runs as before."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select

from careteam.domain import notifications as kinds
from careteam.domain.policy import CLINICIAN_ROLES
from careteam.extensions import db
from careteam.models import EmailOptOut, User
from careteam.services import audit
from careteam.services.access import require_admin
from careteam.services.account_notices import send_account_notice
from careteam.services.errors import NotFound

ALERT_KINDS = (kinds.RED_FLAG, kinds.ESCALATION)
OBJECT_TYPE = "alert_email_policy"


@dataclass(frozen=True)
class ClinicianAlertEmails:
    user_id: int
    name: str
    role: str
    email: str
    on: bool


def alert_emails_on(user_id: int) -> bool:
    return not db.session.scalar(select(EmailOptOut.id).where(
        EmailOptOut.user_id == user_id, EmailOptOut.kind.in_(ALERT_KINDS)).limit(1))


def clinicians(actor: User) -> list[ClinicianAlertEmails]:
    """Every active clinician and whether alert e-mails reach them (admins only)."""
    require_admin(actor, "read", OBJECT_TYPE)
    off = set(db.session.scalars(select(EmailOptOut.user_id).where(EmailOptOut.kind.in_(ALERT_KINDS))))
    rows = db.session.execute(
        select(User.id, User.name, User.role, User.email)
        .where(User.role.in_([r.value for r in CLINICIAN_ROLES]), User.active.is_(True))
        .order_by(User.name, User.id)).all()
    audit.record("list", actor=actor, object_type=OBJECT_TYPE, detail=f"count={len(rows)}")
    db.session.commit()
    return [ClinicianAlertEmails(r.id, r.name, r.role, r.email, r.id not in off) for r in rows]


def set_alert_emails(actor: User, user_id: int, on: bool) -> None:
    """Switch one clinician's alert e-mails on or off; audited, and the clinician is told."""
    require_admin(actor, "update", OBJECT_TYPE)
    user = db.session.get(User, user_id)
    if user is None or user.role_enum not in CLINICIAN_ROLES:
        raise NotFound()
    if on == alert_emails_on(user_id):
        return
    if on:
        db.session.execute(delete(EmailOptOut).where(EmailOptOut.user_id == user_id, EmailOptOut.kind.in_(ALERT_KINDS)))
    else:
        db.session.add_all(EmailOptOut(user_id=user_id, kind=kind) for kind in ALERT_KINDS)
    audit.record("update", actor=actor, object_type=OBJECT_TYPE, object_id=user_id,
                 detail="alert e-mails on" if on else "alert e-mails off")
    db.session.commit()
    send_account_notice(user, "alert_emails_on" if on else "alert_emails_off")
