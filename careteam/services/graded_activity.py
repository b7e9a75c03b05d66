"""Graded-activity plans: baseline, start, quota sessions, the 24-hour rule and quota decisions.
(How a plan stands, judged from its logs, is careteam.services.activity_progress.)

Who logs what: the patient logs baseline and quota sessions and answers the next-day question
(Action.LOG). A physiotherapist or psychologist on the team may enter the same things as
measured or reported in clinic (Action.WRITE); their entries show as "entered in clinic".
The physician reads. Only physiotherapists and psychologists create, start, change and
decide. "Today's quota" is the latest decision's quota, or the start quota.

The engine (careteam.domain.graded_activity) judges the quota sessions logged since the
current quota was set, so a decided suggestion is not suggested again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from careteam.domain import graded_activity as rules
from careteam.domain.graded_activity import Suggestion, SuggestionKind
from careteam.domain.policy import Action, Part, Role
from careteam.domain.vocabulary import NEXT_DAY_LABELS, ActivityMode, NextDayResponse
from careteam.extensions import db
from careteam.models import ActivityLog, GradedActivityPlan, Patient, QuotaDecision, User
from careteam.services import audit, clock, timeline
from careteam.services.access import authorize
from careteam.services.activity_progress import (
    PlanProgress,
    PlanStatus,
    TodayQuota,
    activity_progress,
    current_values,
    load_plan,
    local_day,
    progress_of,
    today_quota,
)
from careteam.services.errors import Conflict, InvalidInput, NotFound

PART = Part.GRADED_ACTIVITY
PLAN, LOG, DECISION = "graded_activity_plan", "activity_log", "quota_decision"
EDITABLE = ("activity", "unit", "mode", "start_fraction", "increment", "increment_every",
            "goal_value", "goal_date", "ended_on")
FIXED_ONCE_STARTED = ("unit", "start_fraction")


@dataclass(frozen=True)
class PlanInput:
    activity: str
    unit: str
    mode: str
    increment: float
    increment_every: str
    goal_value: float
    goal_date: date | None = None
    start_fraction: float = rules.DEFAULT_START_FRACTION


def today_for(actor: User, patient_id: int) -> list[TodayQuota]:
    """Today's quotas for the patient's Today page (authorized, audited)."""
    patient = authorize(actor, patient_id, Part.GRADED_ACTIVITY, Action.READ, object_type="activity_plan")
    audit.record("read", actor=actor, patient_id=patient.id, object_type="activity_plan", detail="today")
    db.session.commit()  # before loading: a commit expires what was loaded
    return today_quota(patient.id)


def _conflict(patient_id: int, plan_id: int, message: str | None = None) -> Conflict:
    db.session.rollback()
    return Conflict(message, current=current_values(progress_of(load_plan(patient_id, plan_id), clock.today())))


def _check_version(plan: GradedActivityPlan, version: int) -> None:
    if version != plan.version:
        raise _conflict(plan.patient_id, plan.id)


def _commit(plan: GradedActivityPlan) -> None:
    """Commit a change to a versioned plan; a lost race becomes a Conflict."""
    patient_id, plan_id = plan.patient_id, plan.id
    try:
        db.session.commit()
    except StaleDataError:
        raise _conflict(patient_id, plan_id) from None


# Reading ----------------------------------------------------------------------------------------

def list_plans(actor: User, patient_id: int) -> tuple[Patient, list[PlanProgress]]:
    patient = authorize(actor, patient_id, PART, Action.READ, object_type=PLAN)
    plans = activity_progress(patient.id)
    audit.record("read", actor=actor, patient_id=patient.id, object_type=PLAN)
    db.session.commit()
    return patient, plans


@dataclass(frozen=True)
class PlanDetail:
    patient: Patient
    plan: GradedActivityPlan  # with logs, decisions and who decided
    progress: PlanProgress


def get_plan(actor: User, patient_id: int, plan_id: int) -> PlanDetail:
    patient = authorize(actor, patient_id, PART, Action.READ, object_type=PLAN, object_id=plan_id)
    plan = load_plan(patient.id, plan_id, with_people=True)
    progress = progress_of(plan, clock.today())
    audit.record("read", actor=actor, patient_id=patient.id, object_type=PLAN, object_id=plan.id)
    db.session.commit()
    return PlanDetail(patient, plan, progress)


# Creating and changing plans --------------------------------------------------------------------

MAX_STEPS_STAND_IN = 2  # a goal one step above an increment of 1: never a problem of its own


def patient_for_new_plan(actor: User, patient_id: int) -> Patient:
    """The patient, for showing the new-plan form to someone who may create one."""
    return authorize(actor, patient_id, PART, Action.WRITE, object_type=PLAN)


def _problems(values: dict[str, Any], *, check_goal_date: bool) -> dict[str, str]:
    return rules.plan_problems(
        activity=values["activity"], unit=values["unit"], mode=values["mode"],
        start_fraction=values["start_fraction"], increment=values["increment"],
        increment_every=values["increment_every"], goal_value=values["goal_value"],
        goal_date=values["goal_date"], today=clock.today(), check_goal_date=check_goal_date,
    )


def new_plan_problems(actor: User, patient_id: int, values: dict[str, Any], *,
                      check_goal_date: bool = True) -> dict[str, str]:
    """The plan rules on the values a form could read (None: could not), without saving: with
    the form's own messages every problem shows in one round. An edit checks the goal date only
    when it changes it, as update_plan does."""
    authorize(actor, patient_id, PART, Action.WRITE, object_type=PLAN)
    missing = {name for name, value in values.items() if value is None}
    stand_in = {"activity": "-", "unit": rules.ActivityUnit.MINUTES.value, "mode": ActivityMode.TIME_CONTINGENT.value,
                "start_fraction": rules.DEFAULT_START_FRACTION, "increment": 1, "increment_every": "week",
                "goal_value": MAX_STEPS_STAND_IN, "goal_date": None}
    problems = _problems({**stand_in, **{k: v for k, v in values.items() if v is not None}},
                         check_goal_date=check_goal_date)
    if missing & {"increment", "goal_value", "unit"}:
        problems.pop("increment", None)  # judged against a stand-in: say nothing
    return {name: message for name, message in problems.items() if name not in missing}


def create_plan(actor: User, patient_id: int, data: PlanInput) -> GradedActivityPlan:
    patient = authorize(actor, patient_id, PART, Action.WRITE, object_type=PLAN)
    values = {**vars(data), "activity": data.activity.strip(), "start_fraction": round(data.start_fraction, 2)}
    problems = _problems(values, check_goal_date=True)
    if problems:
        raise InvalidInput(problems)
    plan = GradedActivityPlan(patient_id=patient.id, created_by_id=actor.id, **values)
    db.session.add(plan)
    db.session.flush()
    audit.record("create", actor=actor, patient_id=patient.id, object_type=PLAN, object_id=plan.id)
    timeline.record_change(
        actor, patient.id, PART, PLAN, plan.id,
        summary=(f"Graded-activity plan: {plan.activity}, goal {rules.amount(plan.goal_value, plan.unit)} "
                 f"({rules.MODE_LABELS[ActivityMode(plan.mode)].lower()}); baseline next"),
    )
    db.session.commit()
    return plan


def update_plan(actor: User, patient_id: int, plan_id: int, version: int,
                changes: dict[str, Any]) -> GradedActivityPlan:
    """Change a plan's settings; `changes` holds any of EDITABLE. A stale version is a Conflict."""
    patient = authorize(actor, patient_id, PART, Action.WRITE, object_type=PLAN, object_id=plan_id)
    plan = load_plan(patient.id, plan_id)
    _check_version(plan, version)
    changes = {k: v for k, v in changes.items() if k in EDITABLE and v != getattr(plan, k)}
    if "activity" in changes:
        changes["activity"] = changes["activity"].strip()
    if "start_fraction" in changes:  # in hundredths, as the page's percentage shows it
        changes["start_fraction"] = round(changes["start_fraction"], 2)
        if changes["start_fraction"] == plan.start_fraction:
            del changes["start_fraction"]
    _check_update(plan, changes)
    before = {k: getattr(plan, k) for k in changes}
    for key, value in changes.items():
        setattr(plan, key, value)
    if changes:
        audit.record("update", actor=actor, patient_id=patient.id, object_type=PLAN, object_id=plan.id)
        timeline.record_change(actor, patient.id, PART, PLAN, plan.id, summary=_change_summary(plan, before),
                               changes=timeline.changes_since(before, plan))
    _commit(plan)
    return plan


