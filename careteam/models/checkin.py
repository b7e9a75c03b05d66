"""The weekly check-in: one per patient per ISO week."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, Float, ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from careteam.domain.checkins import peg_score
from careteam.extensions import db
from careteam.models.types import UTCDateTime, utcnow
from careteam.models.user import User


def zero_to_ten(column: str) -> CheckConstraint:
    return CheckConstraint(f"{column} BETWEEN 0 AND 10", name=column)


class WeeklyCheckin(db.Model):
    __tablename__ = "weekly_checkins"
    __table_args__ = (
        # One per patient and week, even when two submissions race.
        UniqueConstraint("patient_id", "week_start"),
        zero_to_ten("pain_average"),
        zero_to_ten("pain_worst"),
        zero_to_ten("enjoyment_interference"),
        zero_to_ten("activity_interference"),
        zero_to_ten("sleep_quality"),
        zero_to_ten("stress"),
        zero_to_ten("mood"),
        CheckConstraint("sleep_hours BETWEEN 0 AND 24", name="sleep_hours"),
        CheckConstraint("flare_days BETWEEN 0 AND 7", name="flare_days"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"))
    week_start: Mapped[date] = mapped_column(Date, index=True)  # the Monday of the ISO week
    pain_average: Mapped[int]
    pain_worst: Mapped[int]
    enjoyment_interference: Mapped[int]  # PEG "E"
    activity_interference: Mapped[int]  # PEG "G"
    sleep_hours: Mapped[float | None] = mapped_column(Float)
    sleep_quality: Mapped[int | None]
    stress: Mapped[int | None]
    mood: Mapped[int | None]
    flare_days: Mapped[int] = mapped_column(default=0)
    red_flags: Mapped[list[str]] = mapped_column(JSON, default=list)
    helped_most: Mapped[str] = mapped_column(Text, default="")
    did_not_help: Mapped[str] = mapped_column(Text, default="")
    submitted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    submitted_by: Mapped[User] = relationship()
    effect_ratings: Mapped[list[EffectRating]] = relationship(
        back_populates="checkin", cascade="all, delete-orphan"
    )
    exercise_counts: Mapped[list[CheckinExerciseCount]] = relationship(
        back_populates="checkin", cascade="all, delete-orphan"
    )

    @property
    def peg_score(self) -> float:
        """PEG: the mean of pain average, interference with enjoyment and with activity."""
        return peg_score(self.pain_average, self.enjoyment_interference, self.activity_interference)


class EffectRating(db.Model):
    """A patient's rating of one intervention for one week: -2 (much worse) to +2 (helped a lot)."""

    __tablename__ = "effect_ratings"
    __table_args__ = (
        UniqueConstraint("checkin_id", "intervention_id"),
        CheckConstraint("rating BETWEEN -2 AND 2", name="rating"),
        CheckConstraint("days_used BETWEEN 0 AND 7", name="days_used"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    checkin_id: Mapped[int] = mapped_column(ForeignKey("weekly_checkins.id"), index=True)
    intervention_id: Mapped[int] = mapped_column(ForeignKey("interventions.id"), index=True)
    rating: Mapped[int]
    days_used: Mapped[int | None]

    checkin: Mapped[WeeklyCheckin] = relationship(back_populates="effect_ratings")


class CheckinExerciseCount(db.Model):
    """Sessions of one prescribed exercise done in the check-in's week."""

    __tablename__ = "checkin_exercise_counts"
    __table_args__ = (
        UniqueConstraint("checkin_id", "prescription_id"),
        CheckConstraint("sessions_done BETWEEN 0 AND 50", name="sessions_done"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    checkin_id: Mapped[int] = mapped_column(ForeignKey("weekly_checkins.id"), index=True)
    prescription_id: Mapped[int] = mapped_column(ForeignKey("exercise_prescriptions.id"), index=True)
    sessions_done: Mapped[int]

    checkin: Mapped[WeeklyCheckin] = relationship(back_populates="exercise_counts")
