"""Applying a protocol template to a patient's record, and the preview that confirms it.

Applying is all or nothing: every part of the record the template creates something in is
authorized (WRITE) before anything is created, and everything is created in one transaction.
What it creates is ordinary record content — interventions, exercises with a first dose, a
graded-activity plan — with the same audit events and timeline entries as when added by hand,
so it stays editable on its own pages.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime

from sqlalchemy import select

from careteam.domain import dosing
from careteam.domain import graded_activity as activity_rules
from careteam.domain import protocols as rules
from careteam.domain.policy import Action, Part
from careteam.domain.vocabulary import TIER_LABELS, ActivityMode, Tier
from careteam.extensions import db
from careteam.models import (
    AuditEvent,
    ExerciseDose,
    ExercisePrescription,
    GradedActivityPlan,
    Intervention,
    Patient,
    User,
)
from careteam.services import audit, clock, timeline
from careteam.services.access import authorize
from careteam.services.errors import InvalidInput
from careteam.services.interventions import introduced_by_for
from careteam.services.protocols.library import (
    PROTOCOL,
    TemplateInfo,
    _find,
    _patient_for_templates,
    _refusal_on_record,
)

REASON_LENGTH = 1000


@dataclass(frozen=True)
class EarlierApply:
    """When and by whom this template was last applied to this record."""

    at: datetime
    by: str


def _earlier_apply(patient_id: int, slug: str) -> EarlierApply | None:
    """From the audit trail, which records every successful apply with the template's slug."""
    row = db.session.execute(
        select(AuditEvent.occurred_at, User.name)
        .join(User, User.id == AuditEvent.user_id)
        .where(AuditEvent.patient_id == patient_id, AuditEvent.action == "apply",
               AuditEvent.object_type == PROTOCOL, AuditEvent.object_id == slug, AuditEvent.outcome == "success")
        .order_by(AuditEvent.id.desc())
        .limit(1)
    ).first()
    return EarlierApply(row.occurred_at, row.name) if row else None


@dataclass(frozen=True)
class Preview:
    """Exactly what applying would create, for the confirmation page."""

    patient: Patient
    info: TemplateInfo
    starts_on: date
    earlier: EarlierApply | None = None

    @property
    def template(self) -> rules.Template:
        return self.info.template

    @property
    def goal_date(self) -> date | None:
        plan = self.template.graded_activity
        return plan.goal_date(self.starts_on) if plan else None


def preview(actor: User, patient_id: int, slug: str) -> Preview:
    patient = _patient_for_templates(actor, patient_id, "read")
    info = _find(slug, _refusal_on_record(actor, patient.id))
    return Preview(patient, info, clock.today(), _earlier_apply(patient.id, slug))


# --- Applying -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Applied:
    template: rules.Template
    interventions: list[Intervention]
    prescriptions: list[ExercisePrescription]
    plan: GradedActivityPlan | None


def _because(template: rules.Template, reason: str) -> str:
    """"From template Precision warm-up", and the clinician's reason if they gave one."""
    return f"From template {template.name}" + (f": {reason}" if reason else "")


def _clean_reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if len(reason) > REASON_LENGTH:
        raise InvalidInput({"reason": f"Keep the reason to {REASON_LENGTH} characters."})
    return reason


