"""Interventions of the pain portfolio: add, edit, stop, list.

Clinicians on the team change any intervention. A patient adds what they tried themself
(introduced_by is then always "patient") and may change or stop only those.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from careteam.domain.policy import Action, Part, Role
from careteam.domain.vocabulary import KIND_LABELS, TIER_LABELS, IntroducedBy, InterventionKind, Tier
from careteam.extensions import db
from careteam.models import Intervention, Patient, User
from careteam.services import access, audit, clock, ledger, timeline
from careteam.services.access import authorize
from careteam.services.errors import Conflict, Forbidden, InvalidInput, NotFound

EDITABLE_FIELDS = ("name", "tier", "kind", "details", "started_on", "stopped_on")
NAME_MAX, DETAILS_MAX, REASON_MAX = 200, 2000, 1000
TIER_ORDER = {tier.value: index for index, tier in enumerate(Tier)}


def introduced_by_for(actor: User) -> str:
    """Who an actor's new intervention counts as introduced by: their discipline, or the patient."""
    return IntroducedBy.PATIENT.value if actor.role_enum == Role.PATIENT else actor.role


def may_change(actor: User, patient_id: int, introduced_by: str) -> bool:
    """For showing edit and stop forms; the services enforce the same rule."""
    if not access.may(actor, patient_id, Part.INTERVENTIONS, Action.WRITE):
        return False
    return actor.role_enum != Role.PATIENT or introduced_by == IntroducedBy.PATIENT


def current_values(intervention: Intervention) -> dict[str, Any]:
    """What a Conflict reports: the intervention as it is now, JSON-able."""
    return {
        "id": intervention.id,
        "name": intervention.name,
        "tier": intervention.tier,
        "kind": intervention.kind,
        "details": intervention.details,
        "started_on": intervention.started_on.isoformat() if intervention.started_on else None,
        "stopped_on": intervention.stopped_on.isoformat() if intervention.stopped_on else None,
        "introduced_by": intervention.introduced_by,
        "version": intervention.version,
    }


def _clean(values: Mapping[str, Any]) -> dict[str, Any]:
    """Trimmed values, or InvalidInput with a message per field."""
    cleaned = dict(values)
    errors: dict[str, str] = {}
    if "name" in cleaned:
        cleaned["name"] = (cleaned["name"] or "").strip()
        if not cleaned["name"] or len(cleaned["name"]) > NAME_MAX:
            errors["name"] = f"Give the intervention a name (at most {NAME_MAX} characters)."
    if "tier" in cleaned and cleaned["tier"] not in TIER_ORDER:
        errors["tier"] = "Choose a portfolio tier."
    if "kind" in cleaned and cleaned["kind"] not in {k.value for k in InterventionKind}:
        errors["kind"] = "Choose a kind."
    if "details" in cleaned:
        cleaned["details"] = (cleaned["details"] or "").strip()
        if len(cleaned["details"]) > DETAILS_MAX:
            errors["details"] = f"Keep the details to {DETAILS_MAX} characters."
    if errors:
        raise InvalidInput(errors)
    return cleaned


def _check_dates(started_on: date | None, stopped_on: date | None) -> None:
    if stopped_on is None:
        return
    if stopped_on > clock.today():
        raise InvalidInput({"stopped_on": "The stop date cannot be in the future."})
    if started_on is not None and stopped_on < started_on:
        raise InvalidInput({"stopped_on": "The stop date cannot be before the start date."})


def _load(patient: Patient, intervention_id: int) -> Intervention:
    intervention = db.session.get(Intervention, intervention_id)
    if intervention is None or intervention.patient_id != patient.id:
        raise NotFound()
    return intervention


def _require_change_allowed(actor: User, patient: Patient, intervention: Intervention, action: str) -> None:
    if may_change(actor, patient.id, intervention.introduced_by):
        return
    audit.record_denial(action, actor=actor, patient_id=patient.id, object_type="intervention",
                        object_id=intervention.id, detail="introduced by the care team")
    raise Forbidden("You can change only what you added yourself. Ask your care team about the others.")


def _day(value: date | None) -> str:
    return value.strftime("%-d %b %Y") if value else "—"


def list_interventions(actor: User, patient_id: int) -> list[Intervention]:
    """All interventions, active and stopped, by portfolio tier and start date."""
    patient = authorize(actor, patient_id, Part.INTERVENTIONS, Action.READ, object_type="intervention")
    rows = db.session.scalars(select(Intervention).where(Intervention.patient_id == patient.id))
    result = sorted(rows, key=lambda i: (TIER_ORDER[i.tier], i.started_on or date.min, i.id))
    audit.record("read", actor=actor, patient_id=patient.id, object_type="intervention")
    db.session.commit()
    return result


def get_intervention(actor: User, patient_id: int, intervention_id: int) -> Intervention:
    patient = authorize(actor, patient_id, Part.INTERVENTIONS, Action.READ, object_type="intervention",
                        object_id=intervention_id)
    intervention = _load(patient, intervention_id)
    audit.record("read", actor=actor, patient_id=patient.id, object_type="intervention",
                 object_id=intervention.id)
    db.session.commit()
    return intervention


def intervention_detail(actor: User, patient_id: int, intervention_id: int
                        ) -> tuple[Patient, Intervention, ledger.LedgerRow]:
    """The intervention with its ledger row (ratings, verdict), for its page."""
    patient = authorize(actor, patient_id, Part.INTERVENTIONS, Action.READ, object_type="intervention",
                        object_id=intervention_id)
    intervention = _load(patient, intervention_id)
    row = ledger.row_for(intervention, clock.today())
    audit.record("read", actor=actor, patient_id=patient.id, object_type="intervention",
                 object_id=intervention.id)
    db.session.commit()
    return patient, intervention, row


