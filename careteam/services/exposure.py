"""Graded exposure: the psychologist keeps the hierarchy; psychologist, physiotherapist and
patient log attempts; mastery follows the attempts (or a psychologist's mark)."""

from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Sequence
from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from careteam.domain import exposure as rules
from careteam.domain.policy import Action, Part
from careteam.extensions import db
from careteam.models import ExposureAttempt, ExposureItem, Patient, User
from careteam.services import audit, clock, timeline
from careteam.services.access import authorize
from careteam.services.errors import Conflict, InvalidInput, NotFound
from careteam.services.exposure_rows import AttemptPoint, ExposureItemRow, item_rows

ITEM_FIELDS = ("description", "fear_rating", "predicted_consequence", "expectancy")
SHORT = 60  # characters of an item's description in timeline summaries


@dataclass
class ItemProgress:
    item: ExposureItemRow
    attempts_count: int
    last_expectancy_before: int | None
    last_expectancy_after: int | None
    last_attempted_on: date | None
    suggested: bool = False

    @property
    def mastered(self) -> bool:
        return self.item.mastered_at is not None


@dataclass
class ExposureProgress:
    """The hierarchy in order with each item's state; shared by the page, API, dashboard and PDF."""

    patient_id: int
    threshold: int
    items: list[ItemProgress]
    suggested_next: ItemProgress | None

    @property
    def mastered_count(self) -> int:
        return sum(1 for p in self.items if p.mastered)


@dataclass
class AttemptView:
    attempt: ExposureAttempt
    lesson: rules.Disconfirmation


@dataclass
class ItemDetail:
    progress: ItemProgress
    attempts: list[AttemptView]  # oldest first
    threshold: int

    @property
    def item(self) -> ExposureItemRow:
        return self.progress.item


def threshold() -> int:
    return current_app.config["CARETEAM_MASTERY_THRESHOLD"]


def _chronological(attempts: Sequence[ExposureAttempt | AttemptPoint]) -> list:
    return sorted(attempts, key=lambda a: (a.attempted_on, a.id))


def _progress_of(item: ExposureItemRow) -> ItemProgress:
    attempts = _chronological(item.attempts)
    last = attempts[-1] if attempts else None
    return ItemProgress(
        item=item,
        attempts_count=len(attempts),
        last_expectancy_before=last.expectancy_before if last else None,
        last_expectancy_after=last.expectancy_after if last else None,
        last_attempted_on=last.attempted_on if last else None,
    )


def _items(patient_id: int) -> list[ExposureItem]:
    return list(
        db.session.scalars(
            select(ExposureItem)
            .where(ExposureItem.patient_id == patient_id)
            .options(selectinload(ExposureItem.attempts), selectinload(ExposureItem.mastered_by))
        )
    )


def exposure_progress(patient_id: int) -> ExposureProgress:
    """The hierarchy of one patient, in order, as plain rows from two prebuilt statements. No
    access check: the caller (a page, the dashboard, the PDF) has authorized the reader for
    Part.EXPOSURE already."""
    ordered = rules.hierarchy_order(item_rows(patient_id))
    progress = [_progress_of(item) for item in ordered]
    next_item = rules.suggested_next(ordered)
    suggested = next((p for p in progress if p.item is next_item), None)
    if suggested is not None:
        suggested.suggested = True
    return ExposureProgress(patient_id, threshold(), progress, suggested)


def _record_read(actor: User, patient_id: int, object_type: str, object_id: int | None = None) -> None:
    """Audit a read once it is known to be allowed, and commit before loading what is shown:
    a commit expires loaded objects, and reloading them one by one would cost a query each."""
    audit.record("read", actor=actor, patient_id=patient_id, object_type=object_type, object_id=object_id)
    db.session.commit()


def hierarchy(actor: User, patient_id: int) -> tuple[Patient, ExposureProgress]:
    patient = authorize(actor, patient_id, Part.EXPOSURE, Action.READ, object_type="exposure_hierarchy")
    _record_read(actor, patient.id, "exposure_hierarchy")
    return patient, exposure_progress(patient.id)


