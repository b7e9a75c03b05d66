"""Append-only clinical notes and questions for the next appointment."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from careteam.domain.vocabulary import NoteVisibility, values
from careteam.extensions import db
from careteam.models.types import UTCDateTime, one_of, utcnow
from careteam.models.user import User


class Note(db.Model):
    """Never edited in place: a correction is a new note pointing at the one it corrects."""

    __tablename__ = "notes"
    __table_args__ = (
        CheckConstraint(one_of("visibility", values(NoteVisibility)), name="visibility"),
        Index("ix_notes_patient_id_visibility_created_at", "patient_id", "visibility", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    author_role: Mapped[str] = mapped_column(String(20))
    visibility: Mapped[str] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(Text)
    addendum_to_id: Mapped[int | None] = mapped_column(ForeignKey("notes.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    author: Mapped[User] = relationship()


class Question(db.Model):
    __tablename__ = "questions"
    __table_args__ = (Index("ix_questions_patient_id_answered_at", "patient_id", "answered_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"))
    text: Mapped[str] = mapped_column(Text)
    asked_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    asked_by_role: Mapped[str] = mapped_column(String(20))
    checkin_id: Mapped[int | None] = mapped_column(ForeignKey("weekly_checkins.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    answer: Mapped[str] = mapped_column(Text, default="")

    asked_by: Mapped[User] = relationship(foreign_keys=[asked_by_id])
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])
