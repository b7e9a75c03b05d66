"""The outbox: what must reach a person, written in the same transaction as its cause."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, true as sa_true
from sqlalchemy.orm import Mapped, mapped_column

from careteam.extensions import db
from careteam.models.types import UTCDateTime, utcnow

EMAIL_PENDING = "pending"
EMAIL_SENT = "sent"
EMAIL_FAILED = "failed"
EMAIL_NONE = "none"  # in-app only


class Notification(db.Model):
    """One notification for one person (or the clinic's escalation address): an in-app entry and,
    optionally, an e-mail the worker delivers. Never holds clinical content: a kind and a link."""

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_email_status_next_attempt_at", "email_status", "next_attempt_at"),
        Index("ix_notifications_recipient_id_read_at", "recipient_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Only for the clinic's escalation address, which has no account.
    to_address: Mapped[str | None] = mapped_column(String(254))
    kind: Mapped[str] = mapped_column(String(40))
    link: Mapped[str] = mapped_column(String(300))
    # The record the link points into, so that the list can hide what the reader may no longer see.
    patient_id: Mapped[int | None] = mapped_column(ForeignKey("patients.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    email_status: Mapped[str] = mapped_column(String(10), default=EMAIL_PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(String(200))
    # "kind:recipient:period": a periodic job that runs on two workers adds the row once.
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)


class EmailOptOut(db.Model):
    """A person switched off e-mails of one kind (one-click unsubscribe or their settings)."""

    __tablename__ = "email_opt_outs"
    __table_args__ = (UniqueConstraint("user_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ReminderSettings(db.Model):
    """A person's reminders: day and time in their own time zone (users.timezone)."""

    __tablename__ = "reminder_settings"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    checkin_enabled: Mapped[bool] = mapped_column(default=True)
    checkin_weekday: Mapped[int] = mapped_column(default=6)  # Monday 0 … Sunday 6
    checkin_time: Mapped[str] = mapped_column(String(5), default="18:00")
    next_day_enabled: Mapped[bool] = mapped_column(default=True)
    next_day_time: Mapped[str] = mapped_column(String(5), default="08:00")
    appointment_enabled: Mapped[bool] = mapped_column(default=True)
    questionnaire_enabled: Mapped[bool] = mapped_column(default=True, server_default=sa_true())
    digest_enabled: Mapped[bool] = mapped_column(default=False)
    digest_time: Mapped[str] = mapped_column(String(5), default="07:00")
    last_digest_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