def apply(actor: User, patient_id: int, slug: str, reason: str = "", again: bool = False) -> Applied:
    """Create what the template describes on the patient's record, starting today. A template
    applied before is applied again only when asked (`again`): its items would be doubled."""
    patient = _patient_for_templates(actor, patient_id, "apply")
    info = _find(slug, lambda _template: None)
    template = info.template
    for part in template.parts:  # all of them before anything is created: all or nothing
        authorize(actor, patient.id, part, Action.WRITE, object_type=PROTOCOL, object_id=slug)
    reason = _clean_reason(reason)
    earlier = _earlier_apply(patient.id, slug)
    if earlier and not again:
        raise InvalidInput({"again": (
            f"{template.name} was applied to this record on {earlier.at.astimezone(clock.zone()):%-d %b %Y} "
            f"by {earlier.by}. "
            "Applying it again adds its items a second time; confirm that this is what you want.")})
    today, because = clock.today(), _because(template, reason)
    applied = Applied(
        template,
        interventions=[_new_intervention(actor, patient.id, spec, today) for spec in template.interventions],
        prescriptions=[_new_prescription(actor, patient.id, spec, today, because) for spec in template.exercises],
        plan=_new_plan(actor, patient.id, template.graded_activity, today) if template.graded_activity else None,
    )
    db.session.flush()
    _record_created(actor, patient.id, applied, because)
    audit.record("apply", actor=actor, patient_id=patient.id, object_type=PROTOCOL, object_id=slug)
    timeline.record_change(actor, patient.id, template.parts[0], PROTOCOL, info.template_id,
                           f"Applied template {template.name}: {template.counts}", reason=reason)
    db.session.commit()
    return applied


def _new_intervention(actor: User, patient_id: int, spec: rules.InterventionSpec, today: date) -> Intervention:
    intervention = Intervention(patient_id=patient_id, name=spec.name, tier=spec.tier, kind=spec.kind,
                                details=spec.full_details, started_on=today,
                                introduced_by=introduced_by_for(actor), created_by_id=actor.id)
    db.session.add(intervention)
    return intervention


def _new_prescription(actor: User, patient_id: int, spec: rules.ExerciseSpec, today: date,
                      because: str) -> ExercisePrescription:
    prescription = ExercisePrescription(patient_id=patient_id, name=spec.name, instructions=spec.instructions,
                                        side=spec.side, equipment=spec.equipment, created_by_id=actor.id)
    db.session.add(prescription)
    db.session.add(ExerciseDose(prescription=prescription, number=1, **asdict(spec.dose), effective_from=today,
                                reason=because, changed_by_id=actor.id, changed_at=clock.now()))
    return prescription


def _new_plan(actor: User, patient_id: int, spec: rules.ActivitySpec, today: date) -> GradedActivityPlan:
    settings = {k: v for k, v in asdict(spec).items() if k != "goal_weeks"}
    plan = GradedActivityPlan(patient_id=patient_id, created_by_id=actor.id, goal_date=spec.goal_date(today),
                              **settings)
    db.session.add(plan)
    return plan


def _record_created(actor: User, patient_id: int, applied: Applied, because: str) -> None:
    """The audit events and timeline entries adding each by hand would have written."""
    for intervention in applied.interventions:
        audit.record("create", actor=actor, patient_id=patient_id, object_type="intervention",
                     object_id=intervention.id)
        tier = TIER_LABELS[Tier(intervention.tier)].lower()
        timeline.record_change(actor, patient_id, Part.INTERVENTIONS, "intervention", intervention.id,
                               f"Added intervention {intervention.name} ({tier})", reason=because)
    for prescription in applied.prescriptions:
        audit.record("create", actor=actor, patient_id=patient_id, object_type="exercise_prescription",
                     object_id=prescription.id)
        dose = dosing.describe(dosing.dose_of(prescription.current_dose))
        timeline.record_change(actor, patient_id, Part.EXERCISE_DOSES, "exercise_prescription", prescription.id,
                               f"New exercise {prescription.name}: {dose}", reason=because)
    if applied.plan is not None:
        plan = applied.plan
        audit.record("create", actor=actor, patient_id=patient_id, object_type="graded_activity_plan",
                     object_id=plan.id)
        mode = activity_rules.MODE_LABELS[ActivityMode(plan.mode)].lower()
        timeline.record_change(
            actor, patient_id, Part.GRADED_ACTIVITY, "graded_activity_plan", plan.id,
            f"Graded-activity plan: {plan.activity}, goal {activity_rules.amount(plan.goal_value, plan.unit)} "
            f"({mode}); baseline next", reason=because)

