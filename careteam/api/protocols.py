"""Protocol templates: JSON API under /api/v1 (the library, and applying or saving on a record).

Clinicians only: patients and admins get 403 on the library; on a record, whoever is not on its
care team gets 404. Applying is all or nothing: without WRITE on every part the template
creates something in (exercises: physiotherapists; graded activity: physiotherapists and
psychologists) the answer is 403 and nothing is created.
"""

from __future__ import annotations

from flask.views import MethodView
from marshmallow import Schema, fields, validate

from careteam.api import api_blueprint
from careteam.api.paging import ListArgs, page_of
from careteam.api.schemas import InputSchema
from careteam.domain import protocols as rules
from careteam.domain.graded_activity import ActivityUnit
from careteam.domain.vocabulary import ActivityMode, IncrementEvery, InterventionKind, Side, Tier, values
from careteam.services import protocols
from careteam.services.protocols import REASON_LENGTH, Selection
from careteam.web.login import actor

blp = api_blueprint("api_protocols", __name__, "Protocol templates.")


# --- Input --------------------------------------------------------------------------------------


class ApplyIn(InputSchema):
    reason = fields.Str(load_default="", validate=validate.Length(max=REASON_LENGTH),
                        metadata={"description": "Why, for the timeline; also the first doses' reason."})
    again = fields.Bool(load_default=False, metadata={"description": (
        "Apply a template that was applied to this record before (its items are added a second time); "
        "without it that answers 422.")})


def _ids() -> fields.List:
    return fields.List(fields.Int(strict=True), load_default=list, validate=validate.Length(max=100))


class SaveIn(InputSchema):
    """What of the patient's plan to save, in this order. Only these go into the template."""

    name = fields.Str(required=True, validate=validate.Length(min=1, max=rules.NAME_LENGTH))
    description = fields.Str(load_default="", validate=validate.Length(max=rules.DESCRIPTION_LENGTH))
    intervention_ids = _ids()
    prescription_ids = _ids()
    activity_plan_id = fields.Int(strict=True, load_default=None, allow_none=True)


# --- Output -------------------------------------------------------------------------------------


class StepOut(Schema):
    name = fields.Str()
    minutes = fields.Int()
    how = fields.Str()


class InterventionSpecOut(Schema):
    name = fields.Str()
    tier = fields.Str(validate=validate.OneOf(values(Tier)))
    kind = fields.Str(validate=validate.OneOf(values(InterventionKind)))
    details = fields.Str()
    steps = fields.List(fields.Nested(StepOut), metadata={"description": "Ordered: done in this order."})
    created_details = fields.Str(attribute="full_details", metadata={
        "description": "The details the created intervention gets: the steps written in, numbered."})


class DoseSpecOut(Schema):
    sets = fields.Int()
    reps = fields.Int()
    hold_seconds = fields.Int()
    load_kg = fields.Float(allow_none=True)
    load_band = fields.Str()
    rest_seconds = fields.Int()
    sessions_per_week = fields.Int()
    target_effort = fields.Int(allow_none=True)


class ExerciseSpecOut(Schema):
    name = fields.Str()
    instructions = fields.Str()
    side = fields.Str(validate=validate.OneOf(values(Side)))
    equipment = fields.Str()
    dose = fields.Nested(DoseSpecOut)
    dose_description = fields.Str(metadata={"example": "2 × 10, hold 5 s, rest 45 s, 5×/week, effort 4/10"})


class ActivitySpecOut(Schema):
    activity = fields.Str()
    unit = fields.Str(validate=validate.OneOf(values(ActivityUnit)))
    mode = fields.Str(validate=validate.OneOf(values(ActivityMode)))
    start_fraction = fields.Float()
    increment = fields.Float()
    increment_every = fields.Str(validate=validate.OneOf(values(IncrementEvery)))
    goal_value = fields.Float()
    goal_weeks = fields.Int(allow_none=True,
                            metadata={"description": "The goal date is this many weeks after applying."})


class TemplateOut(Schema):
    slug = fields.Str(attribute="template.slug")
    name = fields.Str(attribute="template.name")
    description = fields.Str(attribute="template.description")
    builtin = fields.Bool()
    saved_by = fields.Str(allow_none=True, metadata={"description": "The clinician who saved it; null if built in."})
    saved_at = fields.DateTime(allow_none=True)
    can_apply = fields.Bool(metadata={"description": (
        "In the library: whether the caller's discipline may apply it; on a record: whether the caller may "
        "apply it to that patient.")})
    refusal = fields.Str(allow_none=True, metadata={"description": "Why not, when can_apply is false."})
    creates = fields.Function(lambda info: rules.creates(info.template), metadata={
        "type": "array", "items": {"type": "string"}, "description": "What applying creates, in order."})
    interventions = fields.List(fields.Nested(InterventionSpecOut), attribute="template.interventions")
    exercises = fields.List(fields.Nested(ExerciseSpecOut), attribute="template.exercises")
    graded_activity = fields.Nested(ActivitySpecOut, allow_none=True, attribute="template.graded_activity")


class AppliedOut(Schema):
    slug = fields.Str(attribute="template.slug")
    name = fields.Str(attribute="template.name")
    created = fields.Str(attribute="template.counts", metadata={"example": "3 exercises"})
    intervention_ids = fields.Function(lambda applied: [i.id for i in applied.interventions],
                                       metadata={"type": "array", "items": {"type": "integer"}})
    prescription_ids = fields.Function(lambda applied: [p.id for p in applied.prescriptions],
                                       metadata={"type": "array", "items": {"type": "integer"}})
    activity_plan_id = fields.Function(lambda applied: applied.plan.id if applied.plan else None,
                                       metadata={"type": "integer", "nullable": True})


# --- Routes -------------------------------------------------------------------------------------


@blp.route("/protocols")
class TemplateList(MethodView):
    @blp.arguments(ListArgs, location="query")
    @blp.response(200, TemplateOut(many=True))
    def get(self, paging):
        """Every template: the built-in ones first, then those clinicians saved."""
        return page_of(protocols.list_templates(actor()), paging)


@blp.route("/protocols/<slug>")
class TemplateItem(MethodView):
    @blp.response(200, TemplateOut)
    def get(self, slug: str):
        return protocols.get_template(actor(), slug)


@blp.route("/patients/<int:patient_id>/protocols")
class PatientTemplates(MethodView):
    @blp.arguments(ListArgs, location="query")
    @blp.response(200, TemplateOut(many=True))
    def get(self, paging, patient_id: int):
        """Every template, and whether the caller may apply it to this patient."""
        return page_of(protocols.templates_for_patient(actor(), patient_id), paging)

    @blp.arguments(SaveIn)
    @blp.response(201, TemplateOut)
    def post(self, data, patient_id: int):
        """Save chosen parts of the patient's plan as a clinic-wide template (slug generated)."""
        selection = Selection(data["intervention_ids"], data["prescription_ids"], data["activity_plan_id"])
        return protocols.save_as_template(actor(), patient_id, data["name"], data["description"], selection)


@blp.route("/patients/<int:patient_id>/protocols/<slug>/apply")
class ApplyTemplate(MethodView):
    @blp.arguments(ApplyIn)
    @blp.response(201, AppliedOut)
    def post(self, data, patient_id: int, slug: str):
        """Create what the template describes on the record, starting today: all of it, or nothing."""
        return protocols.apply(actor(), patient_id, slug, data["reason"], data["again"])
