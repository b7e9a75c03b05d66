"""The conversation under a question: replies from the patient and the team, who has read how far,
and what is unread for each reader.

Whoever may read a record's questions reads their replies; whoever may write them replies while
the question is open. Opening a conversation reads it (for those who take part: a read-only
emergency access changes nothing). A reply tells the other side in the app, in neutral words.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, case, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from careteam.domain import notifications as kinds
from careteam.domain import questions as rules
from careteam.domain.policy import Action, Part, Role
from careteam.extensions import db
from careteam.models import CareTeamMember, Patient, Question, QuestionRead, QuestionReply, User, utcnow
from careteam.services import access, audit, outbox, timeline
from careteam.services.access import authorize
from careteam.services.errors import Conflict, InvalidInput, NotFound
from careteam.services.questions import OBJECT_TYPE, thread_link

REPLY_OBJECT_TYPE = "question_reply"


@dataclass(frozen=True)
class Unread:
    """For one reader and one question: replies in all, those by others not yet read, and
    whether someone else asked it and the reader never opened it."""

    replies: int = 0
    unread: int = 0
    new: bool = False


def _checked_text(text: str | None) -> str:
    text = (text or "").strip()
    if not text:
        raise InvalidInput({"text": "Write the reply."})
    if len(text) > rules.MAX_TEXT_LENGTH:
        raise InvalidInput({"text": f"Keep the reply under {rules.MAX_TEXT_LENGTH:,} characters."})
    return text


def _question(actor: User, patient: Patient, question_id: int, action: str) -> Question:
    question = db.session.scalar(
        select(Question).options(joinedload(Question.asked_by), joinedload(Question.answered_by))
        .where(Question.id == question_id, Question.patient_id == patient.id))
    if question is None:
        audit.record_denial(action, actor=actor, patient_id=patient.id, object_type=OBJECT_TYPE,
                            object_id=question_id)
        raise NotFound()
    return question


def _replies(question_id: int) -> list[QuestionReply]:
    return list(db.session.scalars(
        select(QuestionReply).options(joinedload(QuestionReply.author))
        .where(QuestionReply.question_id == question_id).order_by(QuestionReply.id)))


def _mark_read(user_id: int, question_id: int, last_reply_id: int) -> None:
    """Move the reader's mark forward to `last_reply_id` (never back); the caller commits."""
    changed = db.session.execute(
        update(QuestionRead)
        .where(QuestionRead.question_id == question_id, QuestionRead.user_id == user_id)
        .values(last_reply_id=func.max(QuestionRead.last_reply_id, last_reply_id)
                if db.session.get_bind().dialect.name == "sqlite" else func.greatest(QuestionRead.last_reply_id, last_reply_id),
                read_at=utcnow())
        .execution_options(synchronize_session=False)).rowcount
    if changed:
        return
    try:  # two tabs opening the same question at once: the first one's row is as good
        with db.session.begin_nested():
            db.session.add(QuestionRead(question_id=question_id, user_id=user_id, last_reply_id=last_reply_id,
                                        read_at=utcnow()))
    except IntegrityError:
        pass


def _recipients(author: User, question: Question) -> list[int]:
    patient_user_id = db.session.scalar(select(Patient.user_id).where(Patient.id == question.patient_id))
    thread = [rules.Participant(question.asked_by_id, Role(question.asked_by_role))]
    thread += [rules.Participant(user_id, Role(role)) for user_id, role in db.session.execute(
        select(QuestionReply.author_id, QuestionReply.author_role).where(QuestionReply.question_id == question.id)
        .order_by(QuestionReply.id))]
    team = db.session.scalars(select(CareTeamMember.clinician_id).where(
        CareTeamMember.patient_id == question.patient_id).order_by(CareTeamMember.id))
    return rules.reply_recipients(rules.Participant(author.id, author.role_enum), patient_user_id, thread, team)


def add_reply(actor: User, question: Question, text: str, *, is_answer: bool = False) -> QuestionReply:
    """Add a reply the caller has authorized and checked; the other side is told in the app, and
    the author has read the conversation up to it. The caller audits and commits."""
    recipients = _recipients(actor, question)
    reply = QuestionReply(question_id=question.id, author_id=actor.id, author_role=actor.role, text=text,
                          is_answer=is_answer, created_at=utcnow())
    db.session.add(reply)
    db.session.flush()
    _mark_read(actor.id, question.id, reply.id)
    for recipient_id in recipients:
        outbox.notify(recipient_id, kinds.QUESTION_REPLY, thread_link(question.patient_id, question.id), email=False)
    return reply


