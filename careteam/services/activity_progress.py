"""A graded-activity plan's state, judged from its loaded logs and decisions: status, today's
quota, the schedule, the engine's suggestion, the open next-day question, and the done-against-
quota chart. What pages, the API, the dashboard and the PDF show. No access checks here: callers
(careteam.services.graded_activity, the dashboard, the summary) authorize and audit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from careteam.domain import graded_activity as rules
from careteam.domain.graded_activity import Baseline, Schedule, Suggestion
from careteam.domain.vocabulary import ActivityMode, IncrementEvery, NextDayResponse
from careteam.extensions import db
from careteam.models import ActivityLog, GradedActivityPlan, QuotaDecision
from careteam.services import clock
from careteam.services.activity_plan_rows import DecisionRow, PlanRow, plan_rows
from careteam.services.errors import NotFound
from careteam.summary.charts import LineChart, Series, render_line_chart


class PlanStatus(StrEnum):
    BASELINE = "baseline"  # collecting baseline sessions
    READY = "ready"  # baseline complete, not started
    ACTIVE = "active"
    ENDED = "ended"


STATUS_LABELS = {
    PlanStatus.BASELINE: "Baseline",
    PlanStatus.READY: "Ready to start",
    PlanStatus.ACTIVE: "Active",
    PlanStatus.ENDED: "Ended",
}


@dataclass(frozen=True)
class ActivityPoint:
    performed_on: date
    quota: float | None  # None for a baseline session
    done: float


@dataclass(frozen=True)
class NextDayQuestion:
    """The next-day question still open for the latest quota session."""

    log_id: int
    performed_on: date
    quota: float
    phrase: str  # "12 minutes of walking"


@dataclass(frozen=True)
class PlanProgress:
    """One plan's state at a glance: what pages, the API, the dashboard and the PDF show."""

    plan_id: int
    patient_id: int
    activity: str
    unit: str
    mode: str
    increment: float
    increment_every: str
    goal_value: float
    goal_date: date | None
    start_fraction: float
    start_quota: float | None  # the computed one for a plan that is ready but not started
    started_on: date | None
    ended_on: date | None
    version: int
    status: str
    baseline: Baseline
    current_quota: float | None  # today's quota; None until started
    current_step: int | None  # the schedule step today's quota has reached
    points: tuple[ActivityPoint, ...]  # baseline and quota sessions, oldest first
    schedule: Schedule | None  # a preview from today for a plan that is ready
    suggestion: Suggestion | None  # for active plans
    question: NextDayQuestion | None
    decisions: tuple[QuotaDecision | DecisionRow, ...] = field(default=(), repr=False)

    @property
    def quota_sessions(self) -> tuple[ActivityPoint, ...]:
        return tuple(p for p in self.points if p.quota is not None)


@dataclass(frozen=True)
class TodayQuota:
    """For the patient's Today page: one active plan's quota and its open question."""

    patient_id: int
    plan_id: int
    activity: str
    unit: str
    quota: float
    phrase: str  # "12 minutes of walking"
    on: date  # the day this is for
    done_today: float | None  # what was logged for today, if anything
    question: NextDayQuestion | None
    # A higher quota the engine suggests: it waits for the physiotherapist's decision, and the
    # patient is told so (else a "yes, back to my usual" seems to change nothing).
    waiting_step: str | None = None  # "14 minutes"


def plans_query(patient_id: int):
    return (
        select(GradedActivityPlan)
        .where(GradedActivityPlan.patient_id == patient_id)
        .options(selectinload(GradedActivityPlan.logs), selectinload(GradedActivityPlan.decisions))
        .order_by(GradedActivityPlan.ended_on.is_not(None), GradedActivityPlan.id.desc())
    )


def load_plan(patient_id: int, plan_id: int, *, with_people: bool = False) -> GradedActivityPlan:
    stmt = plans_query(patient_id).where(GradedActivityPlan.id == plan_id)
    if with_people:
        stmt = stmt.options(selectinload(GradedActivityPlan.decisions).selectinload(QuotaDecision.decided_by))
    plan = db.session.scalar(stmt.execution_options(populate_existing=True))
    if plan is None:
        raise NotFound()
    return plan


def local_day(moment: datetime) -> date:
    return moment.astimezone(clock.zone()).date()


def _latest_decision(plan: GradedActivityPlan) -> QuotaDecision | None:
    return max(plan.decisions, key=lambda d: (d.decided_at, d.id), default=None)


