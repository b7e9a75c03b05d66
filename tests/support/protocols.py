"""Builders for protocol templates: template data of the documented shape, and saved templates
and a patient's plan written straight to the database (no audit, no timeline). The database
builders commit and return ids; call them inside `with app.app_context():`."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

from careteam.extensions import db
from careteam.models import ProtocolTemplate
from tests.support.activity import add_plan
from tests.support.exercises import add_prescription
from tests.support.ledger import intervention

DOSE = {"sets": 2, "reps": 10, "hold_seconds": 3, "rest_seconds": 30, "sessions_per_week": 5, "target_effort": 3}
INTERVENTION = {"name": "Heat pack", "tier": "immediate_relief", "kind": "heat_or_cold", "details": "15 minutes."}
EXERCISE = {"name": "Bridge", "instructions": "Lift the hips.", "side": "not_applicable", "equipment": "Mat",
            "dose": DOSE}
ACTIVITY = {"activity": "Walking", "unit": "minutes", "mode": "symptom_guided", "start_fraction": 0.8,
            "increment": 1, "increment_every": "session", "goal_value": 30, "goal_weeks": 8}


def content(slug: str = "clinic-routine", name: str = "Clinic routine", **parts: Any) -> dict[str, Any]:
    """A valid template: one intervention unless `parts` says otherwise (interventions=…,
    exercises=…, graded_activity=…)."""
    data = {"slug": slug, "name": name, "description": "For tests.", "interventions": [INTERVENTION],
            "exercises": [], "graded_activity": None}
    data.update(parts)
    return copy.deepcopy(data)


def add_saved_template(created_by_id: int, name: str = "Clinic routine", slug: str = "clinic-routine",
                       **parts: Any) -> int:
    row = ProtocolTemplate(slug=slug, name=name, description="For tests.",
                           content=content(slug, name, **parts), created_by_id=created_by_id)
    db.session.add(row)
    db.session.commit()
    return row.id


def add_current_plan(patient_id: int, physio) -> dict[str, int]:
    """A patient's plan to save: two interventions in use and one stopped, a running and an
    ended exercise, and a walking plan with a goal date."""
    heat = intervention(patient_id, physio.id, "Heat pack", details="Evenings, 15 minutes.",
                        started_on=date(2026, 1, 5))
    pacing = intervention(patient_id, physio.id, "Micro-breaks", tier="stabilizing_habit", kind="pacing",
                          details="Stand up every 30 minutes.", started_on=date(2026, 1, 5))
    stopped = intervention(patient_id, physio.id, "TENS", kind="other", started_on=date(2026, 1, 5),
                           stopped_on=date(2026, 2, 1))
    db.session.commit()
    ids = {"heat": heat.id, "pacing": pacing.id, "stopped": stopped.id}
    ids["bridge"] = add_prescription(patient_id, physio, {"sets": 3, "reps": 10, "sessions_per_week": 3},
                                     {"sets": 3, "reps": 12, "hold_seconds": 5, "load_band": "red",
                                      "sessions_per_week": 4, "effective_from": date(2026, 2, 2)},
                                     name="Bridge")
    ids["ended"] = add_prescription(patient_id, physio, name="Clam", ended_on=date(2026, 2, 20))
    ids["plan"] = add_plan(patient_id, physio.id, activity="Cycling", increment=2, increment_every="week",
                           goal_value=40, goal_date=date(2026, 5, 4), baseline=(20, 22, 21),
                           start_quota=17, started_on=date(2026, 3, 2))
    return ids
