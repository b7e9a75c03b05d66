"""Exercise prescriptions, their append-only dose history, and the sessions a patient logs."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from careteam.domain.vocabulary import NextDayResponse, Side, values
from careteam.extensions import db
from careteam.models.types import UTCDateTime, one_of, utcnow
from careteam.models.user import User


class ExercisePrescription(db.Model):
    """An exercise for one patient. `version` counts dose changes: a change based on an older
    version is refused (optimistic locking), so no dose change is ever silently lost."""

    __tablename__ = "exercise_prescriptions"
    __table_args__ = (CheckConstraint(one_of("side", values(Side)), name="side"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    instructions: Mapped[str] = mapped_column(Text, default="")
    side: Mapped[str] = mapped_column(String(20), default=Side.NOT_APPLICABLE.value)
    equipment: Mapped[str] = mapped_column(String(200), default="")
    ended_on: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    created_by: Mapped[User] = relationship()
    doses: Mapped[list[ExerciseDose]] = relationship(
        back_populates="prescription", order_by="ExerciseDose.number"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def current_dose(self) -> ExerciseDose:
        """The newest dose: every prescription is created with its first one."""
        return self.doses[-1]

    @property
    def started_on(self) -> date:
        return self.doses[0].effective_from


class ExerciseDose(db.Model):
    """One dose in a prescription's history. Rows are only ever added; the newest is current."""

    __tablename__ = "exercise_doses"
    __table_args__ = (
        UniqueConstraint("prescription_id", "number"),
        CheckConstraint("sets BETWEEN 1 AND 20", name="sets"),
        CheckConstraint("reps BETWEEN 1 AND 200", name="reps"),
        CheckConstraint("hold_seconds BETWEEN 0 AND 600", name="hold_seconds"),
        CheckConstraint("load_kg BETWEEN 0 AND 500", name="load_kg"),
        CheckConstraint("rest_seconds BETWEEN 0 AND 900", name="rest_seconds"),
        CheckConstraint("sessions_per_week BETWEEN 1 AND 21", name="sessions_per_week"),
        CheckConstraint("target_effort BETWEEN 0 AND 10", name="target_effort"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    prescription_id: Mapped[int] = mapped_column(ForeignKey("exercise_prescriptions.id"), index=True)
    number: Mapped[int]  # 1 for the first dose, then 2, 3, ...
    sets: Mapped[int]
    reps: Mapped[int]
    hold_seconds: Mapped[int] = mapped_column(default=0)
    load_kg: Mapped[float | None] = mapped_column(Float)
    load_band: Mapped[str] = mapped_column(String(40), default="")
    rest_seconds: Mapped[int] = mapped_column(default=0)
    sessions_per_week: Mapped[int]
    target_effort: Mapped[int | None]
    effective_from: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    changed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    prescription: Mapped[ExercisePrescription] = relationship(back_populates="doses")
    changed_by: Mapped[User] = relationship()


class ExerciseSession(db.Model):
    """A session the patient logged, and their answer to the 24-hour question the next day."""

    __tablename__ = "exercise_sessions"
    __table_args__ = (
        Index("ix_exercise_sessions_patient_id_performed_on", "patient_id", "performed_on"),
        Index("ix_exercise_sessions_prescription_id_performed_on", "prescription_id", "performed_on"),
        CheckConstraint("pain_before BETWEEN 0 AND 10", name="pain_before"),
        CheckConstraint("pain_after BETWEEN 0 AND 10", name="pain_after"),
        CheckConstraint("sets_done BETWEEN 0 AND 50", name="sets_done"),
        CheckConstraint("reps_done BETWEEN 0 AND 1000", name="reps_done"),
        CheckConstraint(one_of("next_day_response", values(NextDayResponse)), name="next_day_response"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    prescription_id: Mapped[int] = mapped_column(ForeignKey("exercise_prescriptions.id"))
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"))
    dose_id: Mapped[int] = mapped_column(ForeignKey("exercise_doses.id"), index=True)
    performed_on: Mapped[date] = mapped_column(Date)
    sets_done: Mapped[int]
    reps_done: Mapped[int]
    pain_before: Mapped[int | None]
    pain_after: Mapped[int | None]
    next_day_response: Mapped[str | None] = mapped_column(String(10))
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    logged_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    prescription: Mapped[ExercisePrescription] = relationship()
    dose: Mapped[ExerciseDose] = relationship()
