"""The domain range of every id, number, date and text that comes in, in one table.

Forms (careteam.web.forms.Form) and API input schemas (careteam.api.schemas.InputSchema) attach
these bounds to any field with one of these names, so a page, the API and the OpenAPI document
all say the same thing. Feature rules (a target below its baseline, a date in the future) stay
with their feature; these are the outer bounds nothing may cross.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from careteam.domain.dosing import DOSE_LIMITS, SESSION_LIMITS
from careteam.domain.exposure import SCALE_MAX, SCALE_MIN
from careteam.domain.goals import SCORE_MAX, SCORE_MIN
from careteam.domain.graded_activity import MAX_AMOUNT

# Every id is a PostgreSQL INTEGER (the same bound is used on SQLite): a larger number can name
# no row, and sending it to the database would fail there instead of answering 404 or 422.
ID_MIN, ID_MAX = 1, 2**31 - 1
# Versions of a plan or record are INTEGER columns too (0: "no version yet", e.g. a flare plan).
VERSION_MIN, VERSION_MAX = 0, 2**31 - 1
# Page numbers of an offset listing: far beyond any record, small enough for any OFFSET.
PAGE_MAX = 100_000
# Rows in one page of an API list: enough for a screen, small enough to bound one response.
LIST_LIMIT_DEFAULT, LIST_LIMIT_MAX = 50, 200

# An appointment lasts from a short call to a full day's assessment (minutes).
APPOINTMENT_MINUTES = (5, 480)

# Name -> inclusive (low, high). A field named so in a form or an input schema gets this range.
NUMBER_LIMITS: dict[str, tuple[float, float]] = {
    **DOSE_LIMITS,
    **SESSION_LIMITS,
    "version": (VERSION_MIN, VERSION_MAX),
    "based_on_version": (VERSION_MIN, VERSION_MAX),
    "page": (1, PAGE_MAX),
    "limit": (1, LIST_LIMIT_MAX),
    # functional goals (PSFS), check-in scales
    "score": (SCORE_MIN, SCORE_MAX),
    "baseline_score": (SCORE_MIN, SCORE_MAX),
    "target_score": (SCORE_MIN, SCORE_MAX),
    "rating": (-2, 2),
    "days_used": (0, 7),
    "flare_days": (0, 7),
    "sessions_done": (0, 50),
    # graded exposure (0-100 scales)
    "fear_rating": (SCALE_MIN, SCALE_MAX),
    "expectancy": (SCALE_MIN, SCALE_MAX),
    "expectancy_before": (SCALE_MIN, SCALE_MAX),
    "expectancy_after": (SCALE_MIN, SCALE_MAX),
    "fear_after": (SCALE_MIN, SCALE_MAX),
    # graded activity: the outer bound over every unit; UNIT_MAXIMUMS narrows it per unit
    "increment": (0, MAX_AMOUNT),
    "goal_value": (0, MAX_AMOUNT),
    "done": (0, MAX_AMOUNT),
    "quota": (0, MAX_AMOUNT),
    # a questionnaire answer: the outer bound; the instrument's own options decide
    "value": (-1000, 1000),
    "duration_minutes": APPOINTMENT_MINUTES,
    # a questionnaire repeats every N weeks, at most yearly
    "every_weeks": (1, 52),
}
# API token lifetime in days: the outer bound of the API's field; CARETEAM_API_TOKEN_MAX_DAYS
# narrows it with its own message (the form says "Choose between 1 and N days").
TOKEN_DAYS_LIMITS = (1, 3650)

# Doses and sessions are judged by domain.dosing with a message per field (same ranges): forms
# leave these to it, so that the message names the field in the person's words.
CHECKED_BY_DOSING = frozenset(DOSE_LIMITS) | frozenset(SESSION_LIMITS)

# Nothing in a care record happens before this day; a date in a plan is at most this far ahead.
EARLIEST_DATE = date(2000, 1, 1)
EARLIEST_BIRTH_DATE = date(1900, 1, 1)
YEARS_AHEAD = 5


def latest_date(today: date) -> date:
    """The last day a planned date (a goal's target, an appointment) may be."""
    return today + timedelta(days=365 * YEARS_AHEAD + 1)


# Dates that only filter a listing: any day of the century may be asked for.
FILTER_DATES = frozenset({"since", "until", "from_", "to"})
LATEST_FILTER_DATE = date(2099, 12, 31)
# Every date but a birth date is in this century: the OpenAPI document says so with a pattern.
CENTURY_DATE_PATTERN = r"^20[0-9]{2}-[0-9]{2}-[0-9]{2}$"


def date_bounds(name: str, today: date) -> tuple[date, date]:
    """Inclusive (earliest, latest) for a date field of that name."""
    if name == "date_of_birth":
        return EARLIEST_BIRTH_DATE, today
    if name in FILTER_DATES:
        return EARLIEST_DATE, LATEST_FILTER_DATE
    return EARLIEST_DATE, latest_date(today)


def date_problem(name: str, value: date, today: date) -> str | None:
    """Why a date is outside its window; None when it is inside."""
    low, high = date_bounds(name, today)
    if value > high and high == today:
        return "The date cannot be in the future."
    if not low <= value <= high:
        return f"Enter a date from {low.isoformat()} to {high.isoformat()}."
    return None


# C0 and C1 control characters, DEL included; tab, newline and carriage return are text.
_CONTROL_CLASS = "\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f"
_CONTROL = re.compile(f"[{_CONTROL_CLASS}]")
# The same rule as regular expressions (Python and ECMA alike), for the OpenAPI document:
# any text without control characters; and the same with at least one non-space character.
TEXT_PATTERN = f"^[^{_CONTROL_CLASS}]*$"
NONBLANK_TEXT_PATTERN = f"^[^{_CONTROL_CLASS}]*[^\\s{_CONTROL_CLASS}][^{_CONTROL_CLASS}]*$"
NONBLANK_MESSAGE = "Write something here."
CONTROL_MESSAGE = "Remove the control characters (such as NUL) from this text."


def has_control_characters(text: str) -> bool:
    return _CONTROL.search(text) is not None


def id_in_range(value: int) -> bool:
    return ID_MIN <= value <= ID_MAX


def is_id_name(name: str) -> bool:
    """Field names that carry ids of rows: `id`, `x_id`, `x_ids`."""
    return name == "id" or name.endswith("_id") or name.endswith("_ids")