def _own_item(patient_id: int, item_id: int) -> ExposureItem:
    item = db.session.get(ExposureItem, item_id)
    if item is None or item.patient_id != patient_id:
        raise NotFound()
    return item


def item_detail(actor: User, patient_id: int, item_id: int,
                action: Action = Action.READ) -> tuple[Patient, ItemDetail]:
    """An item with its attempts; `action` is what the reader means to do next (the edit and
    log forms ask for WRITE and LOG, so nobody is shown a form they may not send)."""
    patient = authorize(actor, patient_id, Part.EXPOSURE, action, object_type="exposure_item",
                        object_id=item_id)
    _own_item(patient.id, item_id)
    _record_read(actor, patient.id, "exposure_item", item_id)
    progress = exposure_progress(patient.id)
    match = next(p for p in progress.items if p.item.id == item_id)
    attempts = list(
        db.session.scalars(
            select(ExposureAttempt)
            .where(ExposureAttempt.item_id == item_id)
            .options(selectinload(ExposureAttempt.logged_by))
            .order_by(ExposureAttempt.attempted_on, ExposureAttempt.id)
        )
    )
    views = [AttemptView(a, rules.disconfirmation(a.expectancy_before, a.expectancy_after,
                                                  a.feared_outcome_occurred)) for a in attempts]
    return patient, ItemDetail(match, views, progress.threshold)


def item_json(item: ExposureItem) -> dict[str, Any]:
    """An item's current values, for a Conflict answer."""
    return {
        "id": item.id,
        "description": item.description,
        "fear_rating": item.fear_rating,
        "predicted_consequence": item.predicted_consequence,
        "expectancy": item.expectancy,
        "position": item.position,
        "mastered": item.mastered_at is not None,
        "version": item.version,
    }


def _short(item: ExposureItem) -> str:
    text = " ".join(item.description.split())
    return text if len(text) <= SHORT else text[: SHORT - 1] + "…"


def _clean_item_fields(values: dict[str, Any]) -> dict[str, Any]:
    problems = rules.item_problems(values.get("description"), values.get("fear_rating"),
                                   values.get("predicted_consequence"), values.get("expectancy"))
    if problems:
        raise InvalidInput(problems)
    return {**values, "description": values["description"].strip(),
            "predicted_consequence": (values.get("predicted_consequence") or "").strip()}


def _commit_or_conflict(item_id: int) -> None:
    """Commit; a concurrent change to the same item (a lost version race) becomes a Conflict."""
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        current = db.session.get(ExposureItem, item_id)
        raise Conflict(current=item_json(current) if current else None) from None


def add_item(actor: User, patient_id: int, *, description: str, fear_rating: int, expectancy: int,
             predicted_consequence: str = "") -> ExposureItem:
    patient = authorize(actor, patient_id, Part.EXPOSURE, Action.WRITE, object_type="exposure_item")
    values = _clean_item_fields({"description": description, "fear_rating": fear_rating,
                                 "predicted_consequence": predicted_consequence, "expectancy": expectancy})
    item = ExposureItem(patient_id=patient.id, created_by_id=actor.id, **values)
    db.session.add(item)
    db.session.flush()
    audit.record("create", actor=actor, patient_id=patient.id, object_type="exposure_item", object_id=item.id)
    timeline.record_change(actor, patient.id, Part.EXPOSURE, "exposure_item", item.id,
                           f"Exposure item added: {_short(item)} (fear {item.fear_rating})")
    db.session.commit()
    return item


def _describe_edit(before: dict[str, Any], item: ExposureItem) -> str:
    changes = []
    if before["description"] != item.description:
        changes.append("activity reworded")
    for name, label in (("fear_rating", "fear"), ("expectancy", "expectancy")):
        if before[name] != getattr(item, name):
            changes.append(f"{label} {before[name]} → {getattr(item, name)}")
    if before["predicted_consequence"] != item.predicted_consequence:
        changes.append("predicted consequence changed")
    return f"Exposure item {_short(item)}: " + ", ".join(changes)


