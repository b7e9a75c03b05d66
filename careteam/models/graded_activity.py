"""Quota-based graded-activity plans: baseline, schedule, logs and quota decisions."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from careteam.domain.vocabulary import ActivityMode, IncrementEvery, NextDayResponse, values
from careteam.extensions import db
from careteam.models.types import UTCDateTime, one_of, utcnow
from careteam.models.user import User


class GradedActivityPlan(db.Model):
    __tablename__ = "graded_activity_plans"
    __table_args__ = (
        CheckConstraint(one_of("mode", values(ActivityMode)), name="mode"),
        CheckConstraint(one_of("increment_every", values(IncrementEvery)), name="increment_every"),
        CheckConstraint("start_fraction > 0 AND start_fraction <= 1", name="start_fraction"),
        CheckConstraint("increment > 0", name="increment"),
        CheckConstraint("goal_value > 0", name="goal_value"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    activity: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(40))  # "minutes", "reps", "metres"...
    mode: Mapped[str] = mapped_column(String(20))
    start_fraction: Mapped[float] = mapped_column(Float, default=0.8)
    increment: Mapped[float] = mapped_column(Float)
    increment_every: Mapped[str] = mapped_column(String(10))
    goal_value: Mapped[float] = mapped_column(Float)
    goal_date: Mapped[date | None] = mapped_column(Date)
    start_quota: Mapped[float | None] = mapped_column(Float)  # set once the baseline is complete
    started_on: Mapped[date | None] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    created_by: Mapped[User] = relationship()
    logs: Mapped[list[ActivityLog]] = relationship(
        back_populates="plan", order_by="ActivityLog.performed_on, ActivityLog.id"
    )
    decisions: Mapped[list[QuotaDecision]] = relationship(
        back_populates="plan", order_by="QuotaDecision.decided_at, QuotaDecision.id"
    )

    __mapper_args__ = {"version_id_col": version}


class ActivityLog(db.Model):
    """A baseline session (no quota) or a quota session: what was done against what was set."""

    __tablename__ = "activity_logs"
    __table_args__ = (
        Index("ix_activity_logs_plan_id_performed_on", "plan_id", "performed_on"),
        CheckConstraint("done >= 0", name="done"),
        CheckConstraint(one_of("next_day_response", values(NextDayResponse)), name="next_day_response"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("graded_activity_plans.id"))
    performed_on: Mapped[date] = mapped_column(Date)
    is_baseline: Mapped[bool] = mapped_column(default=False)
    quota: Mapped[float | None] = mapped_column(Float)
    done: Mapped[float] = mapped_column(Float)
    next_day_response: Mapped[str | None] = mapped_column(String(10))
    flare: Mapped[bool] = mapped_column(default=False)
    logged_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    plan: Mapped[GradedActivityPlan] = relationship(back_populates="logs")


class QuotaDecision(db.Model):
    """The engine's suggestion for the next quota and what the clinician set, with why."""

    __tablename__ = "quota_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("graded_activity_plans.id"), index=True)
    suggested_quota: Mapped[float] = mapped_column(Float)
    suggestion: Mapped[str] = mapped_column(String(20))  # progress / hold / step_back / schedule
    quota: Mapped[float] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(Text, default="")  # required when overriding
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    plan: Mapped[GradedActivityPlan] = relationship(back_populates="decisions")
    decided_by: Mapped[User] = relationship()
