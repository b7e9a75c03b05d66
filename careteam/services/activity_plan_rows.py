"""A patient's graded-activity plans with their logs and quota decisions as plain rows, for reads
that judge every plan (the dashboard, the handover summary, the plan list, FHIR). Prebuilt
column statements instead of entities with two `selectinload`s: the same statements, without the
ORM's work per statement and per object. Pages that change a plan keep the entity (`load_plan`).

The rows carry the attribute names of the models, so `progress_of` judges either.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from careteam.models import ActivityLog, GradedActivityPlan, QuotaDecision
from careteam.queries import PATIENT_ID, grouped, rows


@dataclass(frozen=True)
class LogRow:
    id: int
    performed_on: date
    is_baseline: bool
    quota: float | None
    done: float
    next_day_response: str | None
    flare: bool
    created_at: datetime


@dataclass(frozen=True)
class DecisionRow:
    id: int
    suggestion: str
    suggested_quota: float
    quota: float
    reason: str
    decided_at: datetime


@dataclass(frozen=True)
class PlanRow:
    id: int
    patient_id: int
    activity: str
    unit: str
    mode: str
    start_fraction: float
    increment: float
    increment_every: str
    goal_value: float
    goal_date: date | None
    start_quota: float | None
    started_on: date | None
    ended_on: date | None
    version: int
    logs: tuple[LogRow, ...]  # as the model orders them: by day, then id
    decisions: tuple[DecisionRow, ...]  # oldest first


PLANS = (
    select(GradedActivityPlan.id, GradedActivityPlan.patient_id, GradedActivityPlan.activity, GradedActivityPlan.unit,
           GradedActivityPlan.mode, GradedActivityPlan.start_fraction, GradedActivityPlan.increment,
           GradedActivityPlan.increment_every, GradedActivityPlan.goal_value, GradedActivityPlan.goal_date,
           GradedActivityPlan.start_quota, GradedActivityPlan.started_on, GradedActivityPlan.ended_on,
           GradedActivityPlan.version)
    .where(GradedActivityPlan.patient_id == PATIENT_ID)
    .order_by(GradedActivityPlan.ended_on.is_not(None), GradedActivityPlan.id.desc())
)
LOGS = (
    select(ActivityLog.plan_id, ActivityLog.id, ActivityLog.performed_on, ActivityLog.is_baseline, ActivityLog.quota,
           ActivityLog.done, ActivityLog.next_day_response, ActivityLog.flare, ActivityLog.created_at)
    .join(GradedActivityPlan, GradedActivityPlan.id == ActivityLog.plan_id)
    .where(GradedActivityPlan.patient_id == PATIENT_ID)
    .order_by(ActivityLog.performed_on, ActivityLog.id)
)
DECISIONS = (
    select(QuotaDecision.plan_id, QuotaDecision.id, QuotaDecision.suggestion, QuotaDecision.suggested_quota,
           QuotaDecision.quota, QuotaDecision.reason, QuotaDecision.decided_at)
    .join(GradedActivityPlan, GradedActivityPlan.id == QuotaDecision.plan_id)
    .where(GradedActivityPlan.patient_id == PATIENT_ID)
    .order_by(QuotaDecision.decided_at, QuotaDecision.id)
)


def plan_rows(patient_id: int) -> list[PlanRow]:
    """Every plan of the patient, running ones first, newest first within each; one statement
    without plans, three with."""
    plans = rows(PLANS, patient_id=patient_id)
    if not plans:
        return []
    logs = grouped(LOGS, LogRow, patient_id=patient_id)
    decisions = grouped(DECISIONS, DecisionRow, patient_id=patient_id)
    return [PlanRow(*plan, tuple(logs[plan.id]), tuple(decisions[plan.id])) for plan in plans]
