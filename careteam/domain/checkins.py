"""Rules of the weekly check-in: ISO weeks, the edit window, the PEG score, value ranges and
which red flags an edit newly raises. Plain Python: the service passes today and the edit days."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from careteam.domain.vocabulary import RedFlag

WEEK = timedelta(days=7)
TEXT_LIMIT = 2000  # characters per free-text answer

# Flags for which the guidance is "call emergency services now", not "contact your physician today".
EMERGENCY_FLAGS = frozenset({
    RedFlag.BLADDER_OR_BOWEL_CHANGE,
    RedFlag.SADDLE_NUMBNESS,
    RedFlag.LEG_NUMBNESS_OR_WEAKNESS,
})

RED_FLAG_CODES = frozenset(flag.value for flag in RedFlag)
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


# --- Weeks and the edit window ------------------------------------------------------------

def week_start_of(day: date) -> date:
    """The Monday of the ISO week that holds `day`."""
    return day - timedelta(days=day.weekday())


def week_end(week_start: date) -> date:
    """The Sunday of the week."""
    return week_start + timedelta(days=6)


def is_week_start(day: date) -> bool:
    return day.weekday() == 0


def parse_week(text: str) -> date | None:
    """A `yyyy-mm-dd` date from a URL, or None when it is not one."""
    if not _ISO_DAY.match(text or ""):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def editable_until(week_start: date, edit_days: int) -> date:
    """The last day (inclusive) on which the patient may still change the week's check-in."""
    return week_end(week_start) + timedelta(days=edit_days)


def is_future_week(week_start: date, today: date) -> bool:
    return week_start > week_start_of(today)


def is_editable(week_start: date, today: date, edit_days: int) -> bool:
    """Open from the week's Monday until `edit_days` whole days after its Sunday."""
    return not is_future_week(week_start, today) and today <= editable_until(week_start, edit_days)


def fillable_weeks(today: date, edit_days: int) -> list[date]:
    """The weeks a patient may fill in today, newest first: this week and the still-open ones before."""
    weeks = []
    week = week_start_of(today)
    while is_editable(week, today, edit_days):
        weeks.append(week)
        week -= WEEK
    return weeks


# --- Scores ---------------------------------------------------------------------------------

def peg_score(pain_average: int, enjoyment_interference: int, activity_interference: int) -> float:
    """PEG: the mean of pain on average and its interference with enjoyment and with activity."""
    return round((pain_average + enjoyment_interference + activity_interference) / 3, 1)


# --- What a check-in holds, and its ranges ----------------------------------------------------

@dataclass(frozen=True)
class RatingEntry:
    intervention_id: int
    rating: int | None  # -2 made it much worse .. +2 helped a lot
    days_used: int | None = None


@dataclass(frozen=True)
class ExerciseEntry:
    prescription_id: int
    sessions_done: int


@dataclass(frozen=True)
class GoalEntry:
    goal_id: int
    score: int


@dataclass
class CheckinValues:
    """What the patient answers for one week; None is an unanswered question."""

    pain_average: int | None = None
    pain_worst: int | None = None
    enjoyment_interference: int | None = None
    activity_interference: int | None = None
    sleep_hours: float | None = None
    sleep_quality: int | None = None
    stress: int | None = None
    mood: int | None = None
    flare_days: int | None = None  # None: take the flare days recorded that week
    red_flags: list[str] = field(default_factory=list)
    ratings: list[RatingEntry] = field(default_factory=list)
    # Sessions done are counted from the exercise log; None: not asked (a stored count stays as it is).
    exercise_counts: list[ExerciseEntry] | None = field(default_factory=list)
    goal_scores: list[GoalEntry] = field(default_factory=list)
    helped_most: str = ""
    did_not_help: str = ""
    question: str = ""


REQUIRED_SCALES = ("pain_average", "pain_worst", "enjoyment_interference", "activity_interference")
OPTIONAL_SCALES = ("sleep_quality", "stress", "mood")
TEXT_FIELDS = ("helped_most", "did_not_help", "question")

MESSAGES = {
    "required": "Please choose a number from 0 to 10.",
    "scale": "Choose a number from 0 to 10.",
    "sleep_hours": "Enter hours from 0 to 24, in half hours (for example 6.5).",
    "flare_days": "Choose from 0 to 7 days.",
    "worst_below_average": "Your worst pain cannot be lower than your average pain.",
    "rating": "Choose from −2 (made it much worse) to +2 (helped a lot).",
    "rating_missing": "Choose how it worked, or leave the days empty.",
    "days_used": "Days used is a number from 0 to 7.",
    "sessions_done": "Enter a number of sessions from 0 to 50.",
    "goal_score": "Choose a score from 0 to 10.",
    "red_flags": "Choose only from the listed warning signs.",
    "twice": "Each one can be answered only once.",
    "text": f"Please keep this under {TEXT_LIMIT} characters.",
}


def rating_key(intervention_id: int) -> str:
    return f"rating_{intervention_id}"


def days_used_key(intervention_id: int) -> str:
    return f"days_used_{intervention_id}"


def sessions_done_key(prescription_id: int) -> str:
    return f"sessions_done_{prescription_id}"


