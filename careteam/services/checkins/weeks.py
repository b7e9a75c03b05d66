"""The weeks of the check-in: which week a date belongs to, and whether the patient may still fill it in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import select

from careteam.domain import checkins as rules
from careteam.extensions import db
from careteam.models import WeeklyCheckin
from careteam.services import clock
from careteam.services.errors import InvalidInput

OBJECT_TYPE = "weekly_checkin"


@dataclass(frozen=True)
class WeekWindow:
    """One ISO week as today sees it: may the patient still fill it in?"""

    week_start: date
    week_end: date
    editable_until: date
    editable: bool
    future: bool


def edit_days() -> int:
    return current_app.config["CARETEAM_CHECKIN_EDIT_DAYS"]


def week_window(week_start: date) -> WeekWindow:
    today = clock.today()
    return WeekWindow(
        week_start=week_start,
        week_end=rules.week_end(week_start),
        editable_until=rules.editable_until(week_start, edit_days()),
        editable=rules.is_editable(week_start, today, edit_days()),
        future=rules.is_future_week(week_start, today),
    )


def current_week() -> date:
    return rules.week_start_of(clock.today())


@dataclass(frozen=True)
class OpenWeek:
    week_start: date
    editable_until: date
    filled: bool


def open_weeks(patient_id: int) -> list[OpenWeek]:
    """The weeks the patient may fill in today, newest first, and whether each is done."""
    weeks = rules.fillable_weeks(clock.today(), edit_days())
    filled = set(db.session.scalars(
        select(WeeklyCheckin.week_start).where(WeeklyCheckin.patient_id == patient_id,
                                               WeeklyCheckin.week_start.in_(weeks))
    ))
    return [OpenWeek(w, rules.editable_until(w, edit_days()), w in filled) for w in weeks]



def week_or_refuse(week_start: date) -> None:
    if not rules.is_week_start(week_start):
        raise InvalidInput({"week_start": f"A week starts on a Monday: use {rules.week_start_of(week_start)}."})

