"""Exercise dosing: how a dose reads, what a change changed, weekly adherence, the 24-hour
rule, and which values a dose, a logged session or a next-day answer may have.

Plain Python: the services hand in plain values (or any object with the dose's attributes).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from careteam.domain.vocabulary import NEXT_DAY_LABELS, NextDayResponse, Side, values

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

SIDE_LABELS = {
    Side.NOT_APPLICABLE: "Not applicable",
    Side.LEFT: "Left",
    Side.RIGHT: "Right",
    Side.BOTH: "Both sides",
}

DOSE_FIELDS = ("sets", "reps", "hold_seconds", "load_kg", "load_band", "rest_seconds",
               "sessions_per_week", "target_effort")


@dataclass(frozen=True)
class Dose:
    sets: int
    reps: int
    hold_seconds: int = 0
    load_kg: float | None = None
    load_band: str = ""
    rest_seconds: int = 0
    sessions_per_week: int = 3
    target_effort: int | None = None


def dose_of(thing: Any) -> Dose:
    """The dose values of a model row, a dict or anything with those attributes."""
    get = thing.get if isinstance(thing, Mapping) else lambda name: getattr(thing, name)
    return Dose(**{name: get(name) for name in DOSE_FIELDS})


# --- How a dose reads ------------------------------------------------------------------------


def _num(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _load(dose: Dose) -> str:
    if dose.load_kg is not None:
        return f"{_num(dose.load_kg)} kg"
    return f"{dose.load_band} band" if dose.load_band else ""


def describe(dose: Dose) -> str:
    """Short clinical form: "3 × 12, hold 5 s, 4 kg, rest 60 s, 4×/week, effort 6/10"."""
    parts = [f"{dose.sets} × {dose.reps}"]
    if dose.hold_seconds:
        parts.append(f"hold {dose.hold_seconds} s")
    if _load(dose):
        parts.append(_load(dose))
    if dose.rest_seconds:
        parts.append(f"rest {dose.rest_seconds} s")
    parts.append(f"{dose.sessions_per_week}×/week")
    if dose.target_effort is not None:
        parts.append(f"effort {dose.target_effort}/10")
    return ", ".join(parts)


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _times_a_week(n: int) -> str:
    return {1: "once a week", 2: "twice a week"}.get(n, f"{n} times a week")


def in_plain_words(dose: Dose) -> str:
    """For the patient: "3 sets of 12 repetitions, hold each for 5 seconds, with 4 kg. …"."""
    what = [f"{_count(dose.sets, 'set', 'sets')} of {_count(dose.reps, 'repetition', 'repetitions')}"]
    if dose.hold_seconds:
        what.append(f"hold each for {_count(dose.hold_seconds, 'second', 'seconds')}")
    if dose.load_kg is not None:
        what.append(f"with {_num(dose.load_kg)} kg")
    elif dose.load_band:
        what.append(f"with the {dose.load_band} band")
    sentences = [", ".join(what)]
    if dose.rest_seconds:
        sentences.append(f"Rest {_count(dose.rest_seconds, 'second', 'seconds')} between sets")
    how_often = _times_a_week(dose.sessions_per_week)
    if dose.target_effort is not None:
        how_often += f", at an effort of about {dose.target_effort} out of 10"
    sentences.append(how_often[0].upper() + how_often[1:])
    return ". ".join(s[0].upper() + s[1:] for s in sentences) + "."


# --- What a change changed -------------------------------------------------------------------


def _changed(label: str, old: str, new: str, unit: str = "") -> str | None:
    if old == new:
        return None
    return f"{label} {old} → {new}{unit}"


def _load_change(old: Dose, new: Dose) -> str | None:
    if old.load_kg is not None and new.load_kg is not None:
        return _changed("load", _num(old.load_kg), _num(new.load_kg), " kg")
    return _changed("load", _load(old) or "none", _load(new) or "none")


def dose_diff(old: Dose, new: Dose) -> str:
    """For the timeline: "reps 10 → 12; load 2 → 4 kg"."""

    def effort(d: Dose) -> str:
        return "none" if d.target_effort is None else str(d.target_effort)

    changes = [
        _changed("sets", str(old.sets), str(new.sets)),
        _changed("reps", str(old.reps), str(new.reps)),
        _changed("hold", str(old.hold_seconds), str(new.hold_seconds), " s"),
        _load_change(old, new),
        _changed("rest", str(old.rest_seconds), str(new.rest_seconds), " s"),
        _changed("frequency", str(old.sessions_per_week), str(new.sessions_per_week), "×/week"),
        _changed("effort", effort(old), effort(new), "/10" if new.target_effort is not None else ""),
    ]
    return "; ".join(c for c in changes if c) or "same values"


# --- Weeks and adherence ---------------------------------------------------------------------


def week_start(day: date) -> date:
    """The Monday of the ISO week."""
    return day - timedelta(days=day.weekday())


def weeks_ending(today: date, count: int) -> list[date]:
    """The Mondays of the last `count` weeks, the current one last."""
    this_week = week_start(today)
    return [this_week - timedelta(weeks=n) for n in range(count - 1, -1, -1)]


def weeks_between(start: date, end: date) -> list[date]:
    first, last = week_start(start), week_start(end)
    return [first + timedelta(weeks=n) for n in range((last - first).days // 7 + 1)]


@dataclass(frozen=True)
class DoseStep:
    """When a dose took effect and how many sessions a week it asks for."""

    effective_from: date
    sessions_per_week: int


def prescribed_in_week(steps: Sequence[DoseStep], week: date, ended_on: date | None = None) -> int | None:
    """Sessions prescribed for the week starting `week`: the dose in effect on its Sunday.

    None when the exercise had not started by then, or had ended before the week began.
    """
    if ended_on is not None and ended_on <= week:
        return None
    sunday = week + timedelta(days=6)
    in_effect = [s for s in steps if s.effective_from <= sunday]
    if not in_effect:
        return None
    return max(in_effect, key=lambda s: s.effective_from).sessions_per_week


class Source(StrEnum):
    LOGGED = "logged"  # sessions the patient logged one by one
    CHECK_IN = "check_in"  # the count the patient gave in the weekly check-in
    NONE = "none"  # neither: counted as none done


SOURCE_LABELS = {Source.LOGGED: "logged", Source.CHECK_IN: "from the check-in", Source.NONE: "nothing logged"}


@dataclass(frozen=True)
class WeekAdherence:
    week_start: date
    prescribed: int
    done: int
    source: Source
    in_progress: bool = False  # the current week: more sessions may follow

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.prescribed) if self.prescribed else 0


def week_adherence(week: date, prescribed: int, logged: int, reported: int | None,
                   in_progress: bool = False) -> WeekAdherence:
    """Logged sessions count first; a week without logs falls back to the check-in's count."""
    if logged:
        return WeekAdherence(week, prescribed, logged, Source.LOGGED, in_progress)
    if reported is not None:
        return WeekAdherence(week, prescribed, reported, Source.CHECK_IN, in_progress)
    return WeekAdherence(week, prescribed, 0, Source.NONE, in_progress)