def edit_item(actor: User, patient_id: int, item_id: int, *, version: int, reason: str = "",
              **changes: Any) -> ExposureItem:
    """Change some of ITEM_FIELDS of an item, based on `version`; a stale version is a Conflict."""
    unknown = set(changes) - set(ITEM_FIELDS)
    if unknown:
        raise TypeError(f"not item fields: {sorted(unknown)}")
    patient = authorize(actor, patient_id, Part.EXPOSURE, Action.WRITE, object_type="exposure_item",
                        object_id=item_id)
    item = _own_item(patient.id, item_id)
    if item.version != version:
        raise Conflict(current=item_json(item))
    before = {name: getattr(item, name) for name in ITEM_FIELDS}
    values = _clean_item_fields({**before, **changes})
    if values == before:
        return item
    for name, value in values.items():
        setattr(item, name, value)
    audit.record("update", actor=actor, patient_id=patient.id, object_type="exposure_item", object_id=item.id)
    timeline.record_change(actor, patient.id, Part.EXPOSURE, "exposure_item", item.id,
                           _describe_edit(before, item), reason=(reason or "").strip(),
                           changes=timeline.changes_since(before, item))
    _commit_or_conflict(item.id)
    return item


def _set_order(actor: User, patient_id: int, ordered: list[ExposureItem]) -> None:
    order_before = [item.id for item in sorted(ordered, key=lambda i: (i.position or 0, i.id))]
    changed = False
    for position, item in enumerate(ordered, start=1):
        if item.position != position:
            item.position = position
            changed = True
    if not changed:
        return
    audit.record("update", actor=actor, patient_id=patient_id, object_type="exposure_hierarchy")
    timeline.record_change(actor, patient_id, Part.EXPOSURE, "exposure_hierarchy", None,
                           "Exposure hierarchy reordered: " + " → ".join(_short(i) for i in ordered[:5])
                           + (" …" if len(ordered) > 5 else ""),
                           changes={"order": (order_before, [item.id for item in ordered])})
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise Conflict("Someone else changed the hierarchy in the meantime; please try again.") from None


def reorder(actor: User, patient_id: int, item_ids: list[int]) -> list[ExposureItem]:
    """Place the items in this order (every item of the hierarchy, once each)."""
    patient = authorize(actor, patient_id, Part.EXPOSURE, Action.WRITE, object_type="exposure_hierarchy")
    by_id = {item.id: item for item in _items(patient.id)}
    if sorted(item_ids) != sorted(by_id) or len(set(item_ids)) != len(item_ids):
        raise InvalidInput({"item_ids": "List every item of the hierarchy exactly once."})
    ordered = [by_id[i] for i in item_ids]
    _set_order(actor, patient.id, ordered)
    return ordered


def move_item(actor: User, patient_id: int, item_id: int, steps: int) -> None:
    """Move one item up (negative steps) or down the hierarchy; the others keep their order."""
    patient = authorize(actor, patient_id, Part.EXPOSURE, Action.WRITE, object_type="exposure_hierarchy")
    ordered = rules.hierarchy_order(_items(patient.id))
    index = next((i for i, item in enumerate(ordered) if item.id == item_id), None)
    if index is None:
        raise NotFound()
    item = ordered.pop(index)
    ordered.insert(min(max(index + steps, 0), len(ordered)), item)
    _set_order(actor, patient.id, ordered)