def _rules(plan: GradedActivityPlan, start_quota: float, started_on: date | None) -> rules.Rules:
    return rules.Rules(
        mode=ActivityMode(plan.mode), unit=plan.unit, start_quota=start_quota, increment=plan.increment,
        increment_every=IncrementEvery(plan.increment_every), goal_value=plan.goal_value,
        goal_date=plan.goal_date, started_on=started_on,
    )


def _quota_logs(plan: GradedActivityPlan) -> list[ActivityLog]:
    return sorted((log for log in plan.logs if not log.is_baseline), key=lambda log: (log.performed_on, log.id))


def _status(plan: GradedActivityPlan, baseline: Baseline) -> str:
    if plan.ended_on is not None:
        return PlanStatus.ENDED
    if plan.started_on is not None:
        return PlanStatus.ACTIVE
    return PlanStatus.READY if baseline.ready else PlanStatus.BASELINE


def _quota_set_on(plan: GradedActivityPlan) -> date:
    latest = _latest_decision(plan)
    return local_day(latest.decided_at) if latest else plan.started_on


def _suggestion(plan: GradedActivityPlan, plan_rules: rules.Rules, current: float, today: date) -> Suggestion:
    latest = _latest_decision(plan)
    since = [log for log in _quota_logs(plan) if latest is None or log.created_at > latest.decided_at]
    sessions = [
        rules.QuotaSession(log.performed_on, log.quota, log.done,
                           NextDayResponse(log.next_day_response) if log.next_day_response else None, log.flare)
        for log in since
    ]
    return rules.suggest(plan_rules, current, _quota_set_on(plan), sessions, today)


def _question(plan: GradedActivityPlan, today: date) -> NextDayQuestion | None:
    """Ask about the latest session before today, if it has no answer yet (a session logged
    today is asked about tomorrow and does not hide yesterday's question)."""
    logs = [log for log in _quota_logs(plan) if log.performed_on < today]
    last = logs[-1] if logs else None
    if last is None or last.next_day_response or last.flare:
        return None
    return NextDayQuestion(last.id, last.performed_on, last.quota,
                           rules.quota_phrase(last.quota, plan.unit, plan.activity))


def progress_of(plan: GradedActivityPlan | PlanRow, today: date) -> PlanProgress:
    """Judge one plan whose logs and decisions are loaded (an entity or plain rows). No queries,
    no access check."""
    baseline = rules.baseline([log.done for log in plan.logs if log.is_baseline])
    status = _status(plan, baseline)
    start_quota, current, current_step, schedule, suggestion = plan.start_quota, None, None, None, None
    if status == PlanStatus.READY:
        start_quota, schedule = _preview(plan, baseline, today)
    elif plan.started_on is not None:
        current, current_step, schedule, suggestion = _running(plan, status, today)
    points = tuple(ActivityPoint(log.performed_on, None if log.is_baseline else log.quota, log.done)
                   for log in sorted(plan.logs, key=lambda log: (log.performed_on, not log.is_baseline, log.id)))
    return PlanProgress(
        plan_id=plan.id, patient_id=plan.patient_id, activity=plan.activity, unit=plan.unit, mode=plan.mode,
        increment=plan.increment, increment_every=plan.increment_every, goal_value=plan.goal_value,
        goal_date=plan.goal_date, start_fraction=plan.start_fraction, start_quota=start_quota,
        started_on=plan.started_on, ended_on=plan.ended_on, version=plan.version, status=status,
        baseline=baseline, current_quota=current, current_step=current_step, points=points,
        schedule=schedule, suggestion=suggestion,
        question=_question(plan, today) if status == PlanStatus.ACTIVE else None,
        decisions=tuple(plan.decisions),
    )


def _preview(plan: GradedActivityPlan, baseline: Baseline, today: date) -> tuple[float, Schedule | None]:
    """The start quota a ready plan would get, and its schedule if it were started today."""
    start_quota = rules.start_quota(baseline.mean, plan.start_fraction, plan.unit)
    if rules.start_problem(start_quota, plan.goal_value, plan.unit):
        return start_quota, None
    return start_quota, rules.schedule(_rules(plan, start_quota, today), today)


