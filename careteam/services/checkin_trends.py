"""Weekly trends from check-ins (pain average and worst, PEG, sleep quality, stress, mood, and the
patient's own words), as data and as small-multiple SVG charts. The record view (services/record)
shows the last 12 weeks or the summary's period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from markupsafe import Markup
from sqlalchemy import select

from careteam.domain.checkins import week_start_of
from careteam.extensions import db
from careteam.models import WeeklyCheckin
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


def _point(week: date, checkin: WeeklyCheckin | None) -> WeekPoint:
    if checkin is None:
        return WeekPoint(week, None, None, None, None, None, None, None, None, ())
    return WeekPoint(
        week, checkin.pain_average, checkin.pain_worst, checkin.peg_score, checkin.sleep_quality,
        checkin.sleep_hours, checkin.stress, checkin.mood, checkin.flare_days, tuple(checkin.red_flags or ()),
        (checkin.helped_most or "").strip(), (checkin.did_not_help or "").strip(),
    )


def weekly_points(patient_id: int, first_week: date, last_week: date) -> list[WeekPoint]:
    """One point per ISO week from first_week to last_week (Mondays); weeks without a check-in
    have no values, so charts show a gap instead of inventing a line. One query."""
    first_week, last_week = week_start_of(first_week), week_start_of(last_week)
    rows = db.session.scalars(
        select(WeeklyCheckin).where(
            WeeklyCheckin.patient_id == patient_id,
            WeeklyCheckin.week_start >= first_week,
            WeeklyCheckin.week_start <= last_week,
        )
    )
    by_week = {c.week_start: c for c in rows}
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
