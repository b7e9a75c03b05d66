"""Protocol templates: the built-in ones (package data), those clinicians saved, applying one to
a patient's record, and saving a patient's plan as a new template.

Only clinicians use templates (policy.may_use_protocol_templates). Applying is all or nothing:
every part of the record the template creates something in is authorized (WRITE) before
anything is created, and everything is created in one transaction. What it creates is ordinary
record content — interventions, exercises with a first dose, a graded-activity plan — with the
same audit events and timeline entries as when added by hand, so it stays editable on its own
pages.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime
from importlib import resources
from importlib.resources.abc import Traversable

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from careteam.domain import dosing
from careteam.domain import graded_activity as activity_rules
from careteam.domain import protocols as rules
from careteam.domain.policy import Action, Part, may_use_protocol_templates
from careteam.domain.vocabulary import TIER_LABELS, ActivityMode, Tier
from careteam.extensions import db
from careteam.models import (
    AuditEvent,
    ExerciseDose,
    ExercisePrescription,
    GradedActivityPlan,
    Intervention,
    Patient,
    ProtocolTemplate,
    User,
)
from careteam.services import access, audit, clock, timeline
from careteam.services.access import authorize
from careteam.services.errors import Conflict, Forbidden, InvalidInput, NotFound
from careteam.services.interventions import introduced_by_for

PROTOCOL = "protocol_template"
REASON_LENGTH = 1000
SLUG_ATTEMPTS = 3  # saving again after another clinician took the same slug a moment before
PACKAGE_DIRECTORY = resources.files("careteam") / "protocols"

# Judges whether the viewer may apply a template: None when they may, else why not.
Refusal = Callable[[rules.Template], str | None]


@dataclass(frozen=True)
class TemplateInfo:
    """A template as a page or the API shows it."""

    template: rules.Template
    template_id: int | None = None  # None: built in
    saved_by: str | None = None
    saved_at: datetime | None = None
    refusal: str | None = None  # why the viewer may not apply it; None when they may

    @property
    def builtin(self) -> bool:
        return self.template_id is None

    @property
    def can_apply(self) -> bool:
        return self.refusal is None


# --- Loading ------------------------------------------------------------------------------------


def load_builtins(directory: Traversable) -> tuple[rules.Template, ...]:
    """Every <slug>.json in `directory`, checked, by name; TemplateError names the file and
    everything wrong with it."""
    templates = []
    for path in sorted((p for p in directory.iterdir() if p.name.endswith(".json")), key=lambda p: p.name):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as error:
            raise rules.TemplateError(path.name, {"template": f"is not valid JSON ({error})"}) from None
        template = rules.parse_template(data, path.name)
        stem = path.name.removesuffix(".json")
        if template.slug != stem:
            raise rules.TemplateError(path.name, {"slug": f"must be the file's name, {stem}"})
        templates.append(template)
    names = [t.name.casefold() for t in templates]
    for template in templates:
        if names.count(template.name.casefold()) > 1:
            raise rules.TemplateError(f"{template.slug}.json", {"name": "another built-in template has it"})
    return tuple(sorted(templates, key=lambda t: t.name.casefold()))


@functools.cache
def builtin_templates() -> tuple[rules.Template, ...]:
    """The templates shipped in careteam/protocols/, read and checked once per process."""
    return load_builtins(PACKAGE_DIRECTORY)


def _saved_info(row: ProtocolTemplate, refusal: Refusal) -> TemplateInfo:
    template = rules.parse_template(row.content, f"saved template {row.slug}")
    return TemplateInfo(template, row.id, row.created_by.name, row.created_at, refusal(template))


def _saved_rows(slug: str | None = None) -> list[ProtocolTemplate]:
    stmt = (select(ProtocolTemplate).options(joinedload(ProtocolTemplate.created_by))
            .order_by(func.lower(ProtocolTemplate.name), ProtocolTemplate.id))
    if slug is not None:
        stmt = stmt.where(ProtocolTemplate.slug == slug)
    return list(db.session.scalars(stmt))


def _all(refusal: Refusal) -> list[TemplateInfo]:
    """Built-in templates first, then the saved ones, each judged by `refusal`."""
    return ([TemplateInfo(t, refusal=refusal(t)) for t in builtin_templates()]
            + [_saved_info(row, refusal) for row in _saved_rows()])


def _find(slug: str, refusal: Refusal) -> TemplateInfo:
    for template in builtin_templates():
        if template.slug == slug:
            return TemplateInfo(template, refusal=refusal(template))
    rows = _saved_rows(slug)
    if not rows:
        raise NotFound()
    return _saved_info(rows[0], refusal)


# --- Who may --------------------------------------------------------------------------------------


def _require_template_user(actor: User, action: str, patient_id: int | None = None) -> None:
    if may_use_protocol_templates(actor.role_enum):
        return
    audit.record_denial(action, actor=actor, patient_id=patient_id, object_type=PROTOCOL)
    raise Forbidden("Protocol templates are for clinicians.")


def _patient_for_templates(actor: User, patient_id: int, action: str) -> Patient:
    """The patient, for a clinician on the care team: others who know the record get 403."""
    patient = authorize(actor, patient_id, Part.RECORD, Action.READ, object_type=PROTOCOL)
    _require_template_user(actor, action, patient.id)
    return patient


def _refusal_by_role(actor: User) -> Refusal:
    return lambda template: rules.refusal(template, actor.role_enum)


def _refusal_on_record(actor: User, patient_id: int) -> Refusal:
    """Judges by what the actor may write on this record, in the policy's words."""
    def refusal(template: rules.Template) -> str | None:
        if all(access.may(actor, patient_id, part, Action.WRITE) for part in template.parts):
            return None
        return rules.refusal(template, actor.role_enum) or "You may not create all of this on this record."
    return refusal


