"""Builders for notes and questions, written straight to the database (no audit, no timeline)."""

from __future__ import annotations

from datetime import datetime

from careteam.extensions import db
from careteam.models import Note, Question, User, utcnow


def add_note(patient_id: int, author: User, visibility: str = "clinicians", body: str = "A note.",
             addendum_to_id: int | None = None, created_at: datetime | None = None) -> int:
    """A note (or, with addendum_to_id, a correction); returns its id. Commits."""
    note = Note(patient_id=patient_id, author_id=author.id, author_role=author.role, visibility=visibility,
                body=body, addendum_to_id=addendum_to_id, created_at=created_at or utcnow())
    db.session.add(note)
    db.session.commit()
    return note.id


def add_question(patient_id: int, asker: User, text: str = "Can I go swimming?",
                 answered_by: User | None = None, answer: str = "") -> int:
    question = Question(patient_id=patient_id, text=text, asked_by_id=asker.id, asked_by_role=asker.role,
                        answer=answer, answered_by_id=answered_by.id if answered_by else None,
                        answered_at=utcnow() if answered_by else None)
    db.session.add(question)
    db.session.commit()
    return question.id
