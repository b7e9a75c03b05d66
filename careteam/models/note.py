"""Append-only clinical notes and questions for the next appointment."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DDL, CheckConstraint, ForeignKey, Index, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from careteam.domain.vocabulary import NoteVisibility, values
from careteam.extensions import db
from careteam.models.types import UTCDateTime, one_of, utcnow
from careteam.models.user import User


class Note(db.Model):
    """Never edited in place: a correction is a new note pointing at the one it corrects.

    A note written in error is voided (once, with a reason): it stays, struck through. The
    database refuses any other UPDATE and every DELETE (NOTE_GUARD below).
    """

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
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    voided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    void_reason: Mapped[str | None] = mapped_column(Text)

    author: Mapped[User] = relationship(foreign_keys=[author_id])
    voided_by: Mapped[User | None] = relationship(foreign_keys=[voided_by_id])


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


class QuestionReply(db.Model):
    """One message under a question, by the patient or the team, oldest first. The reply that
    marked its question answered carries `is_answer` (its text is also the question's `answer`,
    which a reopen clears; the reply stays in the conversation)."""

    __tablename__ = "question_replies"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    author_role: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    is_answer: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    author: Mapped[User] = relationship(foreign_keys=[author_id])


class QuestionRead(db.Model):
    """How far one person has read one question's conversation: opening it reads it all."""

    __tablename__ = "question_reads"

    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)
    last_reply_id: Mapped[int] = mapped_column(default=0)  # 0: opened before any reply
    read_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


# Only the void columns may change, and only once; no note is ever deleted. The same statements
# are in migration 0005_audit; these cover schemas made with create_all (tests).
_WRITTEN_COLUMNS = "id, patient_id, author_id, author_role, visibility, body, addendum_to_id, created_at"
NOTE_GUARD = {
    "sqlite": [
        "CREATE TRIGGER notes_no_delete BEFORE DELETE ON notes "
        "BEGIN SELECT RAISE(ABORT, 'notes are append-only'); END",
        f"CREATE TRIGGER notes_no_edit BEFORE UPDATE OF {_WRITTEN_COLUMNS} ON notes "
        "BEGIN SELECT RAISE(ABORT, 'notes are append-only'); END",
        "CREATE TRIGGER notes_void_once BEFORE UPDATE ON notes WHEN OLD.voided_at IS NOT NULL "
        "BEGIN SELECT RAISE(ABORT, 'notes are append-only'); END",
    ],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION notes_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF TG_OP <> 'UPDATE' THEN RAISE EXCEPTION 'notes are append-only'; END IF; "
        "IF OLD.voided_at IS NOT NULL "
        f"OR ({_WRITTEN_COLUMNS.replace(', ', ', OLD.').join(['OLD.', ''])}) "
        f"IS DISTINCT FROM ({_WRITTEN_COLUMNS.replace(', ', ', NEW.').join(['NEW.', ''])}) "
        "THEN RAISE EXCEPTION 'notes are append-only'; END IF; RETURN NEW; END $$",
        "CREATE TRIGGER notes_no_change BEFORE UPDATE OR DELETE ON notes "
        "FOR EACH ROW EXECUTE FUNCTION notes_append_only()",
        "CREATE TRIGGER notes_no_truncate BEFORE TRUNCATE ON notes "
        "FOR EACH STATEMENT EXECUTE FUNCTION notes_append_only()",
    ],
}
DROP_NOTE_GUARD = {
    "sqlite": [
        "DROP TRIGGER IF EXISTS notes_no_delete",
        "DROP TRIGGER IF EXISTS notes_no_edit",
        "DROP TRIGGER IF EXISTS notes_void_once",
    ],
    "postgresql": [
        "DROP TRIGGER IF EXISTS notes_no_change ON notes",
        "DROP TRIGGER IF EXISTS notes_no_truncate ON notes",
        "DROP FUNCTION IF EXISTS notes_append_only()",
    ],
}

for _dialect, _statements in NOTE_GUARD.items():
    for _statement in _statements:
        event.listen(Note.__table__, "after_create", DDL(_statement).execute_if(dialect=_dialect))
