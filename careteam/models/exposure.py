"""Graded exposure: a hierarchy of feared or avoided activities and the attempts at each."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from careteam.extensions import db
from careteam.models.types import UTCDateTime, utcnow
from careteam.models.user import User


class ExposureItem(db.Model):
    __tablename__ = "exposure_items"
    __table_args__ = (
        CheckConstraint("fear_rating BETWEEN 0 AND 100", name="fear_rating"),
        CheckConstraint("expectancy BETWEEN 0 AND 100", name="expectancy"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    description: Mapped[str] = mapped_column(Text)
    fear_rating: Mapped[int]
    predicted_consequence: Mapped[str] = mapped_column(Text, default="")
    expectancy: Mapped[int]  # how strongly the consequence is expected, 0-100
    position: Mapped[int | None]  # explicit order; by fear when unset
    mastered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    mastered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    mastery_reason: Mapped[str] = mapped_column(String(200), default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    mastered_by: Mapped[User | None] = relationship(foreign_keys=[mastered_by_id])
    attempts: Mapped[list[ExposureAttempt]] = relationship(
        back_populates="item", order_by="ExposureAttempt.attempted_on, ExposureAttempt.id"
    )

    __mapper_args__ = {"version_id_col": version}


class ExposureAttempt(db.Model):
    __tablename__ = "exposure_attempts"
    __table_args__ = (
        Index("ix_exposure_attempts_item_id_attempted_on", "item_id", "attempted_on"),
        CheckConstraint("expectancy_before BETWEEN 0 AND 100", name="expectancy_before"),
        CheckConstraint("expectancy_after BETWEEN 0 AND 100", name="expectancy_after"),
        CheckConstraint("fear_after BETWEEN 0 AND 100", name="fear_after"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("exposure_items.id"))
    attempted_on: Mapped[date] = mapped_column(Date)
    present: Mapped[str] = mapped_column(String(200), default="")
    expectancy_before: Mapped[int]
    what_happened: Mapped[str] = mapped_column(Text, default="")
    feared_outcome_occurred: Mapped[bool]
    expectancy_after: Mapped[int]
    fear_after: Mapped[int | None]
    learned: Mapped[str] = mapped_column(Text, default="")
    logged_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    logged_by_role: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    item: Mapped[ExposureItem] = relationship(back_populates="attempts")
    logged_by: Mapped[User] = relationship()
