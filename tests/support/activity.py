"""Builders for graded-activity plans, written straight to the database (no audit, no timeline).
Call them inside an app context; each commits and returns ids, so nothing outlives its session."""

from __future__ import annotations

from datetime import date, timedelta

from careteam.extensions import db
from careteam.models import ActivityLog, GradedActivityPlan, QuotaDecision, utcnow
from careteam.services import clock


def add_plan(patient_id: int, created_by_id: int, *, activity: str = "Walking", unit: str = "minutes",
             mode: str = "symptom_guided", increment: float = 2, increment_every: str = "session",
             goal_value: float = 30, goal_date: date | None = None, start_fraction: float = 0.8,
             baseline: tuple[float, ...] = (), start_quota: float | None = None,
             started_on: date | None = None) -> int:
    """A plan, optionally with baseline sessions (the days before `started_on` or today) and started."""
    plan = GradedActivityPlan(patient_id=patient_id, created_by_id=created_by_id, activity=activity, unit=unit,
                              mode=mode, increment=increment, increment_every=increment_every,
                              goal_value=goal_value, goal_date=goal_date, start_fraction=start_fraction,
                              start_quota=start_quota, started_on=started_on)
    db.session.add(plan)
    db.session.flush()
    last_day = started_on or clock.today()
    for days_before, done in enumerate(reversed(baseline), start=1):
        db.session.add(ActivityLog(plan_id=plan.id, performed_on=last_day - timedelta(days=days_before),
                                   is_baseline=True, done=done, logged_by_id=created_by_id))
    db.session.commit()
    return plan.id


def add_started_plan(patient_id: int, created_by_id: int, *, start_quota: float = 12, started_days_ago: int = 10,
                     **settings) -> int:
    """A plan started `started_days_ago` at `start_quota`, with a baseline of mean 15."""
    return add_plan(patient_id, created_by_id, baseline=(14, 16, 15), start_quota=start_quota,
                    started_on=clock.today() - timedelta(days=started_days_ago), **settings)


def add_session(plan_id: int, logged_by_id: int, quota: float, *, done: float | None = None,
                days_ago: int = 1, response: str | None = None, flare: bool = False) -> int:
    log = ActivityLog(plan_id=plan_id, performed_on=clock.today() - timedelta(days=days_ago), is_baseline=False,
                      quota=quota, done=quota if done is None else done, next_day_response=response,
                      flare=flare, logged_by_id=logged_by_id, created_at=utcnow())
    db.session.add(log)
    db.session.commit()
    return log.id


def add_decision(plan_id: int, decided_by_id: int, quota: float, *, suggested_quota: float | None = None,
                 suggestion: str = "progress", reason: str = "") -> int:
    decision = QuotaDecision(plan_id=plan_id, suggested_quota=quota if suggested_quota is None else suggested_quota,
                             suggestion=suggestion, quota=quota, reason=reason, decided_by_id=decided_by_id,
                             decided_at=utcnow())
    db.session.add(decision)
    db.session.commit()
    return decision.id


def plan_version(plan_id: int) -> int:
    return db.session.get(GradedActivityPlan, plan_id).version