def reply(actor: User, patient_id: int, question_id: int, text: str) -> QuestionReply:
    """Reply under an open question (the patient or the team); 409 once it is answered."""
    patient = authorize(actor, patient_id, Part.QUESTIONS, Action.WRITE, object_type=REPLY_OBJECT_TYPE,
                        object_id=None)
    question = _question(actor, patient, question_id, "create")
    text = _checked_text(text)
    if not rules.may_reply(question.answered_at is None):
        raise Conflict("This question has been answered. Ask a new question, or reopen this one to reply.",
                       current={"id": question.id, "answered": True,
                                "answered_at": question.answered_at.isoformat()})
    before = db.session.scalar(select(func.count()).where(QuestionReply.question_id == question.id))
    new_reply = add_reply(actor, question, text)
    audit.record("create", actor=actor, patient_id=patient.id, object_type=REPLY_OBJECT_TYPE,
                 object_id=new_reply.id)
    # How many replies, not what they say: the texts stay out of the timeline, like the question's.
    timeline.record_change(actor, patient.id, Part.QUESTIONS, OBJECT_TYPE, question.id,
                           summary=f"Reply to a question by {actor.name}", changes={"replies": (before, before + 1)})
    db.session.commit()
    return db.session.scalar(select(QuestionReply).options(joinedload(QuestionReply.author))
                             .where(QuestionReply.id == new_reply.id))


def open_conversation(actor: User, patient_id: int, question_id: int) -> tuple[Patient, Question, list[QuestionReply]]:
    """The question and every reply, oldest first. Reading it marks it read for whoever takes part
    (may write questions); a read-only emergency access leaves no trace but its audit event."""
    patient = authorize(actor, patient_id, Part.QUESTIONS, Action.READ, object_type=OBJECT_TYPE,
                        object_id=question_id)
    patient_id = patient.id
    if db.session.scalar(select(Question.id).where(Question.id == question_id, Question.patient_id == patient_id)) is None:
        audit.record_denial("read", actor=actor, patient_id=patient_id, object_type=OBJECT_TYPE, object_id=question_id)
        raise NotFound()
    audit.record("read", actor=actor, patient_id=patient_id, object_type=OBJECT_TYPE, object_id=question_id)
    if access.may(actor, patient_id, Part.QUESTIONS, Action.WRITE):
        last = db.session.scalar(select(func.max(QuestionReply.id)).where(QuestionReply.question_id == question_id))
        _mark_read(actor.id, question_id, last or 0)
    db.session.commit()  # before loading: a commit expires loaded objects
    question = db.session.scalar(
        select(Question).options(joinedload(Question.asked_by), joinedload(Question.answered_by))
        .where(Question.id == question_id))
    return db.session.get(Patient, patient_id), question, _replies(question_id)


def unread_for(reader_id: int, patient_id: int) -> dict[int, Unread]:
    """{question id: Unread} for every question of the record, in one statement. The caller has
    authorized the reader for the record's questions (and passes an id: after the read's commit,
    touching the reader's object would load it again)."""
    mark = func.coalesce(QuestionRead.last_reply_id, 0)
    by_other_unread = and_(QuestionReply.author_id != reader_id, QuestionReply.id > mark)
    rows = db.session.execute(
        select(Question.id, Question.asked_by_id, Question.answered_at, QuestionRead.question_id.label("opened"),
               func.count(QuestionReply.id).label("replies"),
               func.coalesce(func.sum(case((by_other_unread, 1), else_=0)), 0).label("unread"))
        .outerjoin(QuestionRead, and_(QuestionRead.question_id == Question.id, QuestionRead.user_id == reader_id))
        .outerjoin(QuestionReply, QuestionReply.question_id == Question.id)
        .where(Question.patient_id == patient_id)
        .group_by(Question.id, Question.asked_by_id, Question.answered_at, QuestionRead.question_id))
    return {r.id: Unread(r.replies, int(r.unread),
                         rules.is_new_to(reader_id, r.asked_by_id, r.opened is not None, r.answered_at is None))
            for r in rows}
