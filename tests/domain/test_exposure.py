"""Table tests for graded exposure: hierarchy order, mastery, the next item, disconfirmation,
validation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

import pytest

from careteam.domain.exposure import (
    Mastery,
    attempt_problems,
    disconfirmation,
    evaluate_mastery,
    hierarchy_order,
    item_problems,
    mastery_mark_problems,
    mastery_reason,
    suggested_next,
)

T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
TODAY = date(2026, 3, 2)


@dataclass
class Item:
    id: int
    fear_rating: int
    position: int | None = None
    age: int = 0  # minutes after T0 it was created
    mastered: bool = False

    @property
    def created_at(self) -> datetime:
        return T0 + timedelta(minutes=self.age)

    @property
    def mastered_at(self) -> datetime | None:
        return T0 if self.mastered else None


@pytest.mark.parametrize(
    "items,expected",
    [
        ([], []),
        ([Item(1, 80), Item(2, 20), Item(3, 50)], [2, 3, 1]),  # by fear, least first
        ([Item(1, 40, age=2), Item(2, 40, age=1)], [2, 1]),  # ties: older first
        ([Item(2, 40, age=0), Item(1, 40, age=0)], [1, 2]),  # same moment: by id
        ([Item(1, 10, position=2), Item(2, 90, position=1)], [2, 1]),  # explicit positions win
        ([Item(1, 10), Item(2, 90, position=1), Item(3, 5)], [2, 3, 1]),  # placed first, the rest by fear
        ([Item(1, 0), Item(2, 100)], [1, 2]),  # scale ends
    ],
)
def test_hierarchy_order(items, expected):
    assert [item.id for item in hierarchy_order(items)] == expected


@pytest.mark.parametrize(
    "items,expected",
    [
        ([], None),
        ([Item(1, 80), Item(2, 20), Item(3, 50)], 2),  # the least feared
        ([Item(1, 80), Item(2, 20, mastered=True), Item(3, 50)], 3),  # unmastered only
        ([Item(1, 80, mastered=True), Item(2, 20, mastered=True)], None),  # all mastered
        ([Item(1, 10, position=2), Item(2, 90, position=1)], 2),  # positions respected
        ([Item(1, 30, age=5), Item(2, 30, age=1)], 2),  # ties: the older
    ],
)
def test_suggested_next(items, expected):
    chosen = suggested_next(items)
    assert (chosen.id if chosen else None) == expected


AUTO = mastery_reason(20)


@pytest.mark.parametrize(
    "afters,marked,mastered,reason",
    [
        ([], False, False, ""),
        ([10], False, False, ""),  # one attempt is not enough
        ([20, 20], False, True, AUTO),  # exactly the threshold counts
        ([21, 20], False, False, ""),  # just above, once
        ([20, 21], False, False, ""),
        ([15, 40, 10], False, False, ""),  # two at or below, but not consecutive
        ([40, 15, 10], False, True, AUTO),  # the latest two
        ([10, 10, 30], False, False, ""),  # return of fear: the latest attempt is above
        ([90], True, True, "marked by a clinician"),  # a clinician's mark stands
        ([10, 10, 90], True, True, "marked by a clinician"),
        ([0, 0], False, True, AUTO),
    ],
)
def test_mastery(afters, marked, mastered, reason):
    assert evaluate_mastery(afters, 20, marked_by_clinician=marked) == Mastery(mastered, reason)


@pytest.mark.parametrize("threshold,afters,mastered", [(30, [30, 25], True), (10, [15, 5], False), (0, [0, 0], True)])
def test_mastery_follows_the_configured_threshold(threshold, afters, mastered):
    state = evaluate_mastery(afters, threshold, marked_by_clinician=False)
    assert state.mastered is mastered
    assert (str(threshold) in state.reason) is mastered


def test_mastery_reason_reads_as_the_rule():
    assert mastery_reason(20) == "expectancy ≤ 20 on two attempts in a row"


@pytest.mark.parametrize(
    "before,after,occurred,drop,disconfirmed",
    [
        (80, 20, False, 60, True),
        (80, 20, True, 60, False),  # it happened: not a disconfirmation
        (50, 50, False, 0, False),
        (30, 60, False, -30, False),  # expectancy grew
        (100, 0, False, 100, True),
    ],
)
def test_disconfirmation(before, after, occurred, drop, disconfirmed):
    lesson = disconfirmation(before, after, occurred)
    assert (lesson.drop, lesson.feared_outcome_occurred, lesson.disconfirmed) == (drop, occurred, disconfirmed)


@pytest.mark.parametrize(
    "description,fear,consequence,expectancy,problems",
    [
        ("Lift a basket", 60, "", 70, set()),
        ("Lift a basket", 0, None, 100, set()),
        ("", 60, "", 70, {"description"}),
        ("   ", 60, "", 70, {"description"}),
        ("x" * 2001, 60, "", 70, {"description"}),
        ("Lift", -1, "", 70, {"fear_rating"}),
        ("Lift", 101, "", 70, {"fear_rating"}),
        ("Lift", None, "", None, {"fear_rating", "expectancy"}),
        ("Lift", 50.5, "", 70, {"fear_rating"}),
        ("Lift", True, "", 70, {"fear_rating"}),  # a bool is not a rating
        ("Lift", 50, "y" * 4001, 70, {"predicted_consequence"}),
    ],
)
def test_item_validation(description, fear, consequence, expectancy, problems):
    assert set(item_problems(description, fear, consequence, expectancy)) == problems


GOOD_ATTEMPT = dict(attempted_on=TODAY, today=TODAY, present="alone", expectancy_before=70, what_happened="",
                    feared_outcome_occurred=False, expectancy_after=20, fear_after=None, learned="")


@pytest.mark.parametrize(
    "changes,problems",
    [
        ({}, set()),
        ({"attempted_on": TODAY - timedelta(days=300)}, set()),
        ({"attempted_on": TODAY + timedelta(days=1)}, {"attempted_on"}),  # not in the future
        ({"attempted_on": None}, {"attempted_on"}),
        ({"expectancy_before": 101}, {"expectancy_before"}),
        ({"expectancy_after": None}, {"expectancy_after"}),
        ({"fear_after": 0}, set()),
        ({"fear_after": -5}, {"fear_after"}),
        ({"feared_outcome_occurred": None}, {"feared_outcome_occurred"}),
        ({"present": "p" * 201}, {"present"}),
        ({"learned": "l" * 4001, "what_happened": "w" * 4001}, {"learned", "what_happened"}),
    ],
)
def test_attempt_validation(changes, problems):
    assert set(attempt_problems(**{**GOOD_ATTEMPT, **changes})) == problems


@pytest.mark.parametrize(
    "mastered,reason,problems",
    [(True, "Done it five times calmly", set()), (True, "  ", {"reason"}), (False, "", set()),
     (True, "r" * 201, {"reason"})],
)
def test_mastery_mark_needs_a_reason(mastered, reason, problems):
    assert set(mastery_mark_problems(mastered, reason)) == problems