# --- The library --------------------------------------------------------------------------------


def list_templates(actor: User) -> list[TemplateInfo]:
    """Every template, saying for each whether someone of the actor's discipline may apply it."""
    _require_template_user(actor, "read")
    return _all(_refusal_by_role(actor))


def get_template(actor: User, slug: str) -> TemplateInfo:
    _require_template_user(actor, "read")
    return _find(slug, _refusal_by_role(actor))


# --- On a patient's record ----------------------------------------------------------------------


@dataclass(frozen=True)
class CurrentPlan:
    """What of a patient's plan can be saved as a template."""

    interventions: list[Intervention]  # not stopped
    prescriptions: list[ExercisePrescription]  # running, with their doses
    plans: list[GradedActivityPlan]  # not ended


@dataclass(frozen=True)
class PatientTemplates:
    patient: Patient
    templates: list[TemplateInfo]
    current: CurrentPlan


def _current_plan(actor: User, patient_id: int) -> CurrentPlan:
    for part in (Part.INTERVENTIONS, Part.EXERCISE_DOSES, Part.GRADED_ACTIVITY):
        authorize(actor, patient_id, part, Action.READ, object_type=PROTOCOL)
    interventions = db.session.scalars(
        select(Intervention)
        .where(Intervention.patient_id == patient_id, Intervention.stopped_on.is_(None))
        .order_by(Intervention.name, Intervention.id))
    prescriptions = db.session.scalars(
        select(ExercisePrescription)
        .where(ExercisePrescription.patient_id == patient_id, ExercisePrescription.ended_on.is_(None))
        .options(selectinload(ExercisePrescription.doses))
        .order_by(ExercisePrescription.name, ExercisePrescription.id))
    plans = db.session.scalars(
        select(GradedActivityPlan)
        .where(GradedActivityPlan.patient_id == patient_id, GradedActivityPlan.ended_on.is_(None))
        .order_by(GradedActivityPlan.id))
    for object_type in ("intervention", "exercise_prescription", "graded_activity_plan"):
        audit.record("read", actor=actor, patient_id=patient_id, object_type=object_type)
    return CurrentPlan(list(interventions), list(prescriptions), list(plans))


def patient_templates(actor: User, patient_id: int) -> PatientTemplates:
    """The record's Templates tab: every template and whether the actor may apply it here, and
    the patient's current plan, from which the actor may save a template."""
    patient = _patient_for_templates(actor, patient_id, "read")
    templates = _all(_refusal_on_record(actor, patient.id))
    current = _current_plan(actor, patient.id)
    audit.commit_read()
    return PatientTemplates(patient, templates, current)


def templates_for_patient(actor: User, patient_id: int) -> list[TemplateInfo]:
    """Every template, and whether the actor may apply it to this patient."""
    patient = _patient_for_templates(actor, patient_id, "read")
    return _all(_refusal_on_record(actor, patient.id))


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


# --- Saving a patient's plan as a template ------------------------------------------------------


@dataclass(frozen=True)
class Selection:
    """What of the patient's plan goes into the template, in this order."""

    intervention_ids: Sequence[int] = ()
    prescription_ids: Sequence[int] = ()
    activity_plan_id: int | None = None


def save_as_template(actor: User, patient_id: int, name: str, description: str,
                     include: Selection) -> TemplateInfo:
    """A clinic-wide template from the chosen parts of the patient's plan: interventions (name,
    tier, kind, details), running exercises with their current doses, and a plan's settings.
    Nothing else about the patient goes into it."""
    patient = _patient_for_templates(actor, patient_id, "create")
    include = Selection(list(dict.fromkeys(include.intervention_ids)),
                        list(dict.fromkeys(include.prescription_ids)), include.activity_plan_id)
    for part, chosen in ((Part.INTERVENTIONS, include.intervention_ids),
                         (Part.EXERCISE_DOSES, include.prescription_ids),
                         (Part.GRADED_ACTIVITY, include.activity_plan_id)):
        if chosen:
            authorize(actor, patient.id, part, Action.READ, object_type=PROTOCOL)
    name, description = _check_name_and_description(name, description, include)
    template = _chosen(patient.id, name, description, include)
    row = _insert(actor, template)
    audit.record("create", actor=actor, patient_id=patient.id, object_type=PROTOCOL, object_id=row.id)
    timeline.record_change(actor, patient.id, template.parts[0], PROTOCOL, row.id,
                           f"Saved as template {name}: {template.counts}")
    db.session.commit()
    return TemplateInfo(replace(template, slug=row.slug), row.id, actor.name, row.created_at)


