"""Graded activity's units and amounts: steps and rounding, amounts in words, and which plan
settings are allowed.

Units and rounding. Every unit has a step (UNIT_STEPS): whole minutes, whole reps, 10 metres,
100 steps. Increments, goals and quotas set by hand are whole multiples of that step. The
start quota is the start fraction of the baseline mean rounded to the nearest step (halves
round up), and at least one step.
"""

from __future__ import annotations

import math
from datetime import date
from enum import StrEnum

from careteam.domain.vocabulary import ActivityMode, IncrementEvery, values

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
