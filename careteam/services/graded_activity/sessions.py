"""Graded-activity sessions: baseline and quota sessions, and the next-day answer of the
24-hour rule. The patient logs them (Action.LOG); a clinician on the team may enter them as
measured or reported in clinic (Action.WRITE)."""

from __future__ import annotations

from datetime import date

from careteam.domain import graded_activity as rules
from careteam.domain.policy import Action, Role
from careteam.domain.vocabulary import NEXT_DAY_LABELS, ActivityMode, NextDayResponse
from careteam.extensions import db
from careteam.models import ActivityLog, GradedActivityPlan, User
from careteam.services import audit, clock, timeline
from careteam.services.access import authorize
from careteam.services.activity_progress import PlanStatus, load_plan, progress_of
from careteam.services.errors import InvalidInput, NotFound
from careteam.services.graded_activity.versions import LOG, PART


def _log_action(actor: User) -> Action:
    """Patients log their own sessions; a clinician entering them for the patient needs WRITE."""
    return Action.LOG if actor.role_enum == Role.PATIENT else Action.WRITE


def _check_session(performed_on: date, done: float, unit: str, not_before: date | None, before_words: str) -> None:
    problems: dict[str, str] = {}
    if performed_on > clock.today():
        problems["performed_on"] = "The date cannot be in the future."
    elif not_before is not None and performed_on < not_before:
        problems["performed_on"] = before_words
    if done is None or done < 0:
        problems["done"] = "Enter what was done: zero or more."
    elif done > rules.unit_maximum(unit):
        problems["done"] = f"Enter at most {rules.amount(rules.unit_maximum(unit), unit)}."
    if problems:
        raise InvalidInput(problems)


def _add_log(actor: User, plan: GradedActivityPlan, **values) -> ActivityLog:
    log = ActivityLog(plan=plan, logged_by_id=actor.id, **values)
    db.session.add(log)
    db.session.flush()
    return log


def add_baseline(actor: User, patient_id: int, plan_id: int, performed_on: date | None, done: float) -> ActivityLog:
    """A baseline session: done as the person normally would (default day: today)."""
    patient = authorize(actor, patient_id, PART, _log_action(actor), object_type=LOG, object_id=plan_id)
    plan = load_plan(patient.id, plan_id)
    performed_on = performed_on or clock.today()
    if plan.started_on is not None or plan.ended_on is not None:
        raise InvalidInput({"_": "The baseline is complete: this plan has started."})
    _check_session(performed_on, done, plan.unit, None, "")
    log = _add_log(actor, plan, performed_on=performed_on, is_baseline=True, quota=None, done=done)
    audit.record("create", actor=actor, patient_id=patient.id, object_type=LOG, object_id=log.id)
    timeline.record_change(actor, patient.id, PART, LOG, log.id,
                           summary=f"{plan.activity} baseline session: {rules.amount(done, plan.unit)}")
    db.session.commit()
    return log


def log_session(actor: User, patient_id: int, plan_id: int, performed_on: date | None, done: float) -> ActivityLog:
    """A quota session, logged against today's quota (default day: today)."""
    patient = authorize(actor, patient_id, PART, _log_action(actor), object_type=LOG, object_id=plan_id)
    plan = load_plan(patient.id, plan_id)
    performed_on = performed_on or clock.today()
    progress = progress_of(plan, clock.today())
    if progress.status != PlanStatus.ACTIVE:
        raise InvalidInput({"_": "This plan has ended." if progress.status == PlanStatus.ENDED
                            else "Start the plan before logging quota sessions."})
    _check_session(performed_on, done, plan.unit, plan.started_on, "The date cannot be before the plan started.")
    log = _add_log(actor, plan, performed_on=performed_on, is_baseline=False,
                   quota=progress.current_quota, done=done)
    audit.record("create", actor=actor, patient_id=patient.id, object_type=LOG, object_id=log.id)
    summary = f"{plan.activity}: {rules.number(done)} of {rules.amount(log.quota, plan.unit)} done"
    timeline.record_change(actor, patient.id, PART, LOG, log.id, summary=summary)
    db.session.commit()
    return log


def answer_next_day(actor: User, patient_id: int, plan_id: int, log_id: int, response: str,
                    flare: bool = False) -> ActivityLog:
    """The 24-hour rule's question, answered from the day after the session. An answer is
    evidence the engine has acted on, so it is not changed afterwards."""
    patient = authorize(actor, patient_id, PART, _log_action(actor), object_type=LOG, object_id=log_id)
    plan = load_plan(patient.id, plan_id)
    log = next((entry for entry in plan.logs if entry.id == log_id), None)
    if log is None:
        raise NotFound()
    _check_answer(log, response, flare)
    before = timeline.values_of(log, ("next_day_response", "flare"))
    log.next_day_response, log.flare = response, flare
    audit.record("update", actor=actor, patient_id=patient.id, object_type=LOG, object_id=log.id)
    timeline.record_change(actor, patient.id, PART, LOG, log.id, summary=_answer_summary(plan, log),
                           changes=timeline.changes_since(before, log))
    db.session.commit()
    return log


def _check_answer(log: ActivityLog, response: str, flare: bool) -> None:
    if log.is_baseline:
        raise InvalidInput({"_": "Baseline sessions have no next-day question."})
    if log.next_day_response is not None:
        raise InvalidInput({"response": "The next-day answer for this session is already recorded."})
    if response not in {r.value for r in NextDayResponse}:
        raise InvalidInput({"response": "Answer yes, not yet or worse."})
    if flare and response != NextDayResponse.WORSE:
        raise InvalidInput({"flare": "A flare counts as worse: answer worse with it."})
    if log.performed_on >= clock.today():
        raise InvalidInput({"response": "Answer this tomorrow: the question is about the day after."})


def _answer_summary(plan: GradedActivityPlan, log: ActivityLog) -> str:
    session = f"{plan.activity}, session on {rules.short_day(log.performed_on)} ({rules.amount(log.quota, plan.unit)})"
    if log.next_day_response != NextDayResponse.WORSE:
        return f"{session}: next day “{NEXT_DAY_LABELS[NextDayResponse(log.next_day_response)]}”"
    what = "a flare" if log.flare else "worse"
    if plan.mode != ActivityMode.SYMPTOM_GUIDED:
        return f"{session}: {what} the next day"
    suggestion = progress_of(plan, clock.today()).suggestion
    return (f"Notice for the physiotherapist: {session}, {what} the next day; "
            f"the 24-hour rule suggests {rules.amount(suggestion.quota, plan.unit)}")
