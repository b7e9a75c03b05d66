"""What the weekly effect ratings say about an intervention: verdict, trend, with/without pain.

Ratings run from -2 (made it much worse) to +2 (helped a lot), one per rated week, oldest
first. The verdict rules, checked in this order:

1. fewer than 3 rated weeks (MIN_WEEKS)                                   -> too_early
2. mean <= -0.5 (WORSE_MEAN), or at least 2 of the last 3 weeks negative  -> makes_worse
   (safety first: a harmful intervention must not hide behind an old positive average)
3. mean >= +0.75 (HELPS_MEAN) and at most 20 % of weeks negative          -> helps
4. at least 25 % of weeks >= +1 and at least 25 % of weeks <= -1          -> mixed
5. anything else                                                          -> does_not_help

"Negative" means a rating below 0. The trend compares the mean of the last 3 rated weeks with
the mean of the 3 before: a difference of at least 0.5 either way is improving / worsening,
less is steady; with fewer than 6 rated weeks there is no trend (None).

Mean weekly pain with and without the intervention is only compared when there are at least 3
weeks of each. A week counts as "used" when the patient rated the intervention and either
used it at least one day or did not say how many days; "not used" when the rating says 0
days, or when the intervention was active that week and the check-in did not rate it.
This is an observation, not proof: pain varies for many reasons.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from statistics import fmean

from careteam.domain.vocabulary import Verdict

MIN_WEEKS = 3
WORSE_MEAN = -0.5
RECENT_WEEKS = 3
RECENT_NEGATIVE_FOR_WORSE = 2
HELPS_MEAN = 0.75
HELPS_MAX_NEGATIVE_SHARE = 0.2
MIXED_MIN_SHARE = 0.25
TREND_WINDOW = 3
TREND_THRESHOLD = 0.5
MIN_WEEKS_EACH_FOR_COMPARISON = 3


class Trend(StrEnum):
    IMPROVING = "improving"
    STEADY = "steady"
    WORSENING = "worsening"


def _share(ratings: Sequence[int], predicate) -> float:
    return sum(1 for r in ratings if predicate(r)) / len(ratings)


def verdict(ratings: Sequence[int]) -> Verdict:
    """The verdict for an intervention's weekly ratings, oldest first (see the module doc)."""
    if len(ratings) < MIN_WEEKS:
        return Verdict.TOO_EARLY
    mean = fmean(ratings)
    recent_negative = sum(1 for r in ratings[-RECENT_WEEKS:] if r < 0)
    if mean <= WORSE_MEAN or recent_negative >= RECENT_NEGATIVE_FOR_WORSE:
        return Verdict.MAKES_WORSE
    if mean >= HELPS_MEAN and _share(ratings, lambda r: r < 0) <= HELPS_MAX_NEGATIVE_SHARE:
        return Verdict.HELPS
    if _share(ratings, lambda r: r >= 1) >= MIXED_MIN_SHARE and _share(ratings, lambda r: r <= -1) >= MIXED_MIN_SHARE:
        return Verdict.MIXED
    return Verdict.DOES_NOT_HELP


def trend(ratings: Sequence[int]) -> Trend | None:
    """Last 3 rated weeks against the 3 before; None with fewer than 6 rated weeks."""
    if len(ratings) < 2 * TREND_WINDOW:
        return None
    recent = fmean(ratings[-TREND_WINDOW:])
    before = fmean(ratings[-2 * TREND_WINDOW:-TREND_WINDOW])
    if recent - before >= TREND_THRESHOLD:
        return Trend.IMPROVING
    if before - recent >= TREND_THRESHOLD:
        return Trend.WORSENING
    return Trend.STEADY


class WeekUse(StrEnum):
    USED = "used"
    NOT_USED = "not_used"


def week_use(active: bool, rated: bool, days_used: int | None) -> WeekUse | None:
    """Whether a check-in week counts as a week with or without the intervention.

    None: the week says nothing about it (not active and not rated).
    """
    if rated:
        return WeekUse.NOT_USED if days_used == 0 else WeekUse.USED
    return WeekUse.NOT_USED if active else None


def in_use_on(day: date, started_on: date | None, stopped_on: date | None) -> bool:
    """Whether an intervention is in use on `day` (no start date: in use since before the record)."""
    started = started_on is None or started_on <= day
    return started and (stopped_on is None or stopped_on >= day)


def active_in_week(started_on: date | None, stopped_on: date | None, week_start: date) -> bool:
    """Whether an intervention was in use on any day of the ISO week starting `week_start`."""
    week_end = week_start + timedelta(days=6)
    started = started_on is None or started_on <= week_end
    return started and (stopped_on is None or stopped_on >= week_start)


@dataclass(frozen=True)
class WithWithout:
    """Mean weekly pain (0-10) on weeks with and without the intervention."""

    pain_used: float
    pain_not_used: float
    weeks_used: int
    weeks_not_used: int


def with_without(pain_by_week_used: Sequence[int | float],
                 pain_by_week_not_used: Sequence[int | float]) -> WithWithout | None:
    """Mean pain on weeks used vs. not used, when there are at least 3 weeks of each."""
    if min(len(pain_by_week_used), len(pain_by_week_not_used)) < MIN_WEEKS_EACH_FOR_COMPARISON:
        return None
    return WithWithout(
        pain_used=round(fmean(pain_by_week_used), 1),
        pain_not_used=round(fmean(pain_by_week_not_used), 1),
        weeks_used=len(pain_by_week_used),
        weeks_not_used=len(pain_by_week_not_used),
    )
