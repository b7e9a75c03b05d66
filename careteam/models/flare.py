"""The flare-up plan (one current version per patient) and recorded flare days."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Date, ForeignKey, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from careteam.extensions import db
from careteam.models.intervention import Intervention
from careteam.models.types import UTCDateTime, utcnow
from careteam.models.user import User

flare_plan_tools = Table(
    "flare_plan_tools",
    db.metadata,
    Column("flare_plan_id", ForeignKey("flare_plans.id"), primary_key=True),
    Column("intervention_id", ForeignKey("interventions.id"), primary_key=True, index=True),
)


class FlarePlan(db.Model):
    """Each save is a new version; the highest version is the current plan."""

    __tablename__ = "flare_plans"
    __table_args__ = (UniqueConstraint("patient_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    version: Mapped[int]
    early_warning_signs: Mapped[str] = mapped_column(Text, default="")
    minimum_activity: Mapped[str] = mapped_column(Text, default="")  # the non-negotiable minimum
    return_to_plan: Mapped[str] = mapped_column(Text, default="")
    seek_help: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    created_by: Mapped[User] = relationship()
    tools: Mapped[list[Intervention]] = relationship(secondary=flare_plan_tools, order_by="Intervention.name")


class FlareDay(db.Model):
    __tablename__ = "flare_days"
    __table_args__ = (UniqueConstraint("patient_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
