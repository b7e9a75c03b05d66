"""Weekly trends from check-ins (pain average and worst, PEG, sleep quality, stress), as data
and as one SVG chart. The record view (services/record) shows the last 12 weeks or the summary's period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from markupsafe import Markup
from sqlalchemy import select

from careteam.domain.checkins import week_start_of
from careteam.extensions import db
from careteam.models import WeeklyCheckin
from careteam.summary.charts import LineChart, Series, render_line_chart


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


def _point(week: date, checkin: WeeklyCheckin | None) -> WeekPoint:
    if checkin is None:
        return WeekPoint(week, None, None, None, None, None, None, None, None, ())
    return WeekPoint(
        week, checkin.pain_average, checkin.pain_worst, checkin.peg_score, checkin.sleep_quality,
        checkin.sleep_hours, checkin.stress, checkin.mood, checkin.flare_days, tuple(checkin.red_flags or ()),
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


def trend_chart(points: list[WeekPoint], title: str = "Weekly check-ins", width: int = 640, height: int = 240) -> Markup:
    labels = [p.week_start.strftime("%-d %b") for p in points]
    chart = LineChart(
        title=title,
        description=(
            f"Weekly pain (average and worst), PEG score, sleep quality and stress from "
            f"{labels[0] if labels else ''} to {labels[-1] if labels else ''}, on a 0 to 10 scale."
        ),
        x_labels=labels,
        series=[
            Series("Pain average", [p.pain_average for p in points], color="#a4161a"),
            Series("Pain worst", [p.pain_worst for p in points], color="#a4161a", dashed=True, show_points=False),
            Series("PEG", [p.peg for p in points], color="#6b3fa0"),
            Series("Sleep quality", [p.sleep_quality for p in points], color="#1a56db"),
            Series("Stress", [p.stress for p in points], color="#8a5300", dashed=True),
        ],
        y_label="0–10",
        width=width,
        height=height,
    )
    return render_line_chart(chart)
