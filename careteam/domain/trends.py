"""Flags on the clinician's patient list.

- Pain trend: the latest weekly pain average against the one about four weeks earlier (a
  check-in 3 to 5 weeks before the latest). A rise of 2 points or more is flagged as worsening;
  a fall of 2 or more is shown as improving. Without an earlier check-in in that window the
  trend is unknown: a gap in the data is not a trend.
- Overdue: no check-in submitted for 14 days or more (or never) is flagged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

WORSENING_POINTS = 2
OVERDUE_DAYS = 14
COMPARE_FROM_WEEKS, COMPARE_TO_WEEKS = 3, 5


class PainTrend(StrEnum):
    WORSENING = "worsening"
    IMPROVING = "improving"
    STEADY = "steady"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class TrendResult:
    trend: PainTrend
    latest: int | None
    change: int | None  # latest minus about four weeks before


def pain_trend(weekly_pain: dict[date, int]) -> TrendResult:
    """`weekly_pain` maps week start (Monday) to that week's pain average."""
    if not weekly_pain:
        return TrendResult(PainTrend.UNKNOWN, None, None)
    latest_week = max(weekly_pain)
    latest = weekly_pain[latest_week]
    window = [
        week
        for week in weekly_pain
        if timedelta(weeks=COMPARE_FROM_WEEKS) <= latest_week - week <= timedelta(weeks=COMPARE_TO_WEEKS)
    ]
    if not window:
        return TrendResult(PainTrend.UNKNOWN, latest, None)
    # The check-in closest to exactly four weeks earlier; on a tie, the earlier one.
    earlier = min(window, key=lambda week: (abs((latest_week - week).days - 28), week))
    change = latest - weekly_pain[earlier]
    if change >= WORSENING_POINTS:
        trend = PainTrend.WORSENING
    elif change <= -WORSENING_POINTS:
        trend = PainTrend.IMPROVING
    else:
        trend = PainTrend.STEADY
    return TrendResult(trend, latest, change)


def checkin_overdue(last_checkin_on: date | None, today: date) -> bool:
    return last_checkin_on is None or (today - last_checkin_on).days >= OVERDUE_DAYS
