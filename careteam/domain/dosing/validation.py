"""Which values a dose, a logged session or a next-day answer may have, and on which days."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from careteam.domain.vocabulary import Side, values

# Inclusive ranges: the same numbers as the CHECK constraints on exercise_doses / _sessions.
DOSE_LIMITS: dict[str, tuple[int, int]] = {
    "sets": (1, 20),
    "reps": (1, 200),
    "hold_seconds": (0, 600),
    "load_kg": (0, 500),
    "rest_seconds": (0, 900),
    "sessions_per_week": (1, 21),
    "target_effort": (0, 10),
}
SESSION_LIMITS: dict[str, tuple[int, int]] = {
    "sets_done": (0, 50),
    "reps_done": (0, 1000),
    "pain_before": (0, 10),
    "pain_after": (0, 10),
}
NAME_LENGTH = 200
EQUIPMENT_LENGTH = 200
BAND_LENGTH = 40
INSTRUCTIONS_LENGTH = 5000
REASON_LENGTH = 2000
LOG_DAYS_BACK = 7  # a session may be logged up to a week late
ANSWER_DAYS_BACK = 3  # the next-day question stays open this many days after the session
EFFECTIVE_DAYS_AHEAD = 60  # a dose may be planned this far ahead


def _in_range(errors: dict[str, str], values: Mapping[str, Any], name: str, label: str,
              limits: Mapping[str, tuple[int, int]], required: bool) -> None:
    value = values.get(name)
    low, high = limits[name]
    if value is None:
        if required:
            errors[name] = f"Enter {label}."
        return
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        errors[name] = f"{label[0].upper()}{label[1:]} must be between {low} and {high}."


def dose_problems(dose: Mapping[str, Any], today: date, current_effective_from: date | None = None
                  ) -> dict[str, str]:
    """Field messages for a new dose; empty when it may be saved. `reason` is required."""
    errors: dict[str, str] = {}
    for name, label, required in (
        ("sets", "the number of sets", True),
        ("reps", "the number of repetitions", True),
        ("hold_seconds", "the hold in seconds", False),
        ("load_kg", "the load in kg", False),
        ("rest_seconds", "the rest in seconds", False),
        ("sessions_per_week", "the sessions per week", True),
        ("target_effort", "the target effort", False),
    ):
        _in_range(errors, dose, name, label, DOSE_LIMITS, required)
    band = dose.get("load_band") or ""
    if dose.get("load_kg") is not None and band.strip():
        errors["load_band"] = "Give the load in kg or as a band, not both."
    elif len(band) > BAND_LENGTH:
        errors["load_band"] = f"Keep the band to {BAND_LENGTH} characters."
    reason = (dose.get("reason") or "").strip()
    if not reason:
        errors["reason"] = "Say why the dose is set or changed."
    elif len(reason) > REASON_LENGTH:
        errors["reason"] = f"Keep the reason to {REASON_LENGTH} characters."
    errors.update(_effective_from_problems(dose.get("effective_from"), today, current_effective_from))
    return errors


def _effective_from_problems(effective_from: date | None, today: date, current: date | None) -> dict[str, str]:
    if effective_from is None:
        return {"effective_from": "Enter the date the dose starts."}
    if current is not None and effective_from < current:
        return {"effective_from": f"A new dose cannot start before the current one ({current:%-d %b %Y})."}
    if effective_from > today + timedelta(days=EFFECTIVE_DAYS_AHEAD):
        return {"effective_from": f"Plan at most {EFFECTIVE_DAYS_AHEAD} days ahead."}
    return {}


def prescription_problems(details: Mapping[str, Any]) -> dict[str, str]:
    """Field messages for an exercise's descriptive fields (name, instructions, side, equipment)."""
    errors: dict[str, str] = {}
    name = (details.get("name") or "").strip()
    if not name:
        errors["name"] = "Name the exercise."
    elif len(name) > NAME_LENGTH:
        errors["name"] = f"Keep the name to {NAME_LENGTH} characters."
    if len(details.get("instructions") or "") > INSTRUCTIONS_LENGTH:
        errors["instructions"] = f"Keep the instructions to {INSTRUCTIONS_LENGTH} characters."
    if details.get("side") not in values(Side):
        errors["side"] = "Choose a side."
    if len(details.get("equipment") or "") > EQUIPMENT_LENGTH:
        errors["equipment"] = f"Keep the equipment to {EQUIPMENT_LENGTH} characters."
    return errors


def end_problems(ended_on: date | None, started_on: date, today: date, reason: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if ended_on is None:
        errors["ended_on"] = "Enter the date the exercise ends."
    elif ended_on < started_on:
        errors["ended_on"] = f"The exercise started on {started_on:%-d %b %Y}; it cannot end before that."
    elif ended_on > today:
        errors["ended_on"] = "An exercise cannot end in the future."
    if not (reason or "").strip():
        errors["reason"] = "Say why the exercise ends."
    elif len(reason) > REASON_LENGTH:
        errors["reason"] = f"Keep the reason to {REASON_LENGTH} characters."
    return errors


def is_active_on(day: date, started_on: date, ended_on: date | None) -> bool:
    """An exercise runs from its first dose's date until (not including) the day it ended."""
    return started_on <= day and (ended_on is None or day < ended_on)


def session_problems(session: Mapping[str, Any], today: date, started_on: date, ended_on: date | None
                     ) -> dict[str, str]:
    """Field messages for a logged session: a real day in the last week, plausible numbers."""
    errors: dict[str, str] = {}
    performed_on = session.get("performed_on")
    if performed_on is None:
        errors["performed_on"] = "Enter the day you did it."
    elif performed_on > today:
        errors["performed_on"] = "That day has not come yet."
    elif performed_on < today - timedelta(days=LOG_DAYS_BACK):
        errors["performed_on"] = f"Sessions can be logged up to {LOG_DAYS_BACK} days back."
    elif not is_active_on(performed_on, started_on, ended_on):
        errors["performed_on"] = "This exercise was not part of your programme on that day."
    for name, label, required in (
        ("sets_done", "the sets you did", True),
        ("reps_done", "the repetitions per set", True),
        ("pain_before", "pain before", False),
        ("pain_after", "pain after", False),
    ):
        _in_range(errors, session, name, label, SESSION_LIMITS, required)
    return errors


def next_day_problem(performed_on: date, today: date, already_answered: bool) -> str | None:
    """Why the 24-hour question cannot be answered now, or None."""
    if already_answered:
        return "You already answered for this session."
    if performed_on >= today:
        return "Answer this tomorrow: the question is about the next day."
    if performed_on < today - timedelta(days=ANSWER_DAYS_BACK):
        return f"This question can be answered up to {ANSWER_DAYS_BACK} days after the session."
    return None


def awaits_answer(performed_on: date, today: date, response: str | None) -> bool:
    """Whether the Today page asks the 24-hour question for this session."""
    return response is None and next_day_problem(performed_on, today, False) is None

