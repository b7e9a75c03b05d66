"""Questions for the next appointment: asked by the patient or the team, answered (closed) by the
team, reopened. The conversation under a question is careteam.services.question_replies."""

from __future__ import annotations

from sqlalchemy import Select, select, update
from sqlalchemy.orm import joinedload

from careteam.domain import notifications as kinds
from careteam.domain import questions as rules
from careteam.domain.policy import Action, Part, Role
from careteam.domain.questions import MAX_ANSWER_LENGTH, MAX_TEXT_LENGTH
from careteam.extensions import db
from careteam.models import Patient, Question, User, utcnow
from careteam.services import audit, outbox, timeline
from careteam.services.access import authorize
from careteam.services.errors import Conflict, Forbidden, InvalidInput, NotFound

STATUSES = ("open", "answered", "all")
OBJECT_TYPE = "question"


def may_close(actor: User) -> bool:
    """Whether the actor may mark questions answered; the caller has authorized the write."""
    return rules.may_close(actor.role_enum)


def may_reopen(actor: User, question: Question) -> bool:
    return rules.may_reopen(actor.role_enum, actor.id, question.asked_by_id)


def thread_link(patient_id: int, question_id: int) -> str:
    return f"/patients/{patient_id}/questions/{question_id}"


def _checked_text(text: str | None) -> str:
    text = (text or "").strip()
    if not text:
        raise InvalidInput({"text": "Write the question."})
    if len(text) > MAX_TEXT_LENGTH:
        raise InvalidInput({"text": f"Keep the question under {MAX_TEXT_LENGTH:,} characters."})
    return text


def _checked_answer(answer: str | None) -> str:
    answer = (answer or "").strip()
    if len(answer) > MAX_ANSWER_LENGTH:
        raise InvalidInput({"answer": f"Keep the answer under {MAX_ANSWER_LENGTH:,} characters."})
    return answer


def _with_people(stmt: Select) -> Select:
    return stmt.options(joinedload(Question.asked_by), joinedload(Question.answered_by))


def _find(patient_id: int, question_id: int) -> Question | None:
    return db.session.scalar(
        _with_people(select(Question).where(Question.id == question_id, Question.patient_id == patient_id))
    )


def _current(question: Question) -> dict:
    """What a 409 carries: the question as it is now."""
    return {
        "id": question.id,
        "answered_at": question.answered_at.isoformat() if question.answered_at else None,
        "answered_by": question.answered_by.name if question.answered_by else None,
        "answer": question.answer,
    }


def add_question(patient_id: int, asker: User, text: str, checkin_id: int | None = None) -> Question:
    """Add a question without an actor check, e.g. from a check-in being saved. The caller commits."""
    question = Question(patient_id=patient_id, text=_checked_text(text), asked_by_id=asker.id,
                        asked_by_role=asker.role, checkin_id=checkin_id, answer="")
    db.session.add(question)
    db.session.flush()
    timeline.record_change(asker, patient_id, Part.QUESTIONS, OBJECT_TYPE, question.id,
                           summary=f"Question asked by {asker.name}")
    return question


def ask(actor: User, patient_id: int, text: str) -> Question:
    patient = authorize(actor, patient_id, Part.QUESTIONS, Action.WRITE, object_type=OBJECT_TYPE)
    question = add_question(patient.id, actor, text)
    audit.record("create", actor=actor, patient_id=patient.id, object_type=OBJECT_TYPE, object_id=question.id)
    if actor.role_enum != Role.PATIENT:  # the team asks the patient: she hears of it in the app
        outbox.notify(patient.user_id, kinds.QUESTION_FOR_YOU, thread_link(patient.id, question.id), email=False)
    db.session.commit()
    return question


def _authorized_question(actor: User, patient_id: int, question_id: int, may, refusal: str) -> Question:
    """The question, if `may(question)` lets the actor change it; else 404 or 403 (audited)."""
    patient = authorize(actor, patient_id, Part.QUESTIONS, Action.WRITE, object_type=OBJECT_TYPE,
                        object_id=question_id)
    question = _find(patient.id, question_id)
    if question is not None and may(question):
        return question
    audit.record_denial("update", actor=actor, patient_id=patient.id, object_type=OBJECT_TYPE,
                        object_id=question_id)
    if question is None:
        raise NotFound()
    raise Forbidden(refusal)


