"""Graded activity's engine: the next quota for a started plan.

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

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from careteam.domain.graded_activity.scheduling import Rules, step_down, step_up, week_start
from careteam.domain.graded_activity.units import amount, short_day
from careteam.domain.vocabulary import ActivityMode, NextDayResponse


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
