"""The record's change timeline: who changed what, when and why."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from careteam.extensions import db
from careteam.models.types import UTCDateTime, utcnow
from careteam.models.user import User


class RecordEvent(db.Model):
    """One change to a patient's record. `part` is a policy Part: readers see only the parts
    they may read, so a psychologists-only note never shows up here for anyone else."""

    __tablename__ = "record_events"
    __table_args__ = (Index("ix_record_events_patient_id_occurred_at", "patient_id", "occurred_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    actor_role: Mapped[str] = mapped_column(String(20))
    part: Mapped[str] = mapped_column(String(40))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int | None]
    summary: Mapped[str] = mapped_column(String(300))
    reason: Mapped[str] = mapped_column(Text, default="")
    # What changed, as {field: [before, after]} (JSON values); None where nothing was replaced.
    changes: Mapped[dict | None] = mapped_column(JSON)

    actor: Mapped[User] = relationship()
