"""Table tests for the ledger's rules: verdict, trend, weeks with and without, with/without pain."""

from __future__ import annotations

from datetime import date

import pytest

from careteam.domain.verdicts import (
    Trend,
    WeekUse,
    WithWithout,
    active_in_week,
    in_use_on,
    trend,
    verdict,
    week_use,
    with_without,
)
from careteam.domain.vocabulary import Verdict

H, N, M, W, T = Verdict.HELPS, Verdict.DOES_NOT_HELP, Verdict.MIXED, Verdict.MAKES_WORSE, Verdict.TOO_EARLY


@pytest.mark.parametrize(
    "ratings,expected",
    [
        # too early: fewer than 3 rated weeks, whatever they say
        ([], T),
        ([2], T),
        ([-2, -2], T),
        ([2, 2, 2], H),  # 3 weeks are enough
        # makes worse by the mean (boundary -0.5)
        ([0, -1, 0, -1], W),  # mean -0.5 exactly
        ([-1, -1, 0, 0], W),  # mean -0.5 exactly, only one negative in the last 3
        ([-1, -1, 0, 0, 0, 0], N),  # mean -0.33
        ([-2, -2, -2], W),
        # makes worse by the last 3 weeks, even behind a good average (safety first)
        ([2, 2, 2, 2, 2, 2, 2, -1, 0, -1], W),
        ([2, 2, 2, 2, 2, 2, 2, -1, 0, 0], H),  # one negative of the last 3 is not enough
        ([2, 2, 2, 2, 2, 2, -1, 2, 2, -1], H),  # negatives 3 weeks apart: not "2 of the last 3"
        # helps: mean >= 0.75 (boundary) and at most 20 % negative weeks (boundary)
        ([1, 1, 1, 0], H),  # mean 0.75 exactly
        ([1, 1, 0, 0, 1, 1, 0, 1, 0, 1, 1, 0], N),  # mean 0.58: below the helps threshold
        ([2, 2, 2, 2, -1], H),  # 20 % negative exactly
        ([2, 2, 2, -1], M),  # 25 % negative: not helps; 75 % positive, 25 % negative: mixed
        ([1, 1, 1, -1], M),
        # mixed: at least 25 % clearly positive and 25 % clearly negative (boundaries)
        ([1, 0, 0, -1], M),
        ([1, 0, 0, 0, -1], N),  # 20 % each: below the mixed share
        ([2, -1, 2, -1, 0, 0, 0, 0], M),
        ([2, -2, 2, -2, 0, 0], M),
        # does not help
        ([0, 0, 0], N),
        ([0, 1, 0, 0, 0, 0], N),
        ([0, -1, 0, 0, 0, 0], N),
    ],
)
def test_verdict(ratings, expected):
    assert verdict(ratings) == expected


@pytest.mark.parametrize(
    "ratings,expected",
    [
        ([], None),
        ([0, 0, 0, 2, 2], None),  # fewer than 6 rated weeks
        ([0, 0, 0, 0, 0, 0], Trend.STEADY),
        ([0, 0, 0, 1, 0, 0], Trend.STEADY),  # +0.33: below the threshold
        ([0, 0, 0, 1, 0, 1], Trend.IMPROVING),  # +0.67: means of 3 whole ratings move in thirds
        ([-1, 0, 0, 0, 0, 0], Trend.STEADY),  # +0.33
        ([-1, -1, 0, 0, 0, 1], Trend.IMPROVING),
        ([0, 0, 0, -1, 0, -1], Trend.WORSENING),
        ([2, 2, 2, 2, 2, 1], Trend.STEADY),  # -0.33
        ([9, 9, 9, 2, 2, 2, 0, 0, 0], Trend.WORSENING),  # only the last 6 weeks count
    ],
)
def test_trend(ratings, expected):
    assert trend(ratings) == expected


@pytest.mark.parametrize(
    "active,rated,days_used,expected",
    [
        (True, True, 3, WeekUse.USED),
        (True, True, None, WeekUse.USED),  # days not given: the rating says it was used
        (True, True, 0, WeekUse.NOT_USED),
        (True, False, None, WeekUse.NOT_USED),  # active, not rated
        (False, True, 2, WeekUse.USED),  # rated outside its dates: the rating wins
        (False, True, 0, WeekUse.NOT_USED),
        (False, False, None, None),  # before it started or after it stopped: says nothing
    ],
)
def test_week_use(active, rated, days_used, expected):
    assert week_use(active, rated, days_used) == expected


MONDAY = date(2026, 3, 2)


@pytest.mark.parametrize(
    "started,stopped,expected",
    [
        (None, None, True),
        (date(2026, 3, 8), None, True),  # started on the Sunday of the week
        (date(2026, 3, 9), None, False),  # starts the next week
        (date(2026, 1, 1), date(2026, 3, 2), True),  # stopped on the Monday
        (date(2026, 1, 1), date(2026, 3, 1), False),  # stopped the Sunday before
        (None, date(2026, 3, 4), True),
    ],
)
def test_active_in_week(started, stopped, expected):
    assert active_in_week(started, stopped, MONDAY) is expected


@pytest.mark.parametrize(
    "used,not_used,expected",
    [
        ([], [], None),
        ([4, 4], [6, 6, 6], None),  # 2 weeks used: not enough
        ([4, 4, 4], [6, 6], None),  # 2 weeks not used: not enough
        ([4, 4, 5], [6, 7, 6], WithWithout(4.3, 6.3, 3, 3)),
        ([3, 4, 5, 4], [5, 5, 5, 5, 6], WithWithout(4.0, 5.2, 4, 5)),
    ],
)
def test_with_without(used, not_used, expected):
    assert with_without(used, not_used) == expected


@pytest.mark.parametrize(
    "started, stopped, expected",
    [
        (None, None, True),  # no dates: in use since before the record
        (date(2025, 3, 10), None, True),  # started that day
        (date(2025, 3, 11), None, False),  # starts tomorrow
        (None, date(2025, 3, 10), True),  # stops that day: still in use on it
        (None, date(2025, 3, 9), False),  # stopped yesterday
        (date(2025, 1, 1), date(2025, 2, 1), False),
    ],
)
def test_in_use_on(started, stopped, expected):
    assert in_use_on(date(2025, 3, 10), started, stopped) is expected