def _check_update(plan: GradedActivityPlan, changes: dict[str, Any]) -> None:
    values = {k: changes.get(k, getattr(plan, k)) for k in EDITABLE}
    problems = _problems(values, check_goal_date="goal_date" in changes)
    if plan.started_on is not None:
        for key in FIXED_ONCE_STARTED:
            if key in changes:
                problems[key] = "The plan has started: its unit and start quota stay as they are."
        if "goal_value" not in problems and "unit" not in problems:
            if rules.start_problem(plan.start_quota, values["goal_value"], plan.unit):
                start = rules.amount(plan.start_quota, plan.unit)
                problems["goal_value"] = f"Keep the goal above the start quota of {start}."
    ended_on = changes.get("ended_on")
    if ended_on is not None:
        if ended_on > clock.today():
            problems["ended_on"] = "A plan cannot end in the future."
        elif ended_on < (plan.started_on or local_day(plan.created_at)):
            problems["ended_on"] = "A plan cannot end before it started."
    if problems:
        raise InvalidInput(problems)


def _change_summary(plan: GradedActivityPlan, before: dict[str, Any]) -> str:
    if "ended_on" in before and plan.ended_on is not None:
        return f"Graded-activity plan {plan.activity} ended"
    if "ended_on" in before:
        return f"Graded-activity plan {plan.activity} reopened"
    words = []
    for key, old in before.items():
        if key == "ended_on":
            continue
        words.append(f"{key.replace('_', ' ')}: {_shown(plan, key, old)} → {_shown(plan, key, getattr(plan, key))}")
    return f"Graded-activity plan {plan.activity}: " + "; ".join(words)


