"""Graded activity (quota-based, operant): baseline, start quota, schedule and the next quota.

Units and rounding. Every unit has a step (UNIT_STEPS): whole minutes, whole reps, 10 metres,
100 steps. Increments, goals and quotas set by hand are whole multiples of that step. The
start quota is the start fraction of the baseline mean rounded to the nearest step (halves
round up), and at least one step.

The schedule runs from the start quota in fixed increments toward the goal and ends exactly
on it: per week one step per ISO week, per session one step per logged quota session. Steps
reached carry the day they were first done; the steps ahead are projected from today's quota
at this pace, which tells whether the goal date is still reachable.

The next quota moves one step at a time, and only once the current quota has been tried:
- `time_contingent` (classic operant): the next step is due after a session at the current
  quota (per session) or once a new ISO week has begun (per week), whatever the pain.
- `symptom_guided`: the 24-hour rule reads the next-day answer to the last session at the
  current quota: yes -> the next step (per week: once the week has turned); not yet -> repeat
  the quota; worse or a flare -> one step back; no answer yet -> hold and ask.

A step back goes to the schedule step below the current quota and never below the start
quota. The start quota is the floor because it was set below what the person already managed
at baseline: a flare is met by scaling down, never by stopping (the minimum non-negotiable).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from careteam.domain.vocabulary import ActivityMode, IncrementEvery, NextDayResponse, values

MIN_BASELINE_SESSIONS = 3
DEFAULT_START_FRACTION = 0.8
MIN_START_FRACTION, MAX_START_FRACTION = 0.5, 1.0
MAX_AMOUNT = 100_000  # far above any sensible quota: a typo guard
MAX_STEPS = 200  # a schedule longer than this is a typo in the increment


class ActivityUnit(StrEnum):
    MINUTES = "minutes"
    REPS = "reps"
    METRES = "metres"
    STEPS = "steps"


UNIT_STEPS: dict[ActivityUnit, int] = {
    ActivityUnit.MINUTES: 1,
    ActivityUnit.REPS: 1,
    ActivityUnit.METRES: 10,
    ActivityUnit.STEPS: 100,
}
# The most one session or one goal can hold in each unit: a day of minutes, a long walk.
UNIT_MAXIMUMS: dict[ActivityUnit, int] = {
    ActivityUnit.MINUTES: 24 * 60,
    ActivityUnit.REPS: 10_000,
    ActivityUnit.METRES: MAX_AMOUNT,
    ActivityUnit.STEPS: MAX_AMOUNT,
}
# (one, many)
UNIT_WORDS: dict[ActivityUnit, tuple[str, str]] = {
    ActivityUnit.MINUTES: ("minute", "minutes"),
    ActivityUnit.REPS: ("rep", "reps"),
    ActivityUnit.METRES: ("metre", "metres"),
    ActivityUnit.STEPS: ("step", "steps"),
}
UNIT_HINTS: dict[ActivityUnit, str] = {
    ActivityUnit.MINUTES: "whole minutes",
    ActivityUnit.REPS: "whole reps",
    ActivityUnit.METRES: "steps of 10 metres",
    ActivityUnit.STEPS: "steps of 100 steps",
}

MODE_LABELS = {
    ActivityMode.TIME_CONTINGENT: "Time-contingent",
    ActivityMode.SYMPTOM_GUIDED: "Symptom-guided",
}
MODE_HINTS = {
    ActivityMode.TIME_CONTINGENT: "quotas follow the schedule whatever the pain",
    ActivityMode.SYMPTOM_GUIDED: "the 24-hour rule decides: progress, repeat or step back",
}


class SuggestionKind(StrEnum):
    PROGRESS = "progress"
    HOLD = "hold"
    STEP_BACK = "step_back"
    SCHEDULE = "schedule"


SUGGESTION_LABELS = {
    SuggestionKind.PROGRESS: "Progress",
    SuggestionKind.HOLD: "Hold",
    SuggestionKind.STEP_BACK: "Step back",
    SuggestionKind.SCHEDULE: "Follow the schedule",
}


# Amounts and words ---------------------------------------------------------------------------

def unit_step(unit: str) -> int:
    return UNIT_STEPS[ActivityUnit(unit)]


def number(value: float) -> str:
    """12.0 -> "12", 12.5 -> "12.5", 1500 -> "1,500"."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.1f}"


