"""Alerts in one acknowledged queue: red flags raised by a check-in (open until a physician
acknowledges them), and questionnaire safety flags such as PHQ-9 item 9 (physician or psychologist)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
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

    acknowledged_by: Mapped[User | None] = relationship()
    checkin: Mapped[WeeklyCheckin | None] = relationship()
