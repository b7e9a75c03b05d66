"""A patient's exposure hierarchy as plain rows: each item with who marked it mastered and its
attempts' expectancies, for reads of the whole hierarchy (its page and API, the dashboard, the
handover summary, FHIR). Two prebuilt column statements instead of entities with two
`selectinload`s; changes to items keep the entities (`exposure._items`, `_own_item`).

The rows carry the attribute names of the models, so the ordering rules, templates and API
schemas read them unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from careteam.models import ExposureAttempt, ExposureItem, User
from careteam.queries import PATIENT_ID, Person, grouped, rows


@dataclass(frozen=True)
class AttemptPoint:
    id: int
    attempted_on: date
    expectancy_before: int
    expectancy_after: int


@dataclass(frozen=True)
class ExposureItemRow:
    id: int
    description: str
    fear_rating: int
    predicted_consequence: str
    expectancy: int
    position: int | None
    mastered_at: datetime | None
    mastered_by_id: int | None
    mastery_reason: str
    created_by_id: int
    created_at: datetime
    version: int
    mastered_by: Person | None  # a clinician who marked it mastered
    attempts: tuple[AttemptPoint, ...]  # oldest first


ITEMS = (
    select(ExposureItem.id, ExposureItem.description, ExposureItem.fear_rating, ExposureItem.predicted_consequence,
           ExposureItem.expectancy, ExposureItem.position, ExposureItem.mastered_at, ExposureItem.mastered_by_id,
           ExposureItem.mastery_reason, ExposureItem.created_by_id, ExposureItem.created_at, ExposureItem.version,
           User.name)
    .outerjoin(User, User.id == ExposureItem.mastered_by_id)
    .where(ExposureItem.patient_id == PATIENT_ID)
)
ATTEMPTS = (
    select(ExposureAttempt.item_id, ExposureAttempt.id, ExposureAttempt.attempted_on,
           ExposureAttempt.expectancy_before, ExposureAttempt.expectancy_after)
    .join(ExposureItem, ExposureItem.id == ExposureAttempt.item_id)
    .where(ExposureItem.patient_id == PATIENT_ID)
    .order_by(ExposureAttempt.attempted_on, ExposureAttempt.id)
)


def item_rows(patient_id: int) -> list[ExposureItemRow]:
    """Every item of the patient's hierarchy (unordered: the rules order them); one statement
    without items, two with."""
    items = rows(ITEMS, patient_id=patient_id)
    if not items:
        return []
    attempts = grouped(ATTEMPTS, AttemptPoint, patient_id=patient_id)
    return [ExposureItemRow(*item[:-1], Person(item.mastered_by_id, item.name) if item.mastered_by_id else None,
                            tuple(attempts[item.id]))
            for item in items]
