"""Appointments: the handover summary's period runs from the last one."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from careteam.domain.vocabulary import AppointmentKind, values
from careteam.extensions import db
from careteam.models.types import UTCDateTime, one_of, utcnow
from careteam.models.patient import Patient
from careteam.models.user import User


class Appointment(db.Model):
    __tablename__ = "appointments"
    __table_args__ = (
        CheckConstraint(one_of("kind", values(AppointmentKind)), name="kind"),
        Index("ix_appointments_patient_id_starts_at", "patient_id", "starts_at"),
        Index("ix_appointments_clinician_id_starts_at", "clinician_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"))
    clinician_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    kind: Mapped[str] = mapped_column(String(20))
    # Where it happens (a room, an address); empty for a call. The video link is https only
    # (domain.appointments.video_link_problem) and never goes into an e-mail.
    place: Mapped[str] = mapped_column(String(200), default="", server_default="")
    duration_minutes: Mapped[int] = mapped_column(default=30, server_default="30")
    video_url: Mapped[str | None] = mapped_column(String(500))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    clinician: Mapped[User] = relationship(foreign_keys=[clinician_id])
    patient: Mapped[Patient] = relationship()

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes or 0)