def _shown(plan: GradedActivityPlan, key: str, value: Any) -> str:
    if value is None:
        return "none"
    if key in ("increment", "goal_value"):
        return rules.amount(value, plan.unit)
    if key == "start_fraction":
        return f"{round(value * 100)} %"
    if key == "goal_date":
        return value.isoformat()
    return str(value).replace("_", "-")


def start_plan(actor: User, patient_id: int, plan_id: int, version: int,
               started_on: date | None = None) -> GradedActivityPlan:
    """Compute the start quota from the baseline and start the schedule (default: today)."""
    patient = authorize(actor, patient_id, PART, Action.WRITE, object_type=PLAN, object_id=plan_id)
    plan = load_plan(patient.id, plan_id)
    _check_version(plan, version)
    if plan.started_on is not None:
        raise InvalidInput({"_": "This plan has already started."})
    baseline = rules.baseline([log.done for log in plan.logs if log.is_baseline])
    if not baseline.ready:
        raise InvalidInput({"_": baseline.message})
    started_on = started_on or clock.today()
    last_baseline = max(log.performed_on for log in plan.logs if log.is_baseline)
    if started_on > clock.today():
        raise InvalidInput({"started_on": "Start today or on a past day: the schedule counts from the start."})
    if started_on < last_baseline:
        raise InvalidInput({"started_on": "Start on or after the last baseline session."})
    start = rules.start_quota(baseline.mean, plan.start_fraction, plan.unit)
    problem = rules.start_problem(start, plan.goal_value, plan.unit)
    if problem:
        raise InvalidInput({"_": problem})
    plan.start_quota, plan.started_on = start, started_on
    audit.record("start", actor=actor, patient_id=patient.id, object_type=PLAN, object_id=plan.id)
    timeline.record_change(
        actor, patient.id, PART, PLAN, plan.id,
        summary=(f"{plan.activity} started: start quota {rules.amount(start, plan.unit)} "
                 f"({round(plan.start_fraction * 100)} % of the baseline mean "
                 f"{rules.amount(round(baseline.mean, 1), plan.unit)})"),
        changes={"started_on": (None, started_on), "start_quota": (None, start)},
    )
    _commit(plan)
    return plan


