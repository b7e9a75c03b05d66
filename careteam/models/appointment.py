"""Appointments: the handover summary's period runs from the last one."""

from __future__ import annotations

from datetime import datetime

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
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    clinician: Mapped[User] = relationship(foreign_keys=[clinician_id])
    patient: Mapped[Patient] = relationship()