def weekly_adherence(weeks: Iterable[date], steps: Sequence[DoseStep], logged_days: Iterable[date],
                     reported: Mapping[date, int], today: date, ended_on: date | None = None
                     ) -> list[WeekAdherence]:
    """Sessions done vs. prescribed for each week the exercise was prescribed in."""
    logged = Counter(week_start(day) for day in logged_days)
    current = week_start(today)
    result = []
    for week in weeks:
        prescribed = prescribed_in_week(steps, week, ended_on)
        if prescribed is not None and week <= current:
            result.append(week_adherence(week, prescribed, logged[week], reported.get(week), week == current))
    return result


def total_adherence(weeks: Iterable[WeekAdherence]) -> tuple[int, int]:
    """(done, prescribed) over finished weeks and the current one."""
    weeks = list(weeks)
    return sum(w.done for w in weeks), sum(w.prescribed for w in weeks)


# --- Evidence for the dose form ---------------------------------------------------------------


@dataclass(frozen=True)
class SessionFact:
    performed_on: date
    pain_before: int | None
    pain_after: int | None
    response: str | None  # a NextDayResponse value, or None while unanswered


def _mean(numbers: Iterable[int | None]) -> float | None:
    present = [n for n in numbers if n is not None]
    return round(sum(present) / len(present), 1) if present else None