def _check_name_and_description(name: str, description: str, include: Selection) -> tuple[str, str]:
    name, description = (name or "").strip(), (description or "").strip()
    problems = {}
    if not name or len(name) > rules.NAME_LENGTH:
        problems["name"] = f"Give the template a name (at most {rules.NAME_LENGTH} characters)."
    elif _name_taken(name):
        problems["name"] = "There is a template with this name already. Choose another name."
    if len(description) > rules.DESCRIPTION_LENGTH:
        problems["description"] = f"Keep the description to {rules.DESCRIPTION_LENGTH} characters."
    if not (include.intervention_ids or include.prescription_ids or include.activity_plan_id):
        problems["_"] = "Choose at least one intervention, exercise or plan to save."
    if problems:
        raise InvalidInput(problems)
    return name, description


def _chosen(patient_id: int, name: str, description: str, include: Selection) -> rules.Template:
    plan = include.activity_plan_id
    return rules.Template(
        slug="", name=name, description=description,
        interventions=tuple(map(_intervention_spec, _owned(Intervention, patient_id, include.intervention_ids))),
        exercises=tuple(map(_exercise_spec, _owned(ExercisePrescription, patient_id, include.prescription_ids,
                                                       selectinload(ExercisePrescription.doses)))),
        graded_activity=_activity_spec(_owned(GradedActivityPlan, patient_id, [plan])[0]) if plan else None,
    )


def _name_taken(name: str) -> bool:
    if any(t.name.casefold() == name.casefold() for t in builtin_templates()):
        return True
    same = select(ProtocolTemplate.id).where(func.lower(ProtocolTemplate.name) == name.lower())
    return db.session.scalar(same) is not None


def _owned(model, patient_id: int, ids: Sequence[int], *options) -> list:
    """The rows with these ids, in this order, if every one belongs to the patient."""
    rows = {row.id: row for row in db.session.scalars(
        select(model).where(model.id.in_(ids), model.patient_id == patient_id).options(*options))}
    if len(rows) != len(ids):
        raise NotFound()
    return [rows[i] for i in ids]


def _intervention_spec(intervention: Intervention) -> rules.InterventionSpec:
    if intervention.stopped_on is not None:
        raise InvalidInput({"intervention_ids": f"{intervention.name} was stopped: only interventions in use "
                                                "can go into a template."})
    return rules.InterventionSpec(intervention.name, intervention.tier, intervention.kind, intervention.details)


def _exercise_spec(prescription: ExercisePrescription) -> rules.ExerciseSpec:
    if prescription.ended_on is not None:
        raise InvalidInput({"prescription_ids": f"{prescription.name} has ended: only running exercises "
                                                "can go into a template."})
    return rules.ExerciseSpec(prescription.name, prescription.instructions, prescription.side,
                              prescription.equipment, dosing.dose_of(prescription.current_dose))


def _activity_spec(plan: GradedActivityPlan) -> rules.ActivitySpec:
    if plan.ended_on is not None:
        raise InvalidInput({"activity_plan_id": "That plan has ended: only a current plan can go into a template."})
    start = plan.started_on or plan.created_at.astimezone(clock.zone()).date()
    return rules.ActivitySpec(plan.activity, plan.unit, plan.mode, plan.start_fraction, plan.increment,
                              plan.increment_every, plan.goal_value,
                              rules.goal_weeks_between(start, plan.goal_date))


def _taken_slugs(base: str) -> set[str]:
    saved = db.session.scalars(select(ProtocolTemplate.slug).where(
        or_(ProtocolTemplate.slug == base, ProtocolTemplate.slug.like(f"{base}-%"))))
    return {t.slug for t in builtin_templates()} | set(saved)


def _insert(actor: User, template: rules.Template) -> ProtocolTemplate:
    """Store the template under a free slug; a slug taken by a concurrent save is counted again."""
    for _attempt in range(SLUG_ATTEMPTS):
        slug = rules.unique_slug(template.name, _taken_slugs(rules.slugify(template.name)))
        content = rules.to_content(replace(template, slug=slug))
        try:
            rules.parse_template(content, template.name)
        except rules.TemplateError as error:
            raise InvalidInput({"_": [f"{path}: {message}" for path, message in error.problems.items()]}) from None
        row = ProtocolTemplate(slug=slug, name=template.name, description=template.description, content=content,
                               created_by_id=actor.id, created_at=clock.now())
        try:
            with db.session.begin_nested():
                db.session.add(row)
        except IntegrityError:
            continue
        return row
    raise Conflict("Another template with this name was saved at the same moment. Please try again.")
