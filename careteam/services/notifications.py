"""The in-app side of notifications: the bell's count, the list, opening and marking as read,
the reader's own settings, and the admin's delivery log (no clinical content in any of it).

A notification pointing into a record the reader may no longer see (removed from the team) is
left out of the list and answers 404 when opened, like any record URL."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select, update

from careteam.domain import reminders as rules
from careteam.extensions import db
from careteam.models import EmailOptOut, Notification, Patient, ReminderSettings, User
from careteam.services import access, audit, clock
from careteam.services.errors import InvalidInput, NotFound
from careteam.services.pagination import Page, paginate

PER_PAGE = 30


def _visible(actor: User):
    patient_ids = access.visible_patients(actor).with_only_columns(Patient.id)
    return (Notification.recipient_id == actor.id) & or_(Notification.patient_id.is_(None),
                                                         Notification.patient_id.in_(patient_ids))


def unread_count(actor: User) -> int:
    return db.session.scalar(select(func.count()).select_from(Notification).where(
        _visible(actor), Notification.read_at.is_(None))) or 0


def list_for(actor: User, page: int = 1) -> Page[Notification]:
    stmt = select(Notification).where(_visible(actor)).order_by(Notification.created_at.desc(), Notification.id.desc())
    return paginate(stmt, page, PER_PAGE)


def open_notification(actor: User, notification_id: int) -> str:
    """Mark as read and return where it points (the target checks access again)."""
    notification = db.session.scalar(select(Notification).where(Notification.id == notification_id, _visible(actor)))
    if notification is None:
        audit.record_denial("read", actor=actor, patient_id=None, object_type="notification", object_id=notification_id)
        db.session.commit()
        raise NotFound()
    link = notification.link
    mark_read(actor, notification_id)
    return link


def mark_read(actor: User, notification_id: int | None = None) -> int:
    """One notification, or all of the reader's; returns how many changed."""
    stmt = update(Notification).where(Notification.recipient_id == actor.id, Notification.read_at.is_(None))
    if notification_id is not None:
        stmt = stmt.where(Notification.id == notification_id)
    changed = db.session.execute(stmt.values(read_at=clock.now()).execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    return changed


# --- the reader's settings ---------------------------------------------------------------------

@dataclass
class SettingsValues:
    timezone: str
    checkin_enabled: bool
    checkin_weekday: int
    checkin_time: str
    next_day_enabled: bool
    next_day_time: str
    appointment_enabled: bool
    digest_enabled: bool
    digest_time: str
    questionnaire_enabled: bool = True


def settings_for(actor: User) -> SettingsValues:
    row = db.session.get(ReminderSettings, actor.id) or ReminderSettings(
        checkin_enabled=True, checkin_weekday=6, checkin_time="18:00", next_day_enabled=True,
        next_day_time="08:00", appointment_enabled=True, digest_enabled=False, digest_time="07:00",
        questionnaire_enabled=True)
    return SettingsValues(actor.timezone or "", row.checkin_enabled, row.checkin_weekday, row.checkin_time,
                          row.next_day_enabled, row.next_day_time, row.appointment_enabled, row.digest_enabled,
                          row.digest_time, row.questionnaire_enabled)


def settings_problems(values: dict) -> dict[str, list[str]]:
    """The settings' rules on what a form could read (None: could not)."""
    problems: dict[str, list[str]] = {}
    zone = (values.get("timezone") or "").strip()
    if zone and not rules.valid_zone(zone):
        problems["timezone"] = ["Not a time zone we know. Use a name such as Europe/Berlin or America/New_York."]
    for name in ("checkin_time", "next_day_time", "digest_time"):
        if values.get(name) is not None and rules.parse_time(values[name]) is None:
            problems[name] = ["Use a 24-hour time such as 18:00."]
    if values.get("checkin_weekday") is not None and not 0 <= values["checkin_weekday"] <= 6:
        problems["checkin_weekday"] = ["Choose a day of the week."]
    return problems


def save_settings(actor: User, values: SettingsValues) -> None:
    problems = settings_problems(vars(values))
    if problems:
        raise InvalidInput(problems)
    user = db.session.get(User, actor.id)
    user.timezone = values.timezone or None
    row = db.session.get(ReminderSettings, actor.id) or ReminderSettings(user_id=actor.id)
    for name in ("checkin_enabled", "checkin_weekday", "checkin_time", "next_day_enabled", "next_day_time",
                 "appointment_enabled", "digest_enabled", "digest_time", "questionnaire_enabled"):
        setattr(row, name, getattr(values, name))
    if not actor.is_clinician:
        row.digest_enabled = False  # the digest is for clinicians
    db.session.add(row)
    # Switching a kind on in the settings takes back an earlier one-click unsubscribe of it.
    on = {"checkin_reminder": values.checkin_enabled, "checkin_follow_up": values.checkin_enabled,
          "next_day_question": values.next_day_enabled, "appointment_reminder": values.appointment_enabled,
          "questionnaire_due": values.questionnaire_enabled, "questionnaire_follow_up": values.questionnaire_enabled,
          "digest": values.digest_enabled}
    db.session.execute(EmailOptOut.__table__.delete().where(
        EmailOptOut.user_id == actor.id, EmailOptOut.kind.in_([k for k, enabled in on.items() if enabled])))
    db.session.commit()


# --- the admin's delivery log ------------------------------------------------------------------

@dataclass(frozen=True)
class Delivery:
    id: int
    kind: str
    recipient: str
    status: str
    attempts: int
    created_at: object
    next_attempt_at: object
    sent_at: object
    last_error: str | None


def delivery_log(admin: User, page: int = 1, status: str = "") -> Page[Delivery]:
    access.require_admin(admin, "read", "delivery_log")
    stmt = (select(Notification.id, Notification.kind, func.coalesce(User.email, Notification.to_address),
                   Notification.email_status, Notification.attempts, Notification.created_at,
                   Notification.next_attempt_at, Notification.sent_at, Notification.last_error)
            .outerjoin(User, User.id == Notification.recipient_id)
            .where(Notification.email_status != "none")
            .order_by(Notification.id.desc()))
    if status:
        stmt = stmt.where(Notification.email_status == status)
    number = max(1, page)
    rows = db.session.execute(stmt.limit(PER_PAGE + 1).offset((number - 1) * PER_PAGE)).all()
    return Page([Delivery(*row) for row in rows[:PER_PAGE]], number, PER_PAGE, len(rows) > PER_PAGE)
