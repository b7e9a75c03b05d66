"""Table tests for functional goals: change, meaningful change, progress, targets, status changes."""

from __future__ import annotations

import pytest

from careteam.domain.goals import (
    change_from_baseline,
    is_meaningful,
    progress,
    target_problem,
    transition_allowed,
    transition_problem,
)
from careteam.domain.vocabulary import GoalStatus

ACTIVE, PAUSED, ACHIEVED, DROPPED = GoalStatus.ACTIVE, GoalStatus.PAUSED, GoalStatus.ACHIEVED, GoalStatus.DROPPED


@pytest.mark.parametrize(
    "baseline,latest,change,meaningful",
    [
        (3, None, None, False),  # no score yet
        (3, 3, 0, False),
        (3, 4, 1, False),
        (3, 5, 2, True),  # +2: the PSFS's meaningful change
        (3, 10, 7, True),
        (5, 4, -1, False),
        (5, 3, -2, True),  # a meaningful loss counts too
    ],
)
def test_change_from_baseline(baseline, latest, change, meaningful):
    assert change_from_baseline(baseline, latest) == change
    assert is_meaningful(change) is meaningful


@pytest.mark.parametrize(
    "baseline,target,latest,expected",
    [
        (2, 8, None, 0.0),
        (2, 8, 2, 0.0),
        (2, 8, 5, 0.5),
        (2, 8, 8, 1.0),
        (2, 8, 10, 1.0),  # beyond the target: clamped
        (2, 8, 0, 0.0),  # below the baseline: clamped
        (6, 6, 6, 1.0),  # keeping an ability: at the target
        (6, 6, 7, 1.0),
        (6, 6, 5, 0.0),
        (6, 6, None, 0.0),
        (8, 2, 5, 0.5),  # a target below the baseline is refused on input, but still computes
    ],
)
def test_progress(baseline, target, latest, expected):
    assert progress(baseline, target, latest) == pytest.approx(expected)


@pytest.mark.parametrize(
    "baseline,target,ok",
    [(3, 8, True), (3, 3, True), (3, 2, False), (0, 10, True)],
)
def test_target_problem(baseline, target, ok):
    assert (target_problem(baseline, target) is None) is ok


@pytest.mark.parametrize(
    "current,new,reason,allowed,ok",
    [
        (ACTIVE, ACTIVE, "", True, True),  # no change
        (ACTIVE, PAUSED, "", True, True),
        (ACTIVE, ACHIEVED, "", True, True),
        (ACTIVE, DROPPED, "", True, True),
        (PAUSED, ACTIVE, "", True, True),
        (PAUSED, DROPPED, "", True, True),
        (PAUSED, ACHIEVED, "", False, False),  # resume it first
        (ACHIEVED, ACTIVE, "Lost it again after the flare", True, True),
        (ACHIEVED, ACTIVE, "  ", True, False),  # reopening needs a reason
        (DROPPED, ACTIVE, "Wants to try again", True, True),
        (DROPPED, ACTIVE, "", True, False),
        (ACHIEVED, DROPPED, "whatever", False, False),
        (ACHIEVED, PAUSED, "whatever", False, False),
        (DROPPED, ACHIEVED, "whatever", False, False),
        (DROPPED, PAUSED, "whatever", False, False),
    ],
)
def test_status_transitions(current, new, reason, allowed, ok):
    assert transition_allowed(current, new) is allowed
    assert (transition_problem(current, new, reason) is None) is ok
