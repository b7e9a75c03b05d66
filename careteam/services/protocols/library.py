"""The template library: the built-in templates (package data) and those clinicians saved, who
may use them, and the lists a clinician chooses from, in general or for a patient."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from importlib.resources.abc import Traversable

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from careteam.domain import protocols as rules
from careteam.domain.policy import Action, Part, may_use_protocol_templates
from careteam.extensions import db
from careteam.models import ExercisePrescription, GradedActivityPlan, Intervention, Patient, ProtocolTemplate, User
from careteam.services import access, audit
from careteam.services.access import authorize
from careteam.services.errors import Forbidden, NotFound

PROTOCOL = "protocol_template"
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
