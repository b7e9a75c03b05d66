"""Alerts in one acknowledged queue: red flags raised by a check-in (open until a physician
acknowledges them), and questionnaire safety flags such as PHQ-9 item 9 (physician or psychologist)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from careteam.extensions import db
from careteam.models.checkin import WeeklyCheckin
from careteam.models.types import UTCDateTime, utcnow
from careteam.models.user import User


class RedFlagAlert(db.Model):
    __tablename__ = "red_flag_alerts"
    __table_args__ = (Index("ix_red_flag_alerts_patient_id_acknowledged_at", "patient_id", "acknowledged_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"))
    checkin_id: Mapped[int | None] = mapped_column(ForeignKey("weekly_checkins.id"), index=True)
    flags: Mapped[list[str]] = mapped_column(JSON)
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # "red_flag" (from a check-in) or "questionnaire_safety" (a flagged questionnaire answer).
    kind: Mapped[str] = mapped_column(String(30), default="red_flag", server_default="red_flag")
    questionnaire_response_id: Mapped[int | None] = mapped_column(
        ForeignKey("questionnaire_responses.id"), index=True)
    # What the physician did ("Called Maria, advised emergency department"); for the team.
    acknowledgement_note: Mapped[str | None] = mapped_column(Text)

    acknowledged_by: Mapped[User | None] = relationship()
    checkin: Mapped[WeeklyCheckin | None] = relationship()
    escalations: Mapped[list[AlertEscalation]] = relationship(order_by="AlertEscalation.step")


class AlertEscalation(db.Model):
    """One step of an alert's way to people: 1 the physicians, 2 the rest of the team, 3 the
    clinic's escalation address. Unique per step, so two workers record (and notify) it once."""

    __tablename__ = "alert_escalations"
    __table_args__ = (UniqueConstraint("alert_id", "step"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("red_flag_alerts.id"), index=True)
    step: Mapped[int]
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    recipients: Mapped[int] = mapped_column(default=0)
