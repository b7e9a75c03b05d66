"""The record's change timeline. Every service that changes a record adds one entry here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import bindparam, select

from careteam.domain.policy import Action, Part, allowed
from careteam.extensions import db
from careteam.models import RecordEvent, User
from careteam.queries import PATIENT_ID, Person, rows
from careteam.services.access import relation_to

SUMMARY_LENGTH = 300


def record_change(
    actor: User,
    patient_id: int,
    part: Part,
    object_type: str,
    object_id: int | None,
    summary: str,
    reason: str = "",
    changes: dict[str, tuple | list] | None = None,
) -> None:
    """Add an entry to the current transaction; the use case's commit writes it.

    `changes` keeps the values replaced, {field: (before, after)}, JSON-serialisable
    (dates as ISO strings); fields whose value did not change are left out.

    `summary` says what changed in a few words ("Dose of Bridge: 3×10 → 3×12"); `reason` is
    the clinician's why. Readers see only entries of parts they may read.
    """
    db.session.add(
        RecordEvent(
            patient_id=patient_id,
            actor_id=actor.id,
            actor_role=actor.role,
            part=part.value,
            object_type=object_type,
            object_id=object_id,
            summary=summary[:SUMMARY_LENGTH],
            reason=reason or "",
            changes=_changed_only(changes),
        )
    )


def values_of(row, fields) -> dict:
    """The fields' values now; after the change, `changes_since` pairs them with the new ones."""
    return {name: getattr(row, name) for name in fields}


def changes_since(before: dict, row) -> dict[str, tuple]:
    """{field: (before, after)} for the fields of `before`; record_change drops unchanged ones."""
    return {name: (value, getattr(row, name)) for name, value in before.items()}


def _json_value(value):
    if isinstance(value, Decimal):
        return float(value)
    return value.isoformat() if hasattr(value, "isoformat") else value


def _changed_only(changes: dict[str, tuple | list] | None) -> dict[str, list] | None:
    if not changes:
        return None
    kept = {field: [_json_value(before), _json_value(after)] for field, (before, after) in changes.items()
            if before != after}
    return kept or None


def readable_parts(viewer: User, patient_id: int) -> list[str]:
    relation = relation_to(viewer, patient_id)
    return [p.value for p in Part if allowed(viewer.role_enum, relation, p, Action.READ)]


@dataclass(frozen=True)
class ChangeRow:
    """A timeline entry as the record view shows it."""

    id: int
    occurred_at: datetime
    actor_id: int
    actor: Person
    actor_role: str
    part: str
    object_type: str
    object_id: int | None
    summary: str
    reason: str
    changes: dict | None


RECENT_CHANGES = (select(RecordEvent.id, RecordEvent.occurred_at, RecordEvent.actor_id, User.name,
                         RecordEvent.actor_role, RecordEvent.part, RecordEvent.object_type, RecordEvent.object_id,
                         RecordEvent.summary, RecordEvent.reason, RecordEvent.changes)
                  .join(User, User.id == RecordEvent.actor_id)
                  .where(RecordEvent.patient_id == PATIENT_ID, RecordEvent.part.in_(bindparam("parts", expanding=True)))
                  .order_by(RecordEvent.occurred_at.desc(), RecordEvent.id.desc())
                  .limit(bindparam("limit")))


def recent_changes(viewer: User, patient_id: int, limit: int = 20) -> list[ChangeRow]:
    """The newest changes the viewer may see. The caller has authorized the viewer already."""
    return [ChangeRow(r.id, r.occurred_at, r.actor_id, Person(r.actor_id, r.name), r.actor_role, r.part,
                      r.object_type, r.object_id, r.summary, r.reason, r.changes)
            for r in rows(RECENT_CHANGES, patient_id=patient_id, parts=readable_parts(viewer, patient_id),
                          limit=limit)]
