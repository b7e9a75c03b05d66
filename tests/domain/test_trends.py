from __future__ import annotations

from datetime import date, timedelta

import pytest

from careteam.domain.trends import PainTrend, checkin_overdue, pain_trend

MON = date(2026, 11, 16)  # a Monday


def weeks(*values_back):
    """(weeks_before_latest, pain) pairs -> {week_start: pain}."""
    return {MON - timedelta(weeks=back): pain for back, pain in values_back}


@pytest.mark.parametrize(
    "data,trend,change",
    [
        ({}, PainTrend.UNKNOWN, None),
        (weeks((0, 6)), PainTrend.UNKNOWN, None),
        (weeks((0, 6), (1, 3), (2, 3)), PainTrend.UNKNOWN, None),  # nothing 3-5 weeks back
        (weeks((0, 6), (4, 4)), PainTrend.WORSENING, 2),  # exactly 2 points
        (weeks((0, 5), (4, 4)), PainTrend.STEADY, 1),
        (weeks((0, 2), (4, 5)), PainTrend.IMPROVING, -3),
        (weeks((0, 7), (3, 4)), PainTrend.WORSENING, 3),  # 3 weeks back still counts
        (weeks((0, 7), (5, 5)), PainTrend.WORSENING, 2),  # so do 5
        (weeks((0, 7), (6, 2)), PainTrend.UNKNOWN, None),  # 6 is too far
        (weeks((0, 7), (3, 6), (4, 4), (5, 2)), PainTrend.WORSENING, 3),  # closest to four weeks wins
        (weeks((0, 7), (3, 4), (5, 6)), PainTrend.STEADY, 1),  # 3 and 5 equally far: the earlier (5) wins
    ],
)
def test_pain_trend(data, trend, change):
    result = pain_trend(data)
    assert (result.trend, result.change) == (trend, change)


def test_pain_trend_reports_the_latest_value():
    assert pain_trend(weeks((0, 6), (4, 4))).latest == 6


@pytest.mark.parametrize(
    "last,today,overdue",
    [
        (None, date(2026, 11, 21), True),
        (date(2026, 11, 21), date(2026, 11, 21), False),
        (date(2026, 11, 8), date(2026, 11, 21), False),  # 13 days
        (date(2026, 11, 7), date(2026, 11, 21), True),  # 14 days
        (date(2026, 1, 1), date(2026, 11, 21), True),
    ],
)
def test_checkin_overdue(last, today, overdue):
    assert checkin_overdue(last, today) is overdue
