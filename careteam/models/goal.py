"""Functional goals, scored 0-10 for ability as in the Patient-Specific Functional Scale."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from careteam.domain.vocabulary import GoalStatus, values
from careteam.extensions import db
from careteam.models.types import UTCDateTime, one_of, utcnow
from careteam.models.user import User


class FunctionalGoal(db.Model):
    __tablename__ = "functional_goals"
    __table_args__ = (
        CheckConstraint("baseline_score BETWEEN 0 AND 10", name="baseline_score"),
        CheckConstraint("target_score BETWEEN 0 AND 10", name="target_score"),
        CheckConstraint(one_of("status", values(GoalStatus)), name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    activity: Mapped[str] = mapped_column(Text)
    baseline_score: Mapped[int]
    target_score: Mapped[int]
    target_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default=GoalStatus.ACTIVE.value)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    created_by: Mapped[User] = relationship()
    scores: Mapped[list[GoalScore]] = relationship(
        back_populates="goal", order_by="GoalScore.scored_on, GoalScore.id"
    )

    __mapper_args__ = {"version_id_col": version}


class GoalScore(db.Model):
    """One ability score for a goal, from a weekly check-in or from a clinician."""

    __tablename__ = "goal_scores"
    __table_args__ = (
        CheckConstraint("score BETWEEN 0 AND 10", name="score"),
        UniqueConstraint("goal_id", "checkin_id"),
        Index("ix_goal_scores_goal_id_scored_on", "goal_id", "scored_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("functional_goals.id"))
    score: Mapped[int]
    scored_on: Mapped[date] = mapped_column(Date)
    checkin_id: Mapped[int | None] = mapped_column(ForeignKey("weekly_checkins.id"), index=True)
    scored_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    goal: Mapped[FunctionalGoal] = relationship(back_populates="scores")
    scored_by: Mapped[User] = relationship()
