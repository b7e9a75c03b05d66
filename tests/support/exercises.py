"""Builders for exercise prescriptions, doses, sessions and check-in counts, written straight to
the database (no audit, no timeline). Each commits and returns ids, so no object outlives its
app context. Call them inside `with app.app_context():`."""

from __future__ import annotations

from datetime import date, datetime, time, timezone

from sqlalchemy import select

from careteam.extensions import db
from careteam.models import (
    CheckinExerciseCount,
    ExerciseDose,
    ExercisePrescription,
    ExerciseSession,
    User,
    WeeklyCheckin,
)

BRIDGE = {"sets": 3, "reps": 10, "sessions_per_week": 3}


def _noon(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=timezone.utc)


def add_prescription(patient_id: int, author: User, *doses: dict, name: str = "Bridge",
                     started_on: date = date(2026, 1, 5), ended_on: date | None = None) -> int:
    """A prescription with its doses (default: one, 3 × 10, 3×/week), numbered 1, 2, …

    Each dose dict holds dose values and may carry `effective_from`; doses without one start
    on `started_on`. The version counts the doses, as the service would leave it.
    """
    prescription = ExercisePrescription(patient_id=patient_id, name=name, instructions="Lie on your back.",
                                        equipment="", created_by_id=author.id, ended_on=ended_on)
    db.session.add(prescription)
    for number, values in enumerate(doses or (BRIDGE,), start=1):
        values = {"effective_from": started_on, **values}
        db.session.add(ExerciseDose(prescription=prescription, number=number, reason=f"Dose {number}",
                                    changed_by_id=author.id, changed_at=_noon(values["effective_from"]),
                                    **values))
    db.session.flush()
    prescription.version = len(doses or (BRIDGE,))
    db.session.commit()
    return prescription.id


def add_sessions(prescription_id: int, logger: User, rows: list[tuple]) -> list[int]:
    """Sessions from (day, pain_before, pain_after, next_day_response) rows, on the dose in effect."""
    prescription = db.session.get(ExercisePrescription, prescription_id)
    sessions = []
    for day, before, after, response in rows:
        dose = [d for d in prescription.doses if d.effective_from <= day][-1]
        sessions.append(ExerciseSession(
            prescription_id=prescription_id, patient_id=prescription.patient_id, dose_id=dose.id,
            performed_on=day, sets_done=dose.sets, reps_done=dose.reps, pain_before=before, pain_after=after,
            next_day_response=response, responded_at=_noon(day) if response else None, logged_by_id=logger.id))
    db.session.add_all(sessions)
    db.session.commit()
    return [s.id for s in sessions]


def add_checkin_count(patient_id: int, prescription_id: int, week_start: date, sessions_done: int,
                      submitter: User) -> int:
    """The week's check-in (made if missing) reporting `sessions_done` sessions of the exercise."""
    checkin = db.session.scalar(select(WeeklyCheckin).where(WeeklyCheckin.patient_id == patient_id,
                                                            WeeklyCheckin.week_start == week_start))
    if checkin is None:
        checkin = WeeklyCheckin(patient_id=patient_id, week_start=week_start, pain_average=4, pain_worst=6,
                                enjoyment_interference=4, activity_interference=4, submitted_by_id=submitter.id)
    checkin.exercise_counts.append(CheckinExerciseCount(prescription_id=prescription_id,
                                                        sessions_done=sessions_done))
    db.session.add(checkin)
    db.session.commit()
    return checkin.id