def _change(actor: User, question: Question, values: dict, *, when_open: bool, action: str,
            summary: str, then=None) -> Question:
    """Change the question only if it is still open (or still answered): a lost race is a 409.

    The timeline's `summary` names who did what; the question's free text stays out of it."""
    patient_id, question_id = question.patient_id, question.id
    was_answered = question.answered_at is not None
    condition = Question.answered_at.is_(None) if when_open else Question.answered_at.is_not(None)
    changed = db.session.execute(
        update(Question).where(Question.id == question_id, condition).values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        db.session.refresh(question)  # what the other request wrote
        raise Conflict("Someone else changed this question in the meantime.", current=_current(question))
    audit.record(action, actor=actor, patient_id=patient_id, object_type=OBJECT_TYPE, object_id=question_id)
    if then is not None:
        then()
    # Only whether it is answered: the texts stay out of the timeline, like the summary.
    timeline.record_change(actor, patient_id, Part.QUESTIONS, OBJECT_TYPE, question_id, summary=summary,
                           changes={"answered": (was_answered, values["answered_at"] is not None)})
    db.session.commit()
    return _find(patient_id, question_id)


def answer(actor: User, patient_id: int, question_id: int, answer: str = "") -> Question:
    """Mark a question answered (who and when), by the team, with an optional answer. The answer
    is also the conversation's last reply (marked as the answer), which tells the patient."""
    question = _authorized_question(actor, patient_id, question_id, lambda _q: may_close(actor),
                                    "Only the care team can mark a question answered; you can reply to it instead.")
    text = _checked_answer(answer)
    if question.answered_at is not None:
        raise Conflict("This question is already marked answered.", current=_current(question))

    def add_answer_reply() -> None:
        if text:
            from careteam.services import question_replies  # it builds on this module

            question_replies.add_reply(actor, question, text, is_answer=True)

    return _change(actor, question, {"answered_at": utcnow(), "answered_by_id": actor.id, "answer": text},
                   when_open=True, action="answer", summary=f"Question marked answered by {actor.name}",
                   then=add_answer_reply)


def reopen(actor: User, patient_id: int, question_id: int) -> Question:
    """Put an answered question back on the list for the next appointment; the answer is cleared
    from the question (its reply stays in the conversation)."""
    question = _authorized_question(actor, patient_id, question_id, lambda q: may_reopen(actor, q),
                                    "Only the care team can reopen a question you did not ask.")
    if question.answered_at is None:
        raise Conflict("This question is already open.", current=_current(question))
    return _change(actor, question, {"answered_at": None, "answered_by_id": None, "answer": ""},
                   when_open=False, action="reopen",
                   summary=f"Question reopened by {actor.name}")


def _open(patient_id: int) -> Select[tuple[Question]]:
    return _with_people(
        select(Question)
        .where(Question.patient_id == patient_id, Question.answered_at.is_(None))
        .order_by(Question.created_at, Question.id)
    )


def _answered(patient_id: int) -> Select[tuple[Question]]:
    return _with_people(
        select(Question)
        .where(Question.patient_id == patient_id, Question.answered_at.is_not(None))
        .order_by(Question.answered_at.desc(), Question.id.desc())
    )


def list_questions(actor: User, patient_id: int, status: str = "open") -> tuple[Patient, list[Question]]:
    """Open questions oldest first (the agenda), then answered ones, most recently answered first."""
    patient = authorize(actor, patient_id, Part.QUESTIONS, Action.READ, object_type=OBJECT_TYPE)
    if status not in STATUSES:
        raise InvalidInput({"status": "Choose open, answered or all."})
    audit.record("read", actor=actor, patient_id=patient.id, object_type=OBJECT_TYPE)
    db.session.commit()  # before loading: a commit expires loaded objects
    questions: list[Question] = []
    if status in ("open", "all"):
        questions += db.session.scalars(_open(patient.id))
    if status in ("answered", "all"):
        questions += db.session.scalars(_answered(patient.id))
    return patient, questions


def open_questions(patient_id: int) -> list[Question]:
    """Internal loader for the dashboard and the handover summary, in one query, oldest first.

    The caller has authorized the viewer for Part.QUESTIONS and audits its own read.
    """
    return list(db.session.scalars(_open(patient_id)))
