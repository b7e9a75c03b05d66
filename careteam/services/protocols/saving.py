"""Saving chosen parts of a patient's plan as a clinic-wide protocol template, under a slug of
its own."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from careteam.domain import dosing
from careteam.domain import protocols as rules
from careteam.domain.policy import Action, Part
from careteam.extensions import db
from careteam.models import ExercisePrescription, GradedActivityPlan, Intervention, ProtocolTemplate, User
from careteam.services import audit, clock, timeline
from careteam.services.access import authorize
from careteam.services.errors import Conflict, InvalidInput, NotFound
from careteam.services.protocols.library import PROTOCOL, TemplateInfo, _patient_for_templates, builtin_templates

SLUG_ATTEMPTS = 3  # saving again after another clinician took the same slug a moment before


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
