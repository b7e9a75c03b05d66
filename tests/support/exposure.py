"""Builders for exposure items, attempts, interventions and flare-up plans, written straight to
the database (no audit, no timeline). Each commits and returns ids, so no object outlives its app context."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from careteam.extensions import db
from careteam.models import ExposureAttempt, ExposureItem, FlareDay, FlarePlan, Intervention, User, utcnow


def add_item(patient_id: int, author: User, fear: int = 50, *, description: str | None = None,
             expectancy: int = 70, position: int | None = None, created_at: datetime | None = None) -> int:
    item = ExposureItem(patient_id=patient_id, description=description or f"Activity feared at {fear}",
                        fear_rating=fear, predicted_consequence="My back will give way", expectancy=expectancy,
                        position=position, created_by_id=author.id, created_at=created_at or utcnow())
    db.session.add(item)
    db.session.commit()
    return item.id


def add_attempts(item_id: int, logger: User, expectancies: list[tuple[int, int]],
                 first_day: date = date(2026, 1, 5)) -> list[int]:
    """One attempt per (before, after) pair, a day apart, the feared outcome not occurring."""
    attempts = [
        ExposureAttempt(item_id=item_id, attempted_on=first_day + timedelta(days=n), expectancy_before=before,
                        expectancy_after=after, feared_outcome_occurred=False, fear_after=None,
                        logged_by_id=logger.id, logged_by_role=logger.role)
        for n, (before, after) in enumerate(expectancies)
    ]
    db.session.add_all(attempts)
    db.session.commit()
    return [a.id for a in attempts]


def add_intervention(patient_id: int, author: User, name: str, tier: str = "immediate_relief",
                     stopped_on: date | None = None) -> int:
    intervention = Intervention(patient_id=patient_id, name=name, tier=tier, kind="other", details="",
                                started_on=date(2025, 6, 1), stopped_on=stopped_on,
                                introduced_by=author.role,
                                created_by_id=author.id)
    db.session.add(intervention)
    db.session.commit()
    return intervention.id


def add_flare_plan(patient_id: int, author: User, version: int = 1, tool_ids: tuple[int, ...] = (),
                   minimum_activity: str = "Walk 5 minutes twice a day") -> int:
    plan = FlarePlan(patient_id=patient_id, version=version, early_warning_signs="Stiff mornings",
                     minimum_activity=minimum_activity, return_to_plan="Back to full doses over a week",
                     seek_help="Red flags", reason="" if version == 1 else "Updated", created_by_id=author.id,
                     tools=[db.session.get(Intervention, i) for i in tool_ids])
    db.session.add(plan)
    db.session.commit()
    return plan.id


def add_flare_day(patient_id: int, recorder: User, day: date) -> None:
    db.session.add(FlareDay(patient_id=patient_id, day=day, recorded_by_id=recorder.id))
    db.session.commit()
