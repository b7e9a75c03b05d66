"""Graded-activity quota decisions: the engine's suggestion, and the clinician accepting it or
choosing another quota with a reason."""

from __future__ import annotations

from sqlalchemy.orm.attributes import flag_modified

from careteam.domain import graded_activity as rules
from careteam.domain.graded_activity import Suggestion, SuggestionKind
from careteam.domain.policy import Action
from careteam.extensions import db
from careteam.models import GradedActivityPlan, QuotaDecision, User
from careteam.services import audit, clock, timeline
from careteam.services.access import authorize
from careteam.services.activity_progress import PlanProgress, PlanStatus, load_plan, progress_of
from careteam.services.errors import InvalidInput
from careteam.services.graded_activity.versions import DECISION, PART, PLAN, _check_version, _commit, _conflict


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