# Logging sessions and next-day answers ----------------------------------------------------------

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


# Quota decisions --------------------------------------------------------------------------------

def suggestion(actor: User, patient_id: int, plan_id: int) -> PlanProgress:
    """The plan's state with the engine's suggestion (None unless the plan is active)."""
    patient = authorize(actor, patient_id, PART, Action.READ, object_type=PLAN, object_id=plan_id)
    progress = progress_of(load_plan(patient.id, plan_id), clock.today())
    audit.record("read", actor=actor, patient_id=patient.id, object_type=PLAN, object_id=plan_id)
    db.session.commit()
    return progress


def decide(actor: User, patient_id: int, plan_id: int, *, version: int, accept: bool, quota: float,
           reason: str = "") -> QuotaDecision:
    """Accept the engine's suggestion (`quota` is the one the clinician saw) or override it
    with another quota and a reason. Either sets today's quota."""
    patient = authorize(actor, patient_id, PART, Action.WRITE, object_type=DECISION, object_id=plan_id)
    plan = load_plan(patient.id, plan_id)
    _check_version(plan, version)
    progress = progress_of(plan, clock.today())
    if progress.status != PlanStatus.ACTIVE:
        raise InvalidInput({"_": "Only an active plan's quota can be decided."})
    suggested, reason = progress.suggestion, (reason or "").strip()
    if accept and quota != suggested.quota:
        raise _conflict(patient.id, plan.id, "The suggestion changed in the meantime. Look at the new one.")
    if not accept:
        _check_override(plan, quota, reason)
    decision = QuotaDecision(plan=plan, suggested_quota=suggested.quota, suggestion=suggested.kind.value,
                             quota=quota, reason=reason, decided_by_id=actor.id)
    db.session.add(decision)
    flag_modified(plan, "activity")  # a decision changes the plan: bump its version
    db.session.flush()
    audit.record("create", actor=actor, patient_id=patient.id, object_type=DECISION, object_id=decision.id)
    timeline.record_change(actor, patient.id, PART, DECISION, decision.id,
                           summary=_decision_summary(plan, progress.current_quota, suggested, quota, accept),
                           reason=reason, changes={"quota": (progress.current_quota, quota)})
    _commit(plan)
    return decision


def _check_override(plan: GradedActivityPlan, quota: float, reason: str) -> None:
    problems = {}
    problem = rules.amount_problem(quota, plan.unit)
    if problem:
        problems["quota"] = problem
    elif quota > plan.goal_value:
        problems["quota"] = f"Keep the quota at or below the goal of {rules.amount(plan.goal_value, plan.unit)}."
    if not reason:
        problems["reason"] = "Say why you chose a different quota than the suggestion."
    if problems:
        raise InvalidInput(problems)


def _decision_summary(plan: GradedActivityPlan, current: float, suggested: Suggestion, quota: float,
                      accept: bool) -> str:
    change = f"{plan.activity} quota: {rules.number(current)} → {rules.amount(quota, plan.unit)}"
    label = rules.SUGGESTION_LABELS[SuggestionKind(suggested.kind)].lower()
    if accept:
        return f"{change} (suggestion accepted: {label})"
    return f"{change} (override; the suggestion was {label} to {rules.amount(suggested.quota, plan.unit)})"
