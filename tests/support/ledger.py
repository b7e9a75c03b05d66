"""Fast builders for the what-helped ledger and functional goals: rows inserted directly."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta

from sqlalchemy import insert

from careteam.extensions import db
from careteam.models import EffectRating, FunctionalGoal, GoalScore, Intervention, WeeklyCheckin


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def intervention(patient_id: int, created_by_id: int, name: str = "Heat pack", *,
                 tier: str = "immediate_relief", kind: str = "heat_or_cold",
                 introduced_by: str = "physiotherapist", details: str = "",
                 started_on: date | None = None, stopped_on: date | None = None) -> Intervention:
    item = Intervention(patient_id=patient_id, created_by_id=created_by_id, name=name, tier=tier, kind=kind,
                        introduced_by=introduced_by, details=details, started_on=started_on,
                        stopped_on=stopped_on)
    db.session.add(item)
    db.session.flush()
    return item


def checkin_weeks(patient_id: int, submitted_by_id: int, last_monday: date, count: int,
                  pain: Callable[[int], int] = lambda week: 5) -> list[WeeklyCheckin]:
    """`count` weekly check-ins ending with the week of `last_monday`, oldest first.
    pain(n) gives the average pain of the n-th week (0 = oldest)."""
    first = monday(last_monday) - timedelta(weeks=count - 1)
    checkins = []
    for n in range(count):
        level = pain(n)
        checkins.append(WeeklyCheckin(
            patient_id=patient_id, week_start=first + timedelta(weeks=n), pain_average=level,
            pain_worst=min(10, level + 2), enjoyment_interference=level, activity_interference=level,
            submitted_by_id=submitted_by_id,
        ))
    db.session.add_all(checkins)
    db.session.flush()
    return checkins


def rate(checkins: Sequence[WeeklyCheckin], intervention_id: int, ratings: Sequence[int | None],
         days_used: Sequence[int | None] | int | None = None) -> None:
    """One rating per check-in, in order; None skips that week. Inserted in one statement."""
    days = days_used if isinstance(days_used, Sequence) else [days_used] * len(ratings)
    rows = [{"checkin_id": c.id, "intervention_id": intervention_id, "rating": r, "days_used": d}
            for c, r, d in zip(checkins, ratings, days) if r is not None]
    if rows:
        db.session.execute(insert(EffectRating), rows)


def goal(patient_id: int, created_by_id: int, activity: str = "Sit through a 2-hour meeting", *,
         baseline: int = 3, target: int = 8, target_date: date | None = None,
         status: str = "active") -> FunctionalGoal:
    item = FunctionalGoal(patient_id=patient_id, created_by_id=created_by_id, activity=activity,
                          baseline_score=baseline, target_score=target, target_date=target_date, status=status)
    db.session.add(item)
    db.session.flush()
    return item


def scores(goal_id: int, scored_by_id: int, values: Sequence[int], last_day: date,
           checkins: Sequence[WeeklyCheckin] | None = None) -> None:
    """Weekly scores ending on `last_day`, oldest first; from `checkins` when given. One statement."""
    first = last_day - timedelta(weeks=len(values) - 1)
    rows = [{"goal_id": goal_id, "score": v, "scored_on": first + timedelta(weeks=n), "scored_by_id": scored_by_id,
             "checkin_id": checkins[n].id if checkins else None} for n, v in enumerate(values)]
    db.session.execute(insert(GoalScore), rows)


# name, tier, kind, introduced by, details, first rated week (of 26), ratings from then on, days used
DEMO_INTERVENTIONS = [
    ("Moist heat pack", "immediate_relief", "heat_or_cold", "physiotherapist", "15 minutes, evenings", 0,
     [1, 2, 1, None, 2, 1, 2, 2, None, 1, 2, 2, 1, None, 2, 1, 2, 2, None, 1, 2, 2, 1, 2, None, 2], 4),
    ("Slow breathing, 3 minutes", "immediate_relief", "breathing_or_relaxation", "psychologist",
     "When pain rises; 4 seconds in, 6 out", 4, [0, 0, 1, 0, 1, 1, 0, 1, 1, 1, 2, 1, 1, 2, 1, 2, 1, 2, 2, 1, 2, 2], 5),
    ("Micro-pacing", "stabilizing_habit", "pacing", "physiotherapist", "Stand 2 minutes every 25 minutes of sitting",
     6, [0, -1, 0, 1, 0, 1, 1, 1, 2, 1, 1, 2, 2, 1, 2, 2, 2, 2, 1, 2], None),
    ("Pregabalin", "long_term_modifier", "medication", "physician", "75 mg twice a day", 18,
     [0, -1, 0, -1, -2, -1, -1, -2], 7),
    ("Sleep routine", "stabilizing_habit", "sleep", "psychologist", "Same wake-up time, no screens after 22:00",
     8, [0, 0, 1, 0, 0, -1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0], 6),
    ("Graded walking", "long_term_modifier", "exercise", "physiotherapist", "Quota-based; now 25 minutes a day",
     2, [0, 0, 1, 1, 0, 1, 1, 1, 2, 1, 2, 1, -1, 0, 1, 2, 2, 1, 2, 2, 2, 2, 1, 2], 5),
    ("Hot bath with Epsom salt", "immediate_relief", "heat_or_cold", "patient", "", 24, [1, 2], 2),
]


def demo_like_history(patient_id: int, patient_user_id: int, clinician_ids: dict[str, int], today: date,
                      checkins: Sequence[WeeklyCheckin] | None = None) -> None:
    """Six months of ledger and goal history for screenshots; caller commits. `clinician_ids` by
    discipline. Rates the given 26 weekly check-ins (oldest first), or makes its own."""
    checkins = checkins or checkin_weeks(patient_id, patient_user_id, today, 26,
                                         lambda n: 9 if n == 14 else max(3, 7 - n // 5))
    for name, tier, kind, by, details, first, ratings, days in DEMO_INTERVENTIONS:
        created_by = clinician_ids.get(by, patient_user_id)
        item = intervention(patient_id, created_by, name, tier=tier, kind=kind, introduced_by=by, details=details,
                            started_on=checkins[first].week_start)
        rate(checkins[first:], item.id, ratings, days)
    intervention(patient_id, clinician_ids["physiotherapist"], "Lumbar support belt", tier="immediate_relief",
                 kind="other", introduced_by="physiotherapist", details="For long drives",
                 started_on=checkins[0].week_start - timedelta(weeks=20), stopped_on=checkins[0].week_start)
    meeting = goal(patient_id, clinician_ids["physiotherapist"], baseline=3, target=8, target_date=today + timedelta(weeks=8))
    scores(meeting.id, patient_user_id, [3, 3, 4, 4, 4, 5, 5, 4, 5, 6, 6, 6], today, checkins=checkins[-12:])
    grandson = goal(patient_id, clinician_ids["physician"], "Carry my grandson up the stairs", baseline=2, target=7,
                    target_date=today + timedelta(weeks=16))
    scores(grandson.id, patient_user_id, [2, 2, 3, 2, 3, 3], today, checkins=checkins[-6:])
    garden = goal(patient_id, clinician_ids["psychologist"], "Work in the garden for an hour", baseline=4, target=7,
                  status="achieved")
    scores(garden.id, clinician_ids["psychologist"], [5, 6, 7, 7], today - timedelta(weeks=2))
    goal(patient_id, clinician_ids["physiotherapist"], "Cycle to work again", baseline=1, target=6)