def amount(value: float, unit: str) -> str:
    """"12 minutes", "1 minute", "1,500 steps"."""
    one, many = UNIT_WORDS[ActivityUnit(unit)]
    return f"{number(value)} {one if value == 1 else many}"


def quota_phrase(value: float, unit: str, activity: str) -> str:
    """"12 minutes of walking". The activity's first letter is lowered unless it starts an
    acronym ("TENS walk")."""
    text = activity.strip()
    if len(text) > 1 and not text[1].isupper():
        text = text[0].lower() + text[1:]
    return f"{amount(value, unit)} of {text}"


def short_day(value: date) -> str:
    return f"{value.day} {value:%b}"


def round_to_step(value: float, step: float) -> float:
    """Nearest multiple of `step`, halves up (the epsilon absorbs float noise like 0.8 × 15)."""
    return math.floor(value / step + 0.5 + 1e-9) * step


# Validation ----------------------------------------------------------------------------------

def unit_maximum(unit: str) -> int:
    """The most an amount in this unit may be (MAX_AMOUNT for a unit not known)."""
    try:
        return UNIT_MAXIMUMS[ActivityUnit(unit)]
    except ValueError:
        return MAX_AMOUNT


def amount_problem(value: float | None, unit: str, what: str = "") -> str | None:
    """Why this amount is not a usable quota, increment or goal; None when it is."""
    if value is None:
        return "Enter an amount."
    if value <= 0:
        return "Enter an amount above zero."
    most = unit_maximum(unit)
    if value > most:
        return f"Enter at most {number(most)}."
    step = unit_step(unit)
    if abs(value / step - round(value / step)) > 1e-9:
        return f"Use {UNIT_HINTS[ActivityUnit(unit)]}{what}."
    return None


def plan_problems(
    *,
    activity: str,
    unit: str,
    mode: str,
    start_fraction: float,
    increment: float,
    increment_every: str,
    goal_value: float,
    goal_date: date | None,
    today: date,
    check_goal_date: bool = True,
) -> dict[str, str]:
    """Field -> message for everything wrong with a plan's settings; {} when it is fine.

    `check_goal_date` is off when an edit keeps the goal date it had (it may have passed)."""
    problems: dict[str, str] = {}
    if not activity.strip():
        problems["activity"] = "Name the activity, for example walking."
    elif len(activity.strip()) > 200:
        problems["activity"] = "Keep the activity under 200 characters."
    if unit not in UNIT_STEPS:
        problems["unit"] = "Choose minutes, reps, metres or steps."
        return problems  # the amounts below are judged in the unit
    if mode not in values(ActivityMode):
        problems["mode"] = "Choose time-contingent or symptom-guided."
    if increment_every not in values(IncrementEvery):
        problems["increment_every"] = "Choose per session or per week."
    if not MIN_START_FRACTION <= start_fraction <= MAX_START_FRACTION:
        problems["start_fraction"] = "Start between 50 % and 100 % of the baseline."
    for field, value in (("increment", increment), ("goal_value", goal_value)):
        problem = amount_problem(value, unit)
        if problem:
            problems[field] = problem
    if "increment" not in problems and "goal_value" not in problems:
        if increment >= goal_value:
            problems["increment"] = "Make the increment smaller than the goal."
        elif math.ceil(goal_value / increment) > MAX_STEPS:
            problems["increment"] = f"That makes more than {MAX_STEPS} steps; use a larger increment."
    if check_goal_date and goal_date is not None and goal_date < today:
        problems["goal_date"] = "The goal date cannot be in the past."
    return problems


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


# The next quota ------------------------------------------------------------------------------

@dataclass(frozen=True)
class QuotaSession:
    """A quota session logged since the current quota was set."""

    performed_on: date
    quota: float
    done: float
    next_day: NextDayResponse | None = None
    flare: bool = False


@dataclass(frozen=True)
class Suggestion:
    kind: SuggestionKind
    quota: float
    current: float
    explanation: str

    @property
    def changes(self) -> bool:
        return self.quota != self.current


