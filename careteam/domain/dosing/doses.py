"""A dose: its values, how it reads (for the team and for the patient), what a change changed,
and which dose was in effect on a day.

Plain Python: the services hand in plain values (or any object with the dose's attributes).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from careteam.domain.vocabulary import Side

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


def dose_in_effect(doses: Sequence[Any], day: date) -> Any:
    """The newest dose that had started by `day`; the first dose for days before any started.

    `doses` are ordered by number and carry `effective_from`.
    """
    started = [d for d in doses if d.effective_from <= day]
    return started[-1] if started else doses[0]
