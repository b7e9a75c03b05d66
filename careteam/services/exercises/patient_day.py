"""The patient's day: today's exercises with their doses, logging a session, and the next-day
answer of the 24-hour rule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from careteam.domain import dosing
from careteam.domain.policy import Action
from careteam.domain.vocabulary import NextDayResponse, values
from careteam.extensions import db
from careteam.models import ExerciseDose, ExercisePrescription, ExerciseSession, Patient, User
from careteam.services import audit, clock, timeline
from careteam.services.access import authorize
from careteam.services.errors import InvalidInput, NotFound
from careteam.services.exercises.loading import PART, PRESCRIPTION, SESSION, _prescription, _prescriptions


@dataclass
class TodayItem:
    prescription: ExercisePrescription
    dose: ExerciseDose  # the dose in effect today
    logged_today: list[ExerciseSession]

    @property
    def in_plain_words(self) -> str:
        return dosing.in_plain_words(dosing.dose_of(self.dose))


@dataclass
class TodayPage:
    patient: Patient
    day: date
    items: list[TodayItem]
    awaiting_answer: list[ExerciseSession]  # earlier sessions still waiting for the 24-hour answer


def today(actor: User, patient_id: int) -> TodayPage:
    """The patient's logging page: today's exercises with their doses, what was logged today,
    and earlier sessions still waiting for the next-day answer. Only the patient logs."""
    patient = authorize(actor, patient_id, PART, Action.LOG, object_type=PRESCRIPTION)
    day = clock.today()
    recent = list(db.session.scalars(
        select(ExerciseSession)
        .where(ExerciseSession.patient_id == patient.id,
               ExerciseSession.performed_on >= day - timedelta(days=dosing.ANSWER_DAYS_BACK))
        .options(joinedload(ExerciseSession.prescription))
        .order_by(ExerciseSession.performed_on, ExerciseSession.id)
    ))
    items = [
        TodayItem(p, dosing.dose_in_effect(p.doses, day),
                  [s for s in recent if s.prescription_id == p.id and s.performed_on == day])
        for p in _prescriptions(patient.id)
        if dosing.is_active_on(day, p.started_on, p.ended_on)
    ]
    awaiting = [s for s in recent if dosing.awaits_answer(s.performed_on, day, s.next_day_response)]
    audit.record("read", actor=actor, patient_id=patient.id, object_type=PRESCRIPTION)
    audit.commit_read()
    return TodayPage(patient, day, items, awaiting)


def log_session(actor: User, patient_id: int, prescription_id: int, performed_on: date | None,
                sets_done: int | None, reps_done: int | None, pain_before: int | None = None,
                pain_after: int | None = None) -> ExerciseSession:
    """The patient logs a session they did (today, or up to a week back)."""
    patient = authorize(actor, patient_id, PART, Action.LOG, object_type=SESSION)
    prescription = _prescription(patient.id, prescription_id)
    values = {"performed_on": performed_on or clock.today(), "sets_done": sets_done, "reps_done": reps_done,
              "pain_before": pain_before, "pain_after": pain_after}
    problems = dosing.session_problems(values, clock.today(), prescription.started_on, prescription.ended_on)
    if problems:
        raise InvalidInput(problems)
    session = ExerciseSession(
        prescription=prescription, patient_id=patient.id, logged_by_id=actor.id,
        dose=dosing.dose_in_effect(prescription.doses, values["performed_on"]), **values,
    )
    db.session.add(session)
    db.session.flush()
    audit.record("create", actor=actor, patient_id=patient.id, object_type=SESSION, object_id=session.id)
    db.session.commit()
    return session


def answer_next_day(actor: User, patient_id: int, session_id: int, response: str) -> ExerciseSession:
    """The 24-hour answer. "Worse" puts an entry on the timeline for the physiotherapist."""
    patient = authorize(actor, patient_id, PART, Action.LOG, object_type=SESSION, object_id=session_id)
    session = db.session.scalar(
        select(ExerciseSession)
        .where(ExerciseSession.id == session_id, ExerciseSession.patient_id == patient.id)
        .options(joinedload(ExerciseSession.prescription))
    )
    if session is None:
        raise NotFound()
    if response not in values(NextDayResponse):
        raise InvalidInput({"response": "Choose yes, not yet or worse."})
    problem = dosing.next_day_problem(session.performed_on, clock.today(), session.next_day_response is not None)
    if problem:
        raise InvalidInput({"response": problem})
    answered = db.session.execute(  # only the first of two racing answers counts
        update(ExerciseSession)
        .where(ExerciseSession.id == session.id, ExerciseSession.next_day_response.is_(None))
        .values(next_day_response=response, responded_at=clock.now())
        .execution_options(synchronize_session="fetch")
    )
    if answered.rowcount != 1:
        raise InvalidInput({"response": "You already answered for this session."})
    audit.record("update", actor=actor, patient_id=patient.id, object_type=SESSION, object_id=session.id)
    if dosing.classify_next_day(response).tell_physiotherapist:
        timeline.record_change(actor, patient.id, PART, SESSION, session.id,
                               summary=f"Next day worse after {session.prescription.name}",
                               reason=f"Session on {session.performed_on:%-d %b %Y}; flagged for the physiotherapist")
    db.session.commit()
    return session