def suggest(
    rules: Rules,
    current: float,
    quota_set_on: date,
    sessions: Sequence[QuotaSession],
    today: date,
) -> Suggestion:
    """The engine: the next quota for a started plan, with the reason in plain words.

    `current` is today's quota, set on `quota_set_on` (the start or the latest decision);
    `sessions` are the quota sessions logged since then, oldest first.
    """
    if rules.mode == ActivityMode.SYMPTOM_GUIDED:
        return _symptom_guided(rules, current, quota_set_on, sessions, today)
    return _time_contingent(rules, current, quota_set_on, sessions, today)


def _week_turned(quota_set_on: date, today: date) -> bool:
    return week_start(today) > week_start(quota_set_on)


def _not_due_yet(rules: Rules, current: float, quota_set_on: date, lead: str) -> Suggestion:
    upcoming = amount(step_up(rules, current), rules.unit)
    if rules.per_week:
        due = short_day(week_start(quota_set_on) + timedelta(weeks=1))
        text = f"{lead}The next step, to {upcoming}, is due from Monday {due}."
    else:
        text = f"{lead}The next step, to {upcoming}, follows a session at {amount(current, rules.unit)}."
    return Suggestion(SuggestionKind.HOLD, current, current, text)


def _goal_reached(rules: Rules, current: float) -> Suggestion:
    return Suggestion(SuggestionKind.HOLD, current, current,
                      f"The goal of {amount(rules.goal_value, rules.unit)} is reached: keep it.")


def _time_contingent(rules, current, quota_set_on, sessions, today) -> Suggestion:
    if current >= rules.goal_value:
        return _goal_reached(rules, current)
    due = _week_turned(quota_set_on, today) if rules.per_week else bool(sessions)
    if not due:
        return _not_due_yet(rules, current, quota_set_on, "")
    following = step_up(rules, current)
    pace = "a new week has begun" if rules.per_week else f"a session at {amount(current, rules.unit)} is done"
    return Suggestion(
        SuggestionKind.SCHEDULE, following, current,
        f"Time-contingent: {pace}, so the quota follows the schedule to "
        f"{amount(following, rules.unit)}, whatever the pain.",
    )


def _symptom_guided(rules, current, quota_set_on, sessions, today) -> Suggestion:
    unit = rules.unit
    if not sessions:
        return Suggestion(SuggestionKind.HOLD, current, current,
                          f"No session at {amount(current, unit)} yet: the 24-hour rule decides after the next one.")
    last = sessions[-1]
    session_words = f"the session on {short_day(last.performed_on)} ({amount(last.quota, unit)})"
    if last.next_day is None and not last.flare:
        return Suggestion(SuggestionKind.HOLD, current, current,
                          f"Waiting for the next-day answer to {session_words}: hold the quota and ask "
                          "whether they were back to their usual level within 24 hours.")
    if last.flare or last.next_day == NextDayResponse.WORSE:
        return _step_back(rules, current, session_words, last.flare)
    if last.next_day == NextDayResponse.NOT_YET:
        return Suggestion(SuggestionKind.HOLD, current, current,
                          f"Not yet back to the usual level the day after {session_words}: "
                          f"repeat {amount(current, unit)}.")
    if current >= rules.goal_value:
        return _goal_reached(rules, current)
    lead = f"Back to the usual level within 24 hours after {session_words}. "
    if rules.per_week and not _week_turned(quota_set_on, today):
        return _not_due_yet(rules, current, quota_set_on, lead)
    following = step_up(rules, current)
    return Suggestion(SuggestionKind.PROGRESS, following, current,
                      f"{lead}Progress to {amount(following, unit)}.")


def _step_back(rules: Rules, current: float, session_words: str, flare: bool) -> Suggestion:
    what = "A flare" if flare else "Worse"
    lower = step_down(rules, current)
    if lower >= current:
        text = (f"{what} the day after {session_words}. The quota is at the start quota, the floor: "
                f"keep {amount(current, rules.unit)} and talk it through with the physiotherapist.")
        return Suggestion(SuggestionKind.STEP_BACK, current, current, text)
    return Suggestion(SuggestionKind.STEP_BACK, lower, current,
                      f"{what} the day after {session_words}: one step back to "
                      f"{amount(lower, rules.unit)}, and the physiotherapist is told.")
