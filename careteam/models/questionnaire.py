"""Questionnaires: assignments (once or every N weeks) and responses stored item by item."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, Float, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from careteam.extensions import db
from careteam.models.types import UTCDateTime, utcnow
from careteam.models.user import User


class QuestionnaireAssignment(db.Model):
    __tablename__ = "questionnaire_assignments"
    __table_args__ = (
        CheckConstraint("every_weeks IS NULL OR every_weeks BETWEEN 1 AND 52", name="every_weeks"),
        Index("ix_questionnaire_assignments_patient_id_instrument_id", "patient_id", "instrument_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    instrument_id: Mapped[str] = mapped_column(String(40))
    starts_on: Mapped[date] = mapped_column(Date)
    every_weeks: Mapped[int | None]  # None: once
    ended_on: Mapped[date | None] = mapped_column(Date)
    assigned_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    assigned_by: Mapped[User] = relationship()


class QuestionnaireResponse(db.Model):
    """One completed questionnaire. Scores come from the scoring module at submission, with the
    instrument version they were computed under; the item answers are kept beside them."""

    __tablename__ = "questionnaire_responses"
    __table_args__ = (
        Index("ix_questionnaire_responses_patient_id_instrument_id_answered_on",
              "patient_id", "instrument_id", "answered_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    instrument_id: Mapped[str] = mapped_column(String(40))
    instrument_version: Mapped[str] = mapped_column(String(20))
    assignment_id: Mapped[int | None] = mapped_column(ForeignKey("questionnaire_assignments.id"), index=True)
    answered_on: Mapped[date] = mapped_column(Date)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    entered_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    on_behalf: Mapped[bool] = mapped_column(default=False)  # a clinician typed in answers given on paper
    score: Mapped[float | None] = mapped_column(Float)
    band: Mapped[str | None] = mapped_column(String(60))
    subscores: Mapped[dict] = mapped_column(JSON, default=dict)
    flags: Mapped[list[str]] = mapped_column(JSON, default=list)

    entered_by: Mapped[User] = relationship()
    answers: Mapped[list[QuestionnaireAnswer]] = relationship(
        back_populates="response", order_by="QuestionnaireAnswer.id", cascade="all, delete-orphan"
    )


class QuestionnaireAnswer(db.Model):
    __tablename__ = "questionnaire_answers"
    __table_args__ = (UniqueConstraint("response_id", "link_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_responses.id"))
    link_id: Mapped[str] = mapped_column(String(40))
    value: Mapped[int]

    response: Mapped[QuestionnaireResponse] = relationship(back_populates="answers")
