"""Plain rows of the record view, loaded with prebuilt column selects (no ORM entities where no
identity is needed). Each row has the attribute names the templates and output schemas use."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.orm import aliased

from careteam.models import CareTeamMember, Patient, Question, QuestionReply, RedFlagAlert, User, WeeklyCheckin
from careteam.queries import PATIENT_ID, Person, first, rows


@dataclass(frozen=True)
class PatientHeader:
    id: int
    user_id: int
    name: str
    date_of_birth: date | None


@dataclass(frozen=True)
class TeamMemberRow:
    clinician_id: int
    discipline: str
    added_at: datetime
    clinician: Person


@dataclass(frozen=True)
class CheckinRef:
    id: int
    week_start: date


@dataclass(frozen=True)
class AlertRow:
    id: int
    flags: list[str]
    checkin_id: int | None
    checkin: CheckinRef | None
    raised_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: Person | None
    kind: str = "red_flag"  # or "questionnaire_safety"
    acknowledgement_note: str | None = None  # what was done; shown to clinicians


@dataclass(frozen=True)
class ReplyRow:
    """The latest reply under a question: all a summary shows of its conversation."""

    author_id: int
    author: Person
    author_role: str
    text: str
    created_at: datetime


@dataclass(frozen=True)
class QuestionRow:
    """An open question (so no answer yet), with its latest reply."""

    id: int
    text: str
    asked_by_id: int
    asked_by: Person
    asked_by_role: str
    created_at: datetime
    checkin_id: int | None
    answered_at: None = None
    answered_by_id: None = None
    answered_by: None = None
    answer: str = ""
    latest_reply: ReplyRow | None = None


_acknowledger = aliased(User)
_replier = aliased(User)
_latest_reply_id = (select(func.max(QuestionReply.id)).where(QuestionReply.question_id == Question.id)
                    .correlate(Question).scalar_subquery())

PATIENT_HEADER = (select(Patient.id, Patient.user_id, User.name, Patient.date_of_birth)
                  .join(User, User.id == Patient.user_id).where(Patient.id == PATIENT_ID))
TEAM = (select(CareTeamMember.clinician_id, CareTeamMember.discipline, CareTeamMember.added_at,
               User.name, User.email, User.role)
        .join(User, User.id == CareTeamMember.clinician_id)
        .where(CareTeamMember.patient_id == PATIENT_ID)
        .order_by(CareTeamMember.discipline, CareTeamMember.id))
ALERTS = (select(RedFlagAlert.id, RedFlagAlert.flags, RedFlagAlert.checkin_id, WeeklyCheckin.week_start,
                 RedFlagAlert.raised_at, RedFlagAlert.acknowledged_at, RedFlagAlert.acknowledged_by_id,
                 _acknowledger.name, RedFlagAlert.kind, RedFlagAlert.acknowledgement_note,
                 func.count().over().label("total"))
          .outerjoin(WeeklyCheckin, WeeklyCheckin.id == RedFlagAlert.checkin_id)
          .outerjoin(_acknowledger, _acknowledger.id == RedFlagAlert.acknowledged_by_id)
          .where(RedFlagAlert.patient_id == PATIENT_ID)
          .order_by(RedFlagAlert.raised_at.desc(), RedFlagAlert.id.desc())
          .limit(bindparam("limit")))
OPEN_ALERTS = ALERTS.where(RedFlagAlert.acknowledged_at.is_(None))
# Open, or raised in the period (the handover's).
ALERTS_IN_PERIOD = ALERTS.where(
    or_(RedFlagAlert.acknowledged_at.is_(None), RedFlagAlert.raised_at >= bindparam("raised_from")),
    RedFlagAlert.raised_at < bindparam("raised_before"))
OPEN_QUESTIONS = (select(Question.id, Question.text, Question.asked_by_id, User.name, Question.asked_by_role,
                         Question.created_at, Question.checkin_id, func.count().over().label("total"),
                         QuestionReply.author_id.label("reply_author_id"), _replier.name.label("reply_author"),
                         QuestionReply.author_role.label("reply_author_role"), QuestionReply.text.label("reply_text"),
                         QuestionReply.created_at.label("reply_at"))
                  .join(User, User.id == Question.asked_by_id)
                  .outerjoin(QuestionReply, QuestionReply.id == _latest_reply_id)
                  .outerjoin(_replier, _replier.id == QuestionReply.author_id)
                  .where(Question.patient_id == PATIENT_ID, Question.answered_at.is_(None))
                  .order_by(Question.created_at.desc(), Question.id.desc())
                  .limit(bindparam("limit")))


def patient_header(patient_id: int) -> PatientHeader:
    return PatientHeader(*first(PATIENT_HEADER, patient_id=patient_id))


def team(patient_id: int) -> list[TeamMemberRow]:
    return [TeamMemberRow(r.clinician_id, r.discipline, r.added_at, Person(r.clinician_id, r.name, r.email, r.role))
            for r in rows(TEAM, patient_id=patient_id)]


def alerts(patient_id: int, raised_from: datetime | None, raised_before: datetime | None,
           limit: int) -> tuple[list[AlertRow], int]:
    """Open alerts, and (with `raised_from`) those raised since then; newest first, at most `limit`;
    and how many there are in all."""
    if raised_from is None:
        found = rows(OPEN_ALERTS, patient_id=patient_id, limit=limit)
    else:
        found = rows(ALERTS_IN_PERIOD, patient_id=patient_id, raised_from=raised_from, raised_before=raised_before,
                     limit=limit)
    return [AlertRow(r.id, list(r.flags or ()), r.checkin_id,
                     CheckinRef(r.checkin_id, r.week_start) if r.checkin_id else None, r.raised_at, r.acknowledged_at,
                     Person(r.acknowledged_by_id, r.name) if r.acknowledged_by_id else None,
                     r.kind, r.acknowledgement_note)
            for r in found], (found[0].total if found else 0)


def open_questions(patient_id: int, limit: int) -> tuple[list[QuestionRow], int]:
    """The `limit` newest open questions, oldest first, and how many are open in all."""
    found = rows(OPEN_QUESTIONS, patient_id=patient_id, limit=limit)
    total = found[0].total if found else 0
    return [QuestionRow(r.id, r.text, r.asked_by_id, Person(r.asked_by_id, r.name), r.asked_by_role, r.created_at,
                        r.checkin_id, latest_reply=_latest_reply(r)) for r in reversed(found)], total


def _latest_reply(r) -> ReplyRow | None:
    if r.reply_author_id is None:
        return None
    return ReplyRow(r.reply_author_id, Person(r.reply_author_id, r.reply_author), r.reply_author_role, r.reply_text,
                    r.reply_at)
