"""Builders for check-in tests: a fixed "today", the week's interventions, exercises and goals, and
the form and JSON bodies a patient sends. Rows are written straight to the database and ids are
returned, so no object outlives its app context."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from careteam.extensions import db
from careteam.models import (
    ExerciseDose,
    ExercisePrescription,
    ExerciseSession,
    FlareDay,
    FunctionalGoal,
    Intervention,
    WeeklyCheckin,
)
from careteam.services import clock

TODAY = date(2026, 3, 11)  # a Wednesday
THIS_WEEK = date(2026, 3, 9)
LAST_WEEK = date(2026, 3, 2)  # open until Sunday 15 March (7 edit days)
LOCKED_WEEK = date(2026, 2, 23)  # closed on Sunday 8 March
NEXT_WEEK = date(2026, 3, 16)


@pytest.fixture
def today(monkeypatch):
    """Services see TODAY as today."""
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    return TODAY


def intervention(patient_id: int, author_id: int, name: str = "Heat pack", *, started_on: date | None = None,
                 stopped_on: date | None = None) -> int:
    item = Intervention(patient_id=patient_id, created_by_id=author_id, name=name, tier="immediate_relief",
                        kind="heat_or_cold", introduced_by="physiotherapist", details="15 minutes",
                        started_on=started_on, stopped_on=stopped_on)
    db.session.add(item)
    db.session.commit()
    return item.id


def prescription(patient_id: int, author_id: int, name: str = "Bridge", *, sessions_per_week: int = 3,
                 doses: tuple[int, ...] = (), effective_from: date = date(2026, 1, 5),
                 ended_on: date | None = None) -> int:
    """A prescription whose first dose has `sessions_per_week`; each of `doses` adds a newer dose."""
    item = ExercisePrescription(patient_id=patient_id, name=name, created_by_id=author_id, ended_on=ended_on)
    db.session.add(item)
    for number, per_week in enumerate((sessions_per_week, *doses), start=1):
        db.session.add(ExerciseDose(prescription=item, number=number, sets=3, reps=10, sessions_per_week=per_week,
                                    effective_from=effective_from + timedelta(days=number - 1),
                                    reason=f"dose {number}", changed_by_id=author_id))
    db.session.commit()
    return item.id


def sessions(prescription_id: int, logger_id: int, days: list[date]) -> None:
    item = db.session.get(ExercisePrescription, prescription_id)
    dose = item.doses[-1]
    db.session.add_all(ExerciseSession(prescription_id=item.id, patient_id=item.patient_id, dose_id=dose.id,
                                       performed_on=day, sets_done=3, reps_done=10, logged_by_id=logger_id)
                       for day in days)
    db.session.commit()


def goal(patient_id: int, author_id: int, activity: str = "Sit through a 2-hour meeting", *,
         status: str = "active") -> int:
    item = FunctionalGoal(patient_id=patient_id, activity=activity, baseline_score=3, target_score=8,
                          status=status, created_by_id=author_id)
    db.session.add(item)
    db.session.commit()
    return item.id


def flare_days(patient_id: int, recorder_id: int, days: list[date]) -> None:
    db.session.add_all(FlareDay(patient_id=patient_id, day=day, recorded_by_id=recorder_id) for day in days)
    db.session.commit()


def weeks_of_checkins(patient_id: int, submitter_id: int, count: int, last: date = LAST_WEEK) -> None:
    """`count` check-ins ending with the week of `last`, with a red flag every fifth week."""
    db.session.add_all(
        WeeklyCheckin(patient_id=patient_id, week_start=last - timedelta(weeks=n), pain_average=4, pain_worst=6,
                      enjoyment_interference=3, activity_interference=5, sleep_hours=7, sleep_quality=6,
                      stress=4, mood=6, flare_days=n % 3, red_flags=["night_pain_unrelieved"] if n % 5 == 0 else [],
                      submitted_by_id=submitter_id)
        for n in range(count)
    )
    db.session.commit()


def form(**changes) -> dict:
    """What the HTML form posts for a plain week: the four pain questions and a few more."""
    data = {"pain_average": "4", "pain_worst": "6", "enjoyment_interference": "3", "activity_interference": "5",
            "sleep_hours": "7", "sleep_quality": "6", "stress": "4", "mood": "6", "flare_days": "1",
            "helped_most": "", "did_not_help": "", "question": ""}
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def body(**changes) -> dict:
    """The JSON body of a PUT for a plain week."""
    data = {"pain_average": 4, "pain_worst": 6, "enjoyment_interference": 3, "activity_interference": 5,
            "sleep_hours": 7.5, "sleep_quality": 6, "stress": 4, "mood": 6, "flare_days": 1}
    data.update(changes)
    return data
