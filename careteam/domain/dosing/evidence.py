"""Weekly adherence (sessions done vs. prescribed), the evidence shown beside the dose form,
and the 24-hour rule that turns next-day answers into advice."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from careteam.domain.vocabulary import NEXT_DAY_LABELS, NextDayResponse

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
