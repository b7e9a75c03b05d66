"""Graded exposure: the order of the hierarchy, mastery, the next item, disconfirmation.

Pure rules over plain values and duck-typed items (anything with the attributes of
`HierarchyItem`), so the models and the tables in tests/domain/test_exposure.py both fit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol, TypeVar

SCALE_MIN, SCALE_MAX = 0, 100
ATTEMPTS_IN_A_ROW = 2  # mastery needs this many consecutive attempts at or below the threshold
DESCRIPTION_MAX = 2000
TEXT_MAX = 4000
PRESENT_MAX = 200
REASON_MAX = 200


class HierarchyItem(Protocol):
    id: int
    position: int | None
    fear_rating: int
    created_at: datetime
    mastered_at: datetime | None


Item = TypeVar("Item", bound=HierarchyItem)


def _order_key(item: HierarchyItem) -> tuple:
    # Items a clinician has placed come first, in their places; the rest by fear, then age.
    placed = item.position is not None
    return (not placed, item.position if placed else item.fear_rating, item.created_at, item.id)


def hierarchy_order(items: Sequence[Item]) -> list[Item]:
    """By explicit `position` where set, otherwise by fear rating ascending; ties by creation."""
    return sorted(items, key=_order_key)


def suggested_next(items: Sequence[Item]) -> Item | None:
    """The first unmastered item in hierarchy order: the least-feared one unless placed otherwise."""
    return next((item for item in hierarchy_order(items) if item.mastered_at is None), None)


def mastery_reason(threshold: int) -> str:
    return f"expectancy ≤ {threshold} on two attempts in a row"


@dataclass(frozen=True)
class Mastery:
    mastered: bool
    reason: str = ""


def evaluate_mastery(expectancies_after: Sequence[int], threshold: int, *, marked_by_clinician: bool) -> Mastery:
    """Whether an item is mastered, given its attempts' expectancy-after in chronological order.

    A clinician's mark stands until a clinician lifts it. Otherwise the item is mastered while
    the latest two attempts are both at or below the threshold: a later attempt above it
    (a return of fear) puts the item back into practice.
    """
    if marked_by_clinician:
        return Mastery(True, "marked by a clinician")
    latest = list(expectancies_after)[-ATTEMPTS_IN_A_ROW:]
    if len(latest) == ATTEMPTS_IN_A_ROW and all(value <= threshold for value in latest):
        return Mastery(True, mastery_reason(threshold))
    return Mastery(False)


@dataclass(frozen=True)
class Disconfirmation:
    """What one attempt taught: how far the expectancy fell, and whether the fear came true."""

    drop: int  # expectancy before − after; negative when the expectancy grew
    feared_outcome_occurred: bool

    @property
    def disconfirmed(self) -> bool:
        return self.drop > 0 and not self.feared_outcome_occurred


def disconfirmation(expectancy_before: int, expectancy_after: int, feared_outcome_occurred: bool) -> Disconfirmation:
    return Disconfirmation(expectancy_before - expectancy_after, feared_outcome_occurred)


def _scale_problem(value: object, label: str, required: bool = True) -> str | None:
    if value is None:
        return f"Enter the {label} (0–100)." if required else None
    if isinstance(value, bool) or not isinstance(value, int) or not SCALE_MIN <= value <= SCALE_MAX:
        return f"The {label} is a whole number from 0 to 100."
    return None


def _text_problem(value: str | None, label: str, limit: int, required: bool = False) -> str | None:
    text = (value or "").strip()
    if required and not text:
        return f"Describe the {label}."
    if len(text) > limit:
        return f"Keep the {label} under {limit} characters."
    return None


def _problems(checks: dict[str, str | None]) -> dict[str, str]:
    return {name: problem for name, problem in checks.items() if problem}


def item_problems(description: str | None, fear_rating: object, predicted_consequence: str | None,
                  expectancy: object) -> dict[str, str]:
    """Field messages for an exposure item; empty when it is valid."""
    return _problems({
        "description": _text_problem(description, "activity", DESCRIPTION_MAX, required=True),
        "fear_rating": _scale_problem(fear_rating, "fear rating"),
        "predicted_consequence": _text_problem(predicted_consequence, "predicted consequence", TEXT_MAX),
        "expectancy": _scale_problem(expectancy, "expectancy"),
    })


def attempt_problems(*, attempted_on: date | None, today: date, present: str | None,
                     expectancy_before: object, what_happened: str | None,
                     feared_outcome_occurred: bool | None, expectancy_after: object,
                     fear_after: object, learned: str | None) -> dict[str, str]:
    """Field messages for an exposure attempt; empty when it is valid."""
    when = None
    if attempted_on is None:
        when = "Enter the date of the attempt."
    elif attempted_on > today:
        when = "The date cannot be in the future."
    return _problems({
        "attempted_on": when,
        "present": _text_problem(present, "note of who was present", PRESENT_MAX),
        "expectancy_before": _scale_problem(expectancy_before, "expectancy before"),
        "what_happened": _text_problem(what_happened, "account of what happened", TEXT_MAX),
        "feared_outcome_occurred": None if isinstance(feared_outcome_occurred, bool)
        else "Say whether the feared outcome happened.",
        "expectancy_after": _scale_problem(expectancy_after, "expectancy after"),
        "fear_after": _scale_problem(fear_after, "fear after", required=False),
        "learned": _text_problem(learned, "note of what was learned", TEXT_MAX),
    })


def mastery_mark_problems(mastered: bool, reason: str | None) -> dict[str, str]:
    """Marking an item mastered needs a reason; lifting the mark may give one."""
    return _problems({
        "reason": _text_problem(reason, "reason", REASON_MAX, required=mastered),
    })