@dataclass(frozen=True)
class WeekEvidence:
    adherence: WeekAdherence
    pain_before: float | None
    pain_after: float | None
    answers: dict[str, int] = field(default_factory=dict)  # NextDayResponse value -> count

    @property
    def week_start(self) -> date:
        return self.adherence.week_start


def answer_counts(responses: Iterable[str | None]) -> dict[str, int]:
    counted = Counter(r for r in responses if r)
    return {r.value: counted.get(r.value, 0) for r in NextDayResponse}


def weekly_evidence(weeks: Sequence[date], steps: Sequence[DoseStep], sessions: Sequence[SessionFact],
                    reported: Mapping[date, int], today: date, ended_on: date | None = None
                    ) -> list[WeekEvidence]:
    """Per week: adherence, mean pain before and after sessions, and the next-day answers."""
    by_week: dict[date, list[SessionFact]] = {}
    for s in sessions:
        by_week.setdefault(week_start(s.performed_on), []).append(s)
    adherence = weekly_adherence(weeks, steps, (s.performed_on for s in sessions), reported, today, ended_on)
    return [
        WeekEvidence(
            adherence=a,
            pain_before=_mean(s.pain_before for s in by_week.get(a.week_start, [])),
            pain_after=_mean(s.pain_after for s in by_week.get(a.week_start, [])),
            answers=answer_counts(s.response for s in by_week.get(a.week_start, [])),
        )
        for a in adherence
    ]


# --- The 24-hour rule ---------------------------------------------------------------------------


class Advice(StrEnum):
    PROGRESS = "progress"
    HOLD = "hold"
    STEP_BACK = "step_back"
    TOO_EARLY = "too_early"


ADVICE_LABELS = {
    Advice.PROGRESS: "Progress is safe",
    Advice.HOLD: "Hold the dose",
    Advice.STEP_BACK: "Step back",
    Advice.TOO_EARLY: "Too early to tell",
}


@dataclass(frozen=True)
class Suggestion:
    advice: Advice
    explanation: str
    tell_physiotherapist: bool = False

    @property
    def label(self) -> str:
        return ADVICE_LABELS[self.advice]


_RULE = {
    NextDayResponse.YES: Suggestion(
        Advice.PROGRESS, "Back to the usual level within 24 hours: the dose is tolerated, progressing it is safe."),
    NextDayResponse.NOT_YET: Suggestion(
        Advice.HOLD, "Not back to the usual level within 24 hours: keep the dose until the answer is yes."),
    NextDayResponse.WORSE: Suggestion(
        Advice.STEP_BACK, "Worse the next day: step back to an easier dose, and the physiotherapist is told.",
        tell_physiotherapist=True),
}


def classify_next_day(response: str) -> Suggestion:
    """The 24-hour rule for one answer: yes → progress, not yet → hold, worse → step back."""
    return _RULE[NextDayResponse(response)]


def suggest_from_answers(counts: Mapping[str, int]) -> Suggestion:
    """The 24-hour rule over several answers: the most cautious answer decides."""
    total = sum(counts.values())
    if total == 0:
        return Suggestion(Advice.TOO_EARLY, "No next-day answers yet for this dose.")
    for response in (NextDayResponse.WORSE, NextDayResponse.NOT_YET, NextDayResponse.YES):
        n = counts.get(response.value, 0)
        if n:
            rule = _RULE[response]
            label = NEXT_DAY_LABELS[response].split(",")[0].lower()
            return Suggestion(rule.advice, f"Next-day answers: {n} of {total} “{label}”. {rule.explanation}",
                              rule.tell_physiotherapist)
    raise AssertionError("unreachable: counts hold only next-day responses")


# --- Which values are allowed -------------------------------------------------------------------


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


def dose_in_effect(doses: Sequence[Any], day: date) -> Any:
    """The newest dose that had started by `day`; the first dose for days before any started.

    `doses` are ordered by number and carry `effective_from`.
    """
    started = [d for d in doses if d.effective_from <= day]
    return started[-1] if started else doses[0]
