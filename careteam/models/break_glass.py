"""Emergency ("break-glass") access: a clinician outside the care team reading one record."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from careteam.extensions import db
from careteam.models.patient import Patient
from careteam.models.types import UTCDateTime, utcnow
from careteam.models.user import User


class BreakGlassGrant(db.Model):
    """One emergency opening of a record: who, whose, why, and until when.

    Read-only and time-boxed; ended early by the clinician (`ended_at`). Every audit event
    made under it carries its id (`AuditEvent.break_glass_grant_id`).
    """

    __tablename__ = "break_glass_grants"
    __table_args__ = (
        Index("ix_break_glass_grants_clinician_patient", "clinician_id", "patient_id", "expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    clinician_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    patient: Mapped[Patient] = relationship()
    clinician: Mapped[User] = relationship()

    def ends_at(self) -> datetime:
        """When the grant stops or stopped: its expiry, or earlier if ended by hand."""
        return min(self.ended_at, self.expires_at) if self.ended_at else self.expires_at
