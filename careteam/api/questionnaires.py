"""Questionnaires: JSON API (instruments, responses item by item, assignments)."""

from __future__ import annotations

from flask.views import MethodView
from marshmallow import Schema, fields, validate

from careteam.api import api_blueprint
from careteam.api.paging import ListArgs, page_of
from careteam.api.schemas import InputSchema
from careteam.services import questionnaires
from careteam.services.instruments import catalogue
from careteam.web.login import actor

blp = api_blueprint("api_questionnaires", __name__, "Standard questionnaires: definitions, assignments, answers and scores.")


class InstrumentOptionOut(Schema):
    value = fields.Int()
    text = fields.Str()
    points = fields.Float(metadata={"description": "What the answer counts toward the score."})


class InstrumentItemOut(Schema):
    linkId = fields.Str(attribute="link_id")
    text = fields.Str()
    options = fields.List(fields.Nested(InstrumentOptionOut))


class InstrumentOut(Schema):
    id = fields.Str()
    version = fields.Str()
    title = fields.Str()
    short_title = fields.Str()
    recall_period = fields.Str()
    preamble = fields.Str()
    items = fields.List(fields.Nested(InstrumentItemOut))
    method = fields.Str(metadata={"description": "sum, mean or percent (of the answered maximum)."})
    max_missing = fields.Int(metadata={"description": "Items that may be left out and still give a total."})
    score_range = fields.List(fields.Float())
    answered_in = fields.Str(allow_none=True, metadata={"description": '"weekly_checkin": asked in the check-in.'})
    reference = fields.Str()
    licence = fields.Str()


class QuestionnaireAnswerIn(InputSchema):
    linkId = fields.Str(required=True, validate=validate.Length(min=1, max=40))
    value = fields.Int(required=True, strict=True, allow_none=True,
                       metadata={"description": "The chosen option's value; null leaves the item unanswered."})


class QuestionnaireResponseIn(InputSchema):
    instrument = fields.Str(required=True, validate=validate.Length(min=1, max=40))
    answers = fields.List(fields.Nested(QuestionnaireAnswerIn), required=True, validate=validate.Length(min=1, max=200))
    answered_on = fields.Date(load_default=None, allow_none=True,
                              metadata={"description": "For answers given on paper (clinicians); default today."})


class QuestionnaireAnswerOut(Schema):
    linkId = fields.Str(attribute="link_id")
    value = fields.Int()


class QuestionnaireResponseOut(Schema):
    id = fields.Int()
    instrument = fields.Str(attribute="instrument_id")
    instrument_version = fields.Str()
    answered_on = fields.Date()
    on_behalf = fields.Bool(metadata={"description": "Entered by a clinician from answers given on paper."})
    score = fields.Float(allow_none=True, metadata={"description": "None when too many items are missing."})
    band = fields.Str(allow_none=True)
    subscores = fields.Dict(keys=fields.Str(), values=fields.Float(allow_none=True))
    flags = fields.List(fields.Str())
    answers = fields.List(fields.Nested(QuestionnaireAnswerOut))


class QuestionnaireAssignmentIn(InputSchema):
    instrument = fields.Str(required=True, validate=validate.Length(min=1, max=40))
    starts_on = fields.Date(load_default=None, allow_none=True, metadata={"description": "Default: today."})
    every_weeks = fields.Int(load_default=None, allow_none=True, strict=True,
                             metadata={"description": "Repeat every N weeks (1-52); null: once."})


class QuestionnaireAssignmentOut(Schema):
    id = fields.Int(attribute="assignment.id")
    instrument = fields.Str(attribute="assignment.instrument_id")
    starts_on = fields.Date(attribute="assignment.starts_on")
    every_weeks = fields.Int(attribute="assignment.every_weeks", allow_none=True)
    state = fields.Str(allow_none=True, metadata={"description": "due, overdue, or null (nothing to answer now)."})
    last_answered_on = fields.Date(allow_none=True)


@blp.route("/instruments")
class Instruments(MethodView):
    @blp.arguments(ListArgs, location="query")
    @blp.response(200, InstrumentOut(many=True))
    def get(self, paging):
        """Every questionnaire definition this clinic uses, with items, options and licence."""
        return page_of(list(catalogue()), paging)


@blp.route("/patients/<int:patient_id>/questionnaire-responses")
class Responses(MethodView):
    @blp.arguments(ListArgs, location="query")
    @blp.response(200, QuestionnaireResponseOut(many=True))
    def get(self, paging, patient_id: int):
        """Answers item by item with their scores, newest first."""
        return page_of(questionnaires.list_responses(actor(), patient_id), paging)

    @blp.arguments(QuestionnaireResponseIn)
    @blp.response(201, QuestionnaireResponseOut)
    def post(self, data, patient_id: int):
        """Answer a questionnaire: the patient (an assigned one), or a clinician on the team entering
        answers given on paper. Scores, band, subscores and flags are computed, never sent."""
        return questionnaires.submit_response(actor(), patient_id, data["instrument"], data["answers"],
                                              data["answered_on"]).response


@blp.route("/patients/<int:patient_id>/questionnaire-assignments")
class Assignments(MethodView):
    @blp.arguments(ListArgs, location="query")
    @blp.response(200, QuestionnaireAssignmentOut(many=True))
    def get(self, paging, patient_id: int):
        return page_of(questionnaires.list_assignments(actor(), patient_id), paging)

    @blp.arguments(QuestionnaireAssignmentIn)
    @blp.response(201, QuestionnaireAssignmentOut)
    def post(self, data, patient_id: int):
        """Assign once or every N weeks (clinicians on the team)."""
        row = questionnaires.assign(actor(), patient_id, data["instrument"], data["starts_on"], data["every_weeks"])
        return next(v for v in questionnaires.assignment_views(row.patient_id) if v.assignment.id == row.id)


class MeasurePointOut(Schema):
    on = fields.Date()
    score = fields.Float(allow_none=True)
    band = fields.Str(allow_none=True)
    flags = fields.List(fields.Str())


class MeaningfulChangeOut(Schema):
    points = fields.Float()
    source = fields.Str(metadata={"description": "The publication that gives the threshold."})


class MeasureOut(Schema):
    """One measure of the summary and dashboard (services.measures.measures_overview)."""

    instrument = fields.Str(metadata={"description": "Instrument id; psfs is the mean of the functional goals."})
    short_title = fields.Str()
    version = fields.Str()
    source = fields.Str(metadata={"description": "questionnaire, weekly check-in or functional goals."})
    score_range = fields.List(fields.Float())
    latest = fields.Nested(MeasurePointOut, allow_none=True)
    first = fields.Nested(MeasurePointOut, allow_none=True)
    change = fields.Float(allow_none=True, metadata={"description": "Latest minus first; null with one score."})
    better = fields.Bool(allow_none=True)
    meaningful = fields.Bool(allow_none=True, metadata={
        "description": "Null where the definition cites no threshold: nothing is claimed."})
    meaningful_change = fields.Nested(MeaningfulChangeOut, allow_none=True)
    points = fields.List(fields.Nested(MeasurePointOut))