def _apply_mastery(item: ExposureItem, attempts: list[ExposureAttempt]) -> bool | None:
    """Bring an item's mastery in line with its attempts: True if now mastered, False if lifted."""
    state = rules.evaluate_mastery([a.expectancy_after for a in _chronological(attempts)], threshold(),
                                   marked_by_clinician=item.mastered_by_id is not None)
    if state.mastered and item.mastered_at is None:
        item.mastered_at, item.mastery_reason = clock.now(), state.reason
        return True
    if not state.mastered and item.mastered_at is not None:
        item.mastered_at, item.mastery_reason = None, ""
        return False
    return None


def log_attempt(actor: User, patient_id: int, item_id: int, *, attempted_on: date | None,
                expectancy_before: int, feared_outcome_occurred: bool, expectancy_after: int,
                present: str = "", what_happened: str = "", fear_after: int | None = None,
                learned: str = "") -> ExposureAttempt:
    patient = authorize(actor, patient_id, Part.EXPOSURE, Action.LOG, object_type="exposure_attempt")
    item = _own_item(patient.id, item_id)
    texts = {"present": present, "what_happened": what_happened, "learned": learned}
    problems = rules.attempt_problems(
        attempted_on=attempted_on, today=clock.today(), expectancy_before=expectancy_before,
        feared_outcome_occurred=feared_outcome_occurred, expectancy_after=expectancy_after,
        fear_after=fear_after, **texts)
    if problems:
        raise InvalidInput(problems)
    attempt = ExposureAttempt(
        item=item, attempted_on=attempted_on, expectancy_before=expectancy_before,
        feared_outcome_occurred=feared_outcome_occurred, expectancy_after=expectancy_after,
        fear_after=fear_after, logged_by_id=actor.id, logged_by_role=actor.role,
        **{name: (value or "").strip() for name, value in texts.items()})
    db.session.add(attempt)
    db.session.flush()
    audit.record("create", actor=actor, patient_id=patient.id, object_type="exposure_attempt",
                 object_id=attempt.id)
    timeline.record_change(actor, patient.id, Part.EXPOSURE, "exposure_attempt", attempt.id,
                           f"Exposure attempt at {_short(item)}: expectancy {expectancy_before} → {expectancy_after}")
    mastered_at_before = item.mastered_at
    changed = _apply_mastery(item, item.attempts)
    if changed is not None:
        summary = (f"Mastered: {_short(item)} ({item.mastery_reason})" if changed
                   else f"Back in practice: {_short(item)} (expectancy above {threshold()} again)")
        timeline.record_change(actor, patient.id, Part.EXPOSURE, "exposure_item", item.id, summary,
                               changes={"mastered": (not changed, changed),
                                        "mastered_at": (mastered_at_before, item.mastered_at)})
    _commit_or_conflict(item.id)
    return attempt


def set_mastery(actor: User, patient_id: int, item_id: int, *, mastered: bool, reason: str = "") -> ExposureItem:
    """A psychologist marks an item mastered (with a reason) or lifts the mark."""
    patient = authorize(actor, patient_id, Part.EXPOSURE, Action.WRITE, object_type="exposure_item",
                        object_id=item_id)
    item = _own_item(patient.id, item_id)
    problems = rules.mastery_mark_problems(mastered, reason)
    if problems:
        raise InvalidInput(problems)
    reason = (reason or "").strip()
    before = timeline.values_of(item, ("mastered_at",))
    if mastered and item.mastered_by_id is None:
        item.mastered_at, item.mastered_by_id, item.mastery_reason = clock.now(), actor.id, reason
        summary = f"Marked mastered: {_short(item)}"
    elif not mastered and item.mastered_at is not None:
        item.mastered_at, item.mastered_by_id, item.mastery_reason = None, None, ""
        summary = f"Mastery lifted: {_short(item)}"
    else:
        return item
    audit.record("update", actor=actor, patient_id=patient.id, object_type="exposure_item", object_id=item.id)
    timeline.record_change(actor, patient.id, Part.EXPOSURE, "exposure_item", item.id, summary, reason=reason,
                           changes={"mastered": (not mastered, mastered), **timeline.changes_since(before, item)})
    _commit_or_conflict(item.id)
    return item
