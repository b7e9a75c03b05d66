"""Graded activity's baseline, start quota and schedule.

The schedule runs from the start quota in fixed increments toward the goal and ends exactly
on it: per week one step per ISO week, per session one step per logged quota session. Steps
reached carry the day they were first done; the steps ahead are projected from today's quota
at this pace, which tells whether the goal date is still reachable.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from careteam.domain.graded_activity.units import amount, number, round_to_step, short_day, unit_step
from careteam.domain.vocabulary import ActivityMode, IncrementEvery

MIN_BASELINE_SESSIONS = 3


# Baseline and start --------------------------------------------------------------------------

@dataclass(frozen=True)
class Baseline:
    sessions: int
    mean: float | None
    message: str

    @property
    def ready(self) -> bool:
        return self.sessions >= MIN_BASELINE_SESSIONS


def baseline(done: Sequence[float]) -> Baseline:
    """The mean of the baseline sessions, once there are enough of them."""
    count = len(done)
    if count < MIN_BASELINE_SESSIONS:
        missing = MIN_BASELINE_SESSIONS - count
        return Baseline(count, None, f"{missing} more baseline session{'s' if missing > 1 else ''} "
                                     f"needed (at least {MIN_BASELINE_SESSIONS}).")
    mean = sum(done) / count
    return Baseline(count, mean, f"Baseline mean of {count} sessions.")


def start_quota(baseline_mean: float, start_fraction: float, unit: str) -> float:
    step = unit_step(unit)
    return max(step, round_to_step(baseline_mean * start_fraction, step))


def start_problem(start: float, goal_value: float, unit: str) -> str | None:
    if start >= goal_value:
        return (f"The start quota would be {amount(start, unit)}, which already reaches the goal of "
                f"{amount(goal_value, unit)}. Raise the goal or lower the start fraction.")
    return None


# The schedule --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Rules:
    """A started plan's settings, as the schedule and the engine need them."""

    mode: ActivityMode
    unit: str
    start_quota: float
    increment: float
    increment_every: IncrementEvery
    goal_value: float
    goal_date: date | None = None
    started_on: date | None = None

    @property
    def per_week(self) -> bool:
        return self.increment_every == IncrementEvery.WEEK


def quotas(rules: Rules) -> list[float]:
    """Start quota, then one increment at a time, ending exactly on the goal."""
    count = max(0, math.ceil((rules.goal_value - rules.start_quota) / rules.increment - 1e-9))
    return [min(rules.goal_value, rules.start_quota + k * rules.increment) for k in range(count + 1)]


def step_up(rules: Rules, current: float) -> float:
    """The schedule step after `current` (never beyond the goal)."""
    return next((q for q in quotas(rules) if q > current), max(current, rules.goal_value))


def step_down(rules: Rules, current: float) -> float:
    """The schedule step below `current`, never below the start quota (the floor)."""
    below = [q for q in quotas(rules) if q < current]
    return below[-1] if below else rules.start_quota


def position(rules: Rules, current: float) -> int:
    """The index of the highest schedule step at or below `current` (0 below the start)."""
    return max((i for i, q in enumerate(quotas(rules)) if q <= current), default=0)


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class Step:
    number: int  # 0 is the start quota
    quota: float
    on: date | None  # reached: the day of the first session at it; ahead: the day it is due
    reached: bool


@dataclass(frozen=True)
class Schedule:
    steps: tuple[Step, ...]
    goal_on: date | None  # when the goal quota was or will be reached at this pace
    reachable: bool | None  # None: no goal date, or not started
    warning: str  # plain words when the goal date is out of reach at this pace; else ""


def schedule(
    rules: Rules,
    today: date,
    *,
    current: float | None = None,
    quota_set_on: date | None = None,
    sessions: Sequence[tuple[date, float]] = (),
) -> Schedule:
    """The steps from start to goal with their days, and whether the goal date is reachable.

    Steps up to today's quota (`current`, set on `quota_set_on`; default: the start) carry
    the day of the first quota session at them. The steps ahead are projected from here:
    per week, one a week from the Monday after the current quota was set (or this week, when
    that is overdue); per session, one a session at the pace of the logged sessions (the
    mean gap between them; with fewer than two, a session a day: the fastest the 24-hour
    rule allows). `sessions` are the logged quota sessions as (day, quota).
    """
    values = quotas(rules)
    if rules.started_on is None:
        return Schedule(tuple(Step(k, q, None, False) for k, q in enumerate(values)), None, None, "")
    current = rules.start_quota if current is None else current
    quota_set_on = quota_set_on or rules.started_on
    here, logged = position(rules, current), sorted(sessions)
    ahead, pace_words = _days_ahead(rules, len(values) - 1 - here, current, quota_set_on, logged, today)
    steps = tuple(
        Step(k, q, _reached_on(rules, k, q, quota_set_on, logged), True) if k <= here
        else Step(k, q, ahead[k - here - 1], False)
        for k, q in enumerate(values)
    )
    goal = steps[-1]
    if rules.goal_date is None:
        return Schedule(steps, goal.on, None, "")
    if goal.reached or goal.on <= rules.goal_date:
        return Schedule(steps, goal.on, True, "")
    return Schedule(steps, goal.on, False, _late_warning(rules, goal.on, pace_words))


def _reached_on(rules: Rules, index: int, quota: float, quota_set_on: date,
                logged: list[tuple[date, float]]) -> date:
    if index == 0:
        return rules.started_on
    return next((day for day, done_at in logged if done_at >= quota), quota_set_on)


def _days_ahead(rules: Rules, count: int, current: float, quota_set_on: date,
                logged: list[tuple[date, float]], today: date) -> tuple[list[date], str]:
    if rules.per_week:
        first = max(week_start(quota_set_on) + timedelta(weeks=1), week_start(today))
        return [first + timedelta(weeks=j) for j in range(count)], "one step a week"
    days = [day for day, _quota in logged]
    if len(days) >= 2:
        gap = max(1.0, (days[-1] - days[0]).days / (len(days) - 1))
        words = f"one step a session and a session about every {number(round(gap, 1))} days"
    else:
        gap, words = 1.0, "one step a session, even with a session every day"
    # The first session ahead is still at today's quota unless one was done since it was set.
    tried = any(day >= quota_set_on and quota >= current for day, quota in logged)
    next_session = max(days[-1] + timedelta(days=math.ceil(gap)) if days else rules.started_on, today)
    return [next_session + timedelta(days=math.ceil((j + (0 if tried else 1)) * gap)) for j in range(count)], words


def _late_warning(rules: Rules, goal_on: date, pace_words: str) -> str:
    when = f"in the week of {short_day(goal_on)}" if rules.per_week else f"around {short_day(goal_on)}"
    return (f"At {pace_words}, the goal of {amount(rules.goal_value, rules.unit)} is reached {when}, "
            f"after the goal date {short_day(rules.goal_date)}. Consider a larger increment or a later goal date.")


def visible_steps(count: int, current: int, limit: int = 12) -> list[int | None]:
    """Which step numbers a compact list shows: all of a short schedule; else the first two,
    the ones around the current step and the last two, with None where steps are left out."""
    if count <= limit:
        return list(range(count))
    keep = sorted({0, 1, current - 1, current, current + 1, count - 2, count - 1} & set(range(count)))
    shown: list[int | None] = []
    for index in keep:
        if shown and shown[-1] is not None and index > shown[-1] + 1:
            shown.append(None)
        shown.append(index)
    return shown