def patient_for_adding(actor: User, patient_id: int) -> Patient:
    """The patient whose record the add form is for; refuses who may not add."""
    return authorize(actor, patient_id, Part.INTERVENTIONS, Action.WRITE, object_type="intervention")


def add_intervention(actor: User, patient_id: int, values: Mapping[str, Any]) -> Intervention:
    """values: name, tier, kind, details, started_on, stopped_on (details and dates optional)."""
    patient = authorize(actor, patient_id, Part.INTERVENTIONS, Action.WRITE, object_type="intervention")
    cleaned = _clean({field: values.get(field) for field in EDITABLE_FIELDS})
    _check_dates(cleaned["started_on"], cleaned["stopped_on"])
    intervention = Intervention(patient_id=patient.id, introduced_by=introduced_by_for(actor),
                                created_by_id=actor.id, **cleaned)
    db.session.add(intervention)
    db.session.flush()
    audit.record("create", actor=actor, patient_id=patient.id, object_type="intervention",
                 object_id=intervention.id)
    tier = TIER_LABELS[Tier(intervention.tier)].lower()
    timeline.record_change(actor, patient.id, Part.INTERVENTIONS, "intervention", intervention.id,
                           f"Added intervention {intervention.name} ({tier})")
    db.session.commit()
    return intervention


def _describe_changes(intervention: Intervention, changes: Mapping[str, Any]) -> list[str]:
    described = []
    for field, new in changes.items():
        old = getattr(intervention, field)
        if old == new:
            continue
        if field == "details":
            described.append("details updated")
        elif field == "tier":
            described.append(f"tier {TIER_LABELS[Tier(old)]} → {TIER_LABELS[Tier(new)]}")
        elif field == "kind":
            described.append(f"kind {KIND_LABELS[InterventionKind(old)]} → {KIND_LABELS[InterventionKind(new)]}")
        elif field in ("started_on", "stopped_on"):
            described.append(f"{field.removesuffix('_on')} {_day(old)} → {_day(new)}")
        else:
            described.append(f"name {old} → {new}")
    return described


def edit_intervention(actor: User, patient_id: int, intervention_id: int, version: int,
                      changes: Mapping[str, Any], reason: str = "") -> Intervention:
    """Change some of EDITABLE_FIELDS. `version` is the one the change was based on: when
    someone else saved in between, Conflict carries the current values and nothing changes."""
    patient = authorize(actor, patient_id, Part.INTERVENTIONS, Action.WRITE, object_type="intervention",
                        object_id=intervention_id)
    intervention = _load(patient, intervention_id)
    _require_change_allowed(actor, patient, intervention, "update")
    if version != intervention.version:
        raise Conflict(current=current_values(intervention))
    cleaned = _clean({k: v for k, v in changes.items() if k in EDITABLE_FIELDS})
    if len(reason) > REASON_MAX:
        raise InvalidInput({"reason": f"Keep the reason to {REASON_MAX} characters."})
    _check_dates(cleaned.get("started_on", intervention.started_on),
                 cleaned.get("stopped_on", intervention.stopped_on))
    described = _describe_changes(intervention, cleaned)
    if not described:
        return intervention
    name_before = intervention.name
    before = timeline.values_of(intervention, cleaned)
    for field, value in cleaned.items():
        setattr(intervention, field, value)
    _flush_or_conflict(intervention)
    audit.record("update", actor=actor, patient_id=patient.id, object_type="intervention",
                 object_id=intervention.id, detail=",".join(sorted(cleaned)))
    timeline.record_change(actor, patient.id, Part.INTERVENTIONS, "intervention", intervention.id,
                           f"Changed {name_before}: " + "; ".join(described), reason=reason.strip(),
                           changes=timeline.changes_since(before, intervention))
    db.session.commit()
    return intervention


def _flush_or_conflict(intervention: Intervention) -> None:
    """Write now; when another request saved first (a lost race), answer with its values."""
    intervention_id = intervention.id
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise Conflict(current=current_values(db.session.get(Intervention, intervention_id))) from None


def stop_intervention(actor: User, patient_id: int, intervention_id: int, reason: str,
                      stopped_on: date | None = None) -> Intervention:
    """Mark as stopped on `stopped_on` (default today), with the reason for the timeline."""
    patient = authorize(actor, patient_id, Part.INTERVENTIONS, Action.WRITE, object_type="intervention",
                        object_id=intervention_id)
    intervention = _load(patient, intervention_id)
    _require_change_allowed(actor, patient, intervention, "stop")
    reason = (reason or "").strip()
    if intervention.stopped_on is not None:
        raise InvalidInput({"_": f"{intervention.name} was already stopped on {_day(intervention.stopped_on)}."})
    if not reason or len(reason) > REASON_MAX:
        raise InvalidInput({"reason": f"Say why it was stopped (at most {REASON_MAX} characters)."})
    stopped_on = stopped_on or clock.today()
    _check_dates(intervention.started_on, stopped_on)
    intervention.stopped_on = stopped_on
    _flush_or_conflict(intervention)
    audit.record("stop", actor=actor, patient_id=patient.id, object_type="intervention",
                 object_id=intervention.id)
    timeline.record_change(actor, patient.id, Part.INTERVENTIONS, "intervention", intervention.id,
                           f"Stopped {intervention.name}", reason=reason,
                           changes={"stopped_on": (None, stopped_on)})
    db.session.commit()
    return intervention
