"""Weekly trends from check-ins (pain average and worst, PEG, sleep quality, stress, mood, and the
patient's own words), as data and as small-multiple SVG charts. The record view (services/record)
shows the last 12 weeks or the summary's period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from markupsafe import Markup
from sqlalchemy import bindparam, select

from careteam.domain.checkins import peg_score, week_start_of
from careteam.models import WeeklyCheckin
from careteam.queries import PATIENT_ID, rows
from careteam.summary.charts import LineChart, Series, render_small_multiples


@dataclass(frozen=True)
class WeekPoint:
    week_start: date
    pain_average: int | None
    pain_worst: int | None
    peg: float | None
    sleep_quality: int | None
    sleep_hours: float | None
    stress: int | None
    mood: int | None
    flare_days: int | None
    red_flags: tuple[str, ...]
    helped_most: str = ""  # the patient's own words
    did_not_help: str = ""


WEEKS = (select(WeeklyCheckin.week_start, WeeklyCheckin.pain_average, WeeklyCheckin.pain_worst,
                WeeklyCheckin.enjoyment_interference, WeeklyCheckin.activity_interference, WeeklyCheckin.sleep_quality,
                WeeklyCheckin.sleep_hours, WeeklyCheckin.stress, WeeklyCheckin.mood, WeeklyCheckin.flare_days,
                WeeklyCheckin.red_flags, WeeklyCheckin.helped_most, WeeklyCheckin.did_not_help)
         .where(WeeklyCheckin.patient_id == PATIENT_ID, WeeklyCheckin.week_start >= bindparam("first_week"),
                WeeklyCheckin.week_start <= bindparam("last_week")))


def _point(week: date, checkin) -> WeekPoint:
    if checkin is None:
        return WeekPoint(week, None, None, None, None, None, None, None, None, ())
    peg = peg_score(checkin.pain_average, checkin.enjoyment_interference, checkin.activity_interference)
    return WeekPoint(
        week, checkin.pain_average, checkin.pain_worst, peg, checkin.sleep_quality,
        checkin.sleep_hours, checkin.stress, checkin.mood, checkin.flare_days, tuple(checkin.red_flags or ()),
        (checkin.helped_most or "").strip(), (checkin.did_not_help or "").strip(),
    )


def weekly_points(patient_id: int, first_week: date, last_week: date) -> list[WeekPoint]:
    """One point per ISO week from first_week to last_week (Mondays); weeks without a check-in
    have no values, so charts show a gap instead of inventing a line. One query."""
    first_week, last_week = week_start_of(first_week), week_start_of(last_week)
    by_week = {c.week_start: c for c in rows(WEEKS, patient_id=patient_id, first_week=first_week, last_week=last_week)}
    weeks = (last_week - first_week).days // 7 + 1
    return [_point(first_week + timedelta(weeks=i), by_week.get(first_week + timedelta(weeks=i))) for i in range(weeks)]


def last_weeks(patient_id: int, today: date, count: int = 12) -> list[WeekPoint]:
    last = week_start_of(today)
    return weekly_points(patient_id, last - timedelta(weeks=count - 1), last)


# Measure groups of the weekly check-in, each charted on its own axis: pain and its interference
# (higher is worse), stress (higher is worse), sleep quality and mood (higher is better).
TREND_GROUPS = (
    ("Pain and interference", "0–10, higher is worse",
     (("Pain average", "pain_average"), ("Pain worst", "pain_worst"), ("PEG", "peg"))),
    ("Stress", "0–10, higher is worse", (("Stress", "stress"),)),
    ("Sleep quality and mood", "0–10, higher is better", (("Sleep quality", "sleep_quality"), ("Mood", "mood"))),
)


def trend_charts(points: list[WeekPoint], title: str = "Weekly check-ins") -> list[LineChart]:
    """One chart per measure group that has any value; a series without values is left out."""
    labels = [p.week_start.strftime("%-d %b") for p in points]
    period = f"from {labels[0]} to {labels[-1]}" if labels else ""
    charts = []
    for heading, axis, members in TREND_GROUPS:
        series = [Series(name, [getattr(p, attribute) for p in points]) for name, attribute in members]
        series = [s for s in series if any(v is not None for v in s.values)]
        if not series:
            continue
        charts.append(LineChart(
            title=f"{title}: {heading.lower()}", heading=heading, y_label=axis, x_labels=labels, series=series,
            description=f"{heading}, weekly, {period}, on a scale of {axis}.", point_word="weeks",
        ))
    return charts


def trend_chart(points: list[WeekPoint], title: str = "Weekly check-ins") -> Markup:
    """The weekly trends as small multiples (the same markup on the pages and in the PDF)."""
    charts = trend_charts(points, title)
    if not charts:
        return Markup("")
    return render_small_multiples(charts, title)
