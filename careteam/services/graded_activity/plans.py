"""Graded-activity plans: reading them, and creating, changing and starting them (the
physiotherapist or psychologist)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from careteam.domain import graded_activity as rules
from careteam.domain.policy import Action, Part
from careteam.domain.vocabulary import ActivityMode
from careteam.extensions import db
from careteam.models import GradedActivityPlan, Patient, User
from careteam.services import audit, clock, timeline
from careteam.services.access import authorize
from careteam.services.activity_progress import (
    PlanProgress,
    TodayQuota,
    activity_progress,
    load_plan,
    local_day,
    progress_of,
    today_quota,
)
from careteam.services.errors import InvalidInput
from careteam.services.graded_activity.versions import PART, PLAN, _check_version, _commit

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