def goal_score_key(goal_id: int) -> str:
    return f"goal_score_{goal_id}"


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def in_range(value, low: int, high: int) -> bool:
    return _whole(value) and low <= value <= high


def valid_sleep_hours(value) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return 0 <= value <= 24 and (value * 2) == int(value * 2)


def checkin_problems(values: CheckinValues) -> dict[str, str]:
    """Field name -> a message for the patient; empty when the check-in may be saved."""
    problems = _scale_problems(values)
    if values.sleep_hours is not None and not valid_sleep_hours(values.sleep_hours):
        problems["sleep_hours"] = MESSAGES["sleep_hours"]
    if values.flare_days is not None and not in_range(values.flare_days, 0, 7):
        problems["flare_days"] = MESSAGES["flare_days"]
    if any(code not in RED_FLAG_CODES for code in values.red_flags):
        problems["red_flags"] = MESSAGES["red_flags"]
    for name in TEXT_FIELDS:
        if len(getattr(values, name) or "") > TEXT_LIMIT:
            problems[name] = MESSAGES["text"]
    problems.update(_rating_problems(values.ratings))
    problems.update(_count_problems(values.exercise_counts or []))
    problems.update(_goal_problems(values.goal_scores))
    return problems


def _scale_problems(values: CheckinValues) -> dict[str, str]:
    problems: dict[str, str] = {}
    for name in REQUIRED_SCALES:
        value = getattr(values, name)
        if value is None:
            problems[name] = MESSAGES["required"]
        elif not in_range(value, 0, 10):
            problems[name] = MESSAGES["scale"]
    for name in OPTIONAL_SCALES:
        value = getattr(values, name)
        if value is not None and not in_range(value, 0, 10):
            problems[name] = MESSAGES["scale"]
    both_pains_valid = "pain_average" not in problems and "pain_worst" not in problems
    if both_pains_valid and values.pain_worst < values.pain_average:
        problems["pain_worst"] = MESSAGES["worst_below_average"]
    return problems


def _rating_problems(ratings: list[RatingEntry]) -> dict[str, str]:
    problems: dict[str, str] = {}
    if len({r.intervention_id for r in ratings}) < len(ratings):
        problems["ratings"] = MESSAGES["twice"]
    for entry in ratings:
        if entry.rating is None:
            problems[rating_key(entry.intervention_id)] = MESSAGES["rating_missing"]
        elif not in_range(entry.rating, -2, 2):
            problems[rating_key(entry.intervention_id)] = MESSAGES["rating"]
        if entry.days_used is not None and not in_range(entry.days_used, 0, 7):
            problems[days_used_key(entry.intervention_id)] = MESSAGES["days_used"]
    return problems


def _count_problems(counts: list[ExerciseEntry]) -> dict[str, str]:
    problems: dict[str, str] = {}
    if len({c.prescription_id for c in counts}) < len(counts):
        problems["exercise_counts"] = MESSAGES["twice"]
    for entry in counts:
        if not in_range(entry.sessions_done, 0, 50):
            problems[sessions_done_key(entry.prescription_id)] = MESSAGES["sessions_done"]
    return problems


def _goal_problems(scores: list[GoalEntry]) -> dict[str, str]:
    problems: dict[str, str] = {}
    if len({s.goal_id for s in scores}) < len(scores):
        problems["goal_scores"] = MESSAGES["twice"]
    for entry in scores:
        if not in_range(entry.score, 0, 10):
            problems[goal_score_key(entry.goal_id)] = MESSAGES["goal_score"]
    return problems


# --- "Same as last week" ------------------------------------------------------------------------

CARRY_OVER_WEEKS = 4  # "same as last week" offers a check-in at most this many weeks old
NEVER_CARRIED = frozenset({"red_flags"})  # safety questions are answered afresh every week


def carried_over(answered: dict[str, object], previous: dict[str, object]) -> dict[str, object]:
    """"Same as last week": last week's answer for each question left unanswered (None) this
    week. An answer given this week always wins; red flags are never carried over."""
    return {name: value for name, value in previous.items()
            if value is not None and answered.get(name) is None and name not in NEVER_CARRIED}


def offers_carry_over(previous_week: date | None, week_start: date) -> bool:
    """Whether a check-in of `previous_week` is recent enough to offer as "same as last week"."""
    return previous_week is not None and week_start - CARRY_OVER_WEEKS * WEEK <= previous_week < week_start


# --- Red flags ---------------------------------------------------------------------------------

def ordered_flags(codes: Iterable[str]) -> list[RedFlag]:
    """Known flags among `codes`, once each, in the order of the vocabulary."""
    chosen = set(codes)
    return [flag for flag in RedFlag if flag.value in chosen]


def newly_raised(previous: Iterable[str], current: Iterable[str]) -> list[RedFlag]:
    """Flags ticked now that were not ticked before: an edit keeping the same flags raises nothing."""
    before = set(previous)
    return [flag for flag in ordered_flags(current) if flag.value not in before]


def needs_emergency_care(flags: Iterable[str]) -> bool:
    return any(flag in EMERGENCY_FLAGS for flag in ordered_flags(flags))
