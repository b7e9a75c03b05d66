"""Scoring questionnaire answers, the one place that does it: checks, scores, bands, flags, change, due dates.

Scores are computed from the item answers and the instrument's definition, never typed. The
methods are a fixed, tested set: a sum (prorated when the instrument allows missing items), a
mean of the answered items, or the sum as a percentage of the answered items' maximum (as the
ODI does); subscales likewise; bands as ranges of the score and subscales, first match wins;
flags on single items whatever the total.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from careteam.domain.instruments import Instrument

OVERDUE_AFTER_DAYS = 7  # a due questionnaire not answered within a week is overdue


@dataclass(frozen=True)
class Result:
    score: float | None  # None: too many items missing for this instrument's rules
    band: str | None
    subscores: dict[str, float | None] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)  # ids of the flags raised
    missing: list[str] = field(default_factory=list)  # linkIds not answered


def answer_problems(instrument: Instrument, answers: Iterable[Mapping]) -> dict[str, str]:
    """Field errors for submitted answers ({"linkId": ..., "value": ...}), keyed like the API's input."""
    problems: dict[str, str] = {}
    seen: set[str] = set()
    for index, answer in enumerate(answers):
        where = f"answers.{index}"
        link_id, value = str(answer.get("linkId", "")), answer.get("value")
        item = instrument.item(link_id)
        if item is None:
            problems[where] = f"linkId {link_id!r} is not an item of {instrument.short_title}."
        elif link_id in seen:
            problems[where] = f"linkId {link_id!r} is answered twice."
        elif value is not None and (isinstance(value, bool) or not isinstance(value, int) or item.option(value) is None):
            allowed = ", ".join(str(o.value) for o in item.options)
            problems[where] = f"{value!r} is not an answer to item {link_id}; choose one of {allowed}."
        seen.add(link_id)
    answered = [a for a in answers if a.get("value") is not None]
    if not answered and not problems:
        problems["answers"] = "Answer at least one item."
    return problems


def _round(value: float, decimals: int) -> float:
    # Half away from zero, as the published examples round (PEG 17/3 = 5.67 -> 5.7).
    factor = 10 ** decimals
    shifted = abs(value) * factor + 0.5
    return (int(shifted) / factor) * (1 if value >= 0 else -1)


def _combine(method: str, points: list[float], maxima: list[float], total_items: int) -> float:
    if method == "mean":
        return sum(points) / len(points)
    if method == "percent":
        return 100 * sum(points) / sum(maxima) if sum(maxima) else 0.0
    if len(points) < total_items:  # a sum with allowed missing items is prorated
        return sum(points) / len(points) * total_items
    return float(sum(points))


def _in(value: float | None, bounds: tuple[float, float]) -> bool:
    return value is not None and bounds[0] <= value <= bounds[1]


def score(instrument: Instrument, answers: Mapping[str, int | None]) -> Result:
    """The result of one response: `answers` maps linkId to the chosen option's value (None: unanswered)."""
    points, maxima, missing = {}, {}, []
    for item in instrument.items:
        value = answers.get(item.link_id)
        option = item.option(value) if value is not None else None
        if option is None:
            missing.append(item.link_id)
        else:
            points[item.link_id], maxima[item.link_id] = option.points, item.max_points
    total = None
    if points and len(missing) <= instrument.max_missing:
        total = _round(_combine(instrument.method, list(points.values()), list(maxima.values()),
                                len(instrument.items)), instrument.decimals)
    subscores: dict[str, float | None] = {}
    for sub in instrument.subscales:
        answered = [points[i] for i in sub.link_ids if i in points]
        subscores[sub.id] = (_round(_combine(sub.method, answered, [maxima[i] for i in sub.link_ids if i in maxima],
                                             len(sub.link_ids)), instrument.decimals)
                             if len(answered) == len(sub.link_ids) else None)
    quantities = {"score": total, **subscores}
    band = next((b.label for b in instrument.bands
                 if all(_in(quantities.get(key), bounds) for key, bounds in b.when.items())), None)
    flags = [f.id for f in instrument.flags
             if answers.get(f.link_id) is not None and answers[f.link_id] >= f.min_value]
    return Result(total, band, subscores, flags, missing)


def safety_flags(instrument: Instrument, flag_ids: Iterable[str]) -> list[str]:
    """The raised flags that must reach the team at once (e.g. PHQ-9 item 9 above 0)."""
    raised = set(flag_ids)
    return [f.id for f in instrument.flags if f.safety and f.id in raised]


def flag_label(instrument: Instrument | None, flag_id: str) -> str:
    if instrument is not None:
        for flag in instrument.flags:
            if flag.id == flag_id:
                return flag.label
    return flag_id.replace("_", " ")


@dataclass(frozen=True)
class Change:
    points: float
    meaningful: bool | None  # None: the definition cites no threshold, so nothing is claimed
    better: bool | None


def change_since_first(instrument: Instrument | None, first: float | None, latest: float | None,
                       threshold: float | None = None, higher_is_worse: bool = True) -> Change | None:
    """Latest minus first; meaningful only when a cited threshold is reached."""
    if first is None or latest is None:
        return None
    if instrument is not None:
        threshold = instrument.meaningful_change.points if instrument.meaningful_change else None
        higher_is_worse = instrument.higher_is_worse
    difference = round(latest - first, 1)
    better = None if difference == 0 else (difference < 0) == higher_is_worse
    meaningful = None if threshold is None else abs(difference) >= threshold
    return Change(difference, meaningful, better)


# --- schedules ---------------------------------------------------------------------------------

def occurrence_on(day: date, starts_on: date, every_weeks: int | None) -> date | None:
    """The latest scheduled date on or before `day` (None before the start)."""
    if day < starts_on:
        return None
    if not every_weeks:
        return starts_on
    periods = (day - starts_on).days // (7 * every_weeks)
    return starts_on + timedelta(weeks=periods * every_weeks)


def due_state(day: date, starts_on: date, every_weeks: int | None, last_answered_on: date | None,
              ended_on: date | None = None) -> str | None:
    """None (nothing to answer now), "due" or "overdue" for one assignment on `day`."""
    if ended_on is not None and day >= ended_on:
        return None
    occurrence = occurrence_on(day, starts_on, every_weeks)
    if occurrence is None or (last_answered_on is not None and last_answered_on >= occurrence):
        return None
    return "overdue" if (day - occurrence).days > OVERDUE_AFTER_DAYS else "due"


def schedule_problems(starts_on: date | None, every_weeks: int | None, today: date) -> dict[str, str]:
    problems = {}
    if every_weeks is not None and not 1 <= every_weeks <= 52:
        problems["every_weeks"] = "Choose every 1 to 52 weeks, or leave it empty for once."
    if starts_on is not None and starts_on > today + timedelta(days=366):
        problems["starts_on"] = "Choose a start within a year."
    return problems