def _running(plan: GradedActivityPlan, status: str, today: date):
    """Today's quota, its schedule step, the schedule and (while active) the suggestion."""
    latest = _latest_decision(plan)
    current = latest.quota if latest else plan.start_quota
    plan_rules = _rules(plan, plan.start_quota, plan.started_on)
    schedule = rules.schedule(plan_rules, today, current=current, quota_set_on=_quota_set_on(plan),
                              sessions=[(log.performed_on, log.quota) for log in _quota_logs(plan)])
    suggestion = _suggestion(plan, plan_rules, current, today) if status == PlanStatus.ACTIVE else None
    return current, rules.position(plan_rules, current), schedule, suggestion


def activity_progress(patient_id: int) -> list[PlanProgress]:
    """Every plan of a patient with its baseline, today's quota, done vs quota and the next
    suggestion; active plans first. Three prebuilt statements however many logs (one without
    plans). The caller has authorized the reader and audits the read."""
    today = clock.today()
    return [progress_of(plan, today) for plan in plan_rows(patient_id)]


def _waiting_step(progress: PlanProgress) -> str | None:
    suggestion = progress.suggestion
    if suggestion is None or progress.current_quota is None or suggestion.quota <= progress.current_quota:
        return None
    return rules.amount(suggestion.quota, progress.unit)


def today_quota(patient_id: int) -> list[TodayQuota]:
    """Today's quota of each active plan, with the next-day question if one is open. Three
    queries. The caller has authorized the reader and audits the read."""
    today = clock.today()
    result = []
    for progress in activity_progress(patient_id):
        if progress.status != PlanStatus.ACTIVE:
            continue
        done_today = [p.done for p in progress.quota_sessions if p.performed_on == today]
        result.append(TodayQuota(
            patient_id=patient_id, plan_id=progress.plan_id, activity=progress.activity, unit=progress.unit,
            quota=progress.current_quota,
            phrase=rules.quota_phrase(progress.current_quota, progress.unit, progress.activity), on=today,
            done_today=sum(done_today) if done_today else None, question=progress.question,
            waiting_step=_waiting_step(progress),
        ))
    return result


def progress_chart(progress: PlanProgress) -> Markup | None:
    """Done (solid) against quota (dashed) per session, baseline sessions first; None when
    nothing is logged yet."""
    if not progress.points:
        return None
    done = [p.done for p in progress.points]
    top = max([progress.goal_value, *done])
    tick = _tick(top)
    y_max = tick * -(-top // tick)
    unit = rules.UNIT_WORDS[rules.ActivityUnit(progress.unit)][1]
    return render_line_chart(LineChart(
        title=f"{progress.activity}: done against quota",
        description=_chart_description(progress),
        x_labels=[rules.short_day(p.performed_on) for p in progress.points],
        series=[
            Series("Quota", [p.quota for p in progress.points], dashed=True, show_points=False),
            Series("Done", done),
        ],
        y_min=0, y_max=y_max, y_ticks=[tick * k for k in range(int(y_max // tick) + 1)],
        y_label=f"{unit.capitalize()} per session",
    ))


def _chart_description(progress: PlanProgress) -> str:
    sessions = (f"{progress.baseline.sessions} baseline and {len(progress.quota_sessions)} quota sessions, "
                f"in {rules.UNIT_WORDS[rules.ActivityUnit(progress.unit)][1]}")
    if progress.current_quota is None:
        return f"{sessions}; the plan has not started."
    return f"{sessions}; today's quota is {rules.amount(progress.current_quota, progress.unit)}."


def _tick(top: float) -> float:
    """The smallest round tick distance that needs at most eight grid lines up to `top`."""
    for tick in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10_000, 20_000):
        if top / tick <= 8:
            return tick
    return 25_000


def current_values(progress: PlanProgress) -> dict[str, Any]:
    """The plan as it is now, for a 409 answer."""
    suggestion = progress.suggestion
    return {
        "id": progress.plan_id, "version": progress.version, "activity": progress.activity,
        "unit": progress.unit, "mode": progress.mode, "start_fraction": progress.start_fraction,
        "increment": progress.increment, "increment_every": progress.increment_every,
        "goal_value": progress.goal_value,
        "goal_date": progress.goal_date.isoformat() if progress.goal_date else None,
        "start_quota": progress.start_quota,
        "started_on": progress.started_on.isoformat() if progress.started_on else None,
        "ended_on": progress.ended_on.isoformat() if progress.ended_on else None,
        "status": progress.status, "current_quota": progress.current_quota,
        "suggestion": None if suggestion is None else {
            "kind": suggestion.kind.value, "quota": suggestion.quota, "explanation": suggestion.explanation,
        },
    }
