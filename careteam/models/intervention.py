"""What has been tried: interventions of the pain portfolio."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from careteam.domain.verdicts import in_use_on
from careteam.domain.vocabulary import IntroducedBy, InterventionKind, Tier, values
from careteam.extensions import db
from careteam.models.types import UTCDateTime, one_of, utcnow
from careteam.models.user import User


class Intervention(db.Model):
    __tablename__ = "interventions"
    __table_args__ = (
        CheckConstraint(one_of("tier", values(Tier)), name="tier"),
        CheckConstraint(one_of("kind", values(InterventionKind)), name="kind"),
        CheckConstraint(one_of("introduced_by", values(IntroducedBy)), name="introduced_by"),
        Index("ix_interventions_patient_id_started_on", "patient_id", "started_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"))
    name: Mapped[str] = mapped_column(String(200))
    tier: Mapped[str] = mapped_column(String(30))
    kind: Mapped[str] = mapped_column(String(30))
    details: Mapped[str] = mapped_column(Text, default="")
    started_on: Mapped[date | None] = mapped_column(Date)
    stopped_on: Mapped[date | None] = mapped_column(Date)
    introduced_by: Mapped[str] = mapped_column(String(20))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    created_by: Mapped[User] = relationship()

    __mapper_args__ = {"version_id_col": version}

    def active_on(self, day: date) -> bool:
        return in_use_on(day, self.started_on, self.stopped_on)
