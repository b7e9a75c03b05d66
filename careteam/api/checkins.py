"""Weekly check-ins: JSON API under /api/v1/patients/<patient_id>/."""

from __future__ import annotations

from datetime import date

from flask.views import MethodView
from marshmallow import Schema, fields, validate

from careteam.api import api_blueprint
from careteam.api.paging import ListArgs, fetched_page, offset_of
from careteam.api.schemas import Extended, InputSchema
from careteam.domain.checkins import (
    TEXT_LIMIT,
    CheckinValues,
    ExerciseEntry,
    GoalEntry,
    RatingEntry,
    parse_week,
)
from careteam.domain.vocabulary import EFFECT_LABELS, RedFlag, values
from careteam.services import checkins
from careteam.services.errors import NotFound
from careteam.web.login import actor

blp = api_blueprint("api_checkins", __name__, "Weekly check-ins.")


def _scale(required: bool = False, low: int = 0, high: int = 10) -> fields.Int:
    if required:
        return fields.Int(required=True, strict=True, validate=validate.Range(low, high))
    return fields.Int(load_default=None, allow_none=True, strict=True, validate=validate.Range(low, high))


def _text() -> fields.Str:
    return fields.Str(load_default="", validate=validate.Length(max=TEXT_LIMIT))


class RatingIn(InputSchema):
    intervention_id = fields.Int(required=True, strict=True)
    rating = fields.Int(required=True, strict=True, validate=validate.Range(-2, 2),
                        metadata={"description": "-2 made it much worse, -1 worse, 0 no change, 1 helped, "
                                                 "2 helped a lot"})
    days_used = _scale(high=7)


class ExerciseCountIn(InputSchema):
    prescription_id = fields.Int(required=True, strict=True)
    sessions_done = fields.Int(required=True, strict=True, validate=validate.Range(0, 50))


class GoalScoreIn(InputSchema):
    goal_id = fields.Int(required=True, strict=True)
    score = _scale(required=True)


class CheckinIn(InputSchema):
    """The whole week's check-in: what is left out is cleared (ratings, counts, scores, texts)."""

    pain_average = _scale(required=True)
    pain_worst = _scale(required=True)
    enjoyment_interference = _scale(required=True)
    activity_interference = _scale(required=True)
    sleep_hours = fields.Float(load_default=None, allow_none=True, validate=validate.Range(0, 24),
                               metadata={"description": "in half hours, e.g. 6.5"})
    sleep_quality = _scale()
    stress = _scale()
    mood = _scale()
    flare_days = fields.Int(load_default=None, allow_none=True, strict=True, validate=validate.Range(0, 7),
                            metadata={"description": "left out: the flare days recorded that week"})
    red_flags = fields.List(fields.Str(validate=validate.OneOf(values(RedFlag))), load_default=list)
    ratings = fields.List(fields.Nested(RatingIn), load_default=list)
    exercise_counts = fields.List(fields.Nested(ExerciseCountIn), load_default=list, metadata={
        "description": "optional: sessions are counted from the exercise log when a check-in is read"})
    goal_scores = fields.List(fields.Nested(GoalScoreIn), load_default=list)
    helped_most = _text()
    did_not_help = _text()
    question = fields.Str(load_default="", validate=validate.Length(max=TEXT_LIMIT),
                          metadata={"description": "a question for the team; goes on the next appointment's list"})


class CheckinQuery(ListArgs):
    from_ = fields.Date(data_key="from", load_default=None, metadata={"description": "weeks ending on or after"})
    to = fields.Date(load_default=None, metadata={"description": "weeks starting on or before"})


class CheckinSummaryOut(Schema):
    id = fields.Int()
    week_start = fields.Date()
    pain_average = fields.Int()
    pain_worst = fields.Int()
    enjoyment_interference = fields.Int()
    activity_interference = fields.Int()
    peg_score = fields.Float()
    sleep_hours = fields.Float(allow_none=True)
    sleep_quality = fields.Int(allow_none=True)
    stress = fields.Int(allow_none=True)
    mood = fields.Int(allow_none=True)
    flare_days = fields.Int()
    red_flags = fields.List(fields.Str())
    submitted_at = fields.DateTime()
    updated_at = fields.DateTime()


class RatingOut(Schema):
    intervention_id = fields.Int(attribute="intervention.id")
    intervention_name = fields.Str(attribute="intervention.name")
    rating = fields.Int()
    effect = fields.Function(lambda row: EFFECT_LABELS[row.rating])
    days_used = fields.Int(allow_none=True)


class ExerciseCountOut(Schema):
    prescription_id = fields.Int(attribute="prescription.id")
    name = fields.Str(attribute="prescription.name")
    sessions_done = fields.Int()
    sessions_per_week = fields.Int(allow_none=True, metadata={"description": "of the current dose"})
    sessions_logged = fields.Int(attribute="logged", metadata={"description": "sessions logged that week"})


class ExerciseWeekOut(Schema):
    prescription_id = fields.Int(attribute="prescription.id")
    name = fields.Str(attribute="prescription.name")
    sessions_per_week = fields.Int(allow_none=True, metadata={"description": "of the current dose"})
    sessions_done = fields.Int(attribute="done", metadata={
        "description": "sessions done that week, counted from the exercise log when read; for a week without "
                       "logged sessions, the count an older check-in gave"})
    sessions_logged = fields.Int(attribute="logged", metadata={"description": "sessions logged that week"})


class GoalScoreOut(Schema):
    goal_id = fields.Int(attribute="goal.id")
    activity = fields.Str(attribute="goal.activity")
    score = fields.Int()


class CheckinQuestionOut(Schema):
    id = fields.Int()
    text = fields.Str()
    answered_at = fields.DateTime(allow_none=True)
    answer = fields.Str()


class CheckinOut(CheckinSummaryOut):
    week_end = fields.Date()
    editable = fields.Bool(metadata={"description": "whether the patient may still change it"})
    editable_until = fields.Date()
    helped_most = fields.Str()
    did_not_help = fields.Str()
    ratings = fields.List(fields.Nested(RatingOut))
    exercise_counts = fields.List(fields.Nested(ExerciseCountOut), metadata={
        "description": "counts stored with the check-in (older check-ins and API clients); see `exercises`"})
    exercises = fields.List(fields.Nested(ExerciseWeekOut), metadata={
        "description": "the week's exercises with the sessions done, read from the exercise log"})
    goal_scores = fields.List(fields.Nested(GoalScoreOut))
    questions = fields.List(fields.Nested(CheckinQuestionOut))


def _week(text: str) -> date:
    week_start = parse_week(text)
    if week_start is None:
        raise NotFound()
    return week_start


def _out(detail: checkins.CheckinDetail) -> Extended:
    window = detail.window
    return Extended(detail.checkin, week_end=window.week_end, editable=window.editable,
                    editable_until=window.editable_until, ratings=detail.ratings,
                    exercise_counts=detail.exercise_counts, exercises=detail.exercises,
                    goal_scores=detail.goal_scores,
                    questions=detail.questions)


def _values(data: dict) -> CheckinValues:
    return CheckinValues(
        **{name: data[name] for name in (
            "pain_average", "pain_worst", "enjoyment_interference", "activity_interference", "sleep_hours",
            "sleep_quality", "stress", "mood", "flare_days", "red_flags", "helped_most", "did_not_help",
            "question")},
        ratings=[RatingEntry(r["intervention_id"], r["rating"], r["days_used"]) for r in data["ratings"]],
        exercise_counts=[ExerciseEntry(c["prescription_id"], c["sessions_done"]) for c in data["exercise_counts"]],
        goal_scores=[GoalEntry(s["goal_id"], s["score"]) for s in data["goal_scores"]],
    )


@blp.route("/<int:patient_id>/checkins")
class Checkins(MethodView):
    @blp.arguments(CheckinQuery, location="query")
    @blp.response(200, CheckinSummaryOut(many=True))
    def get(self, args, patient_id: int):
        """The patient's check-ins, newest week first; `from`/`to` are dates, `limit` weeks a page."""
        rows = checkins.list_checkins(actor(), patient_id, limit=args["limit"] + 1, offset=offset_of(args),
                                      from_=args["from_"], to=args["to"])
        return fetched_page(rows, args)


@blp.route("/<int:patient_id>/checkins/<week_start>")
class CheckinItem(MethodView):
    @blp.response(200, CheckinOut)
    def get(self, patient_id: int, week_start: str):
        """One week's check-in; `week_start` is the Monday (yyyy-mm-dd)."""
        return _out(checkins.get_checkin(actor(), patient_id, _week(week_start)))

    @blp.arguments(CheckinIn)
    @blp.response(200, CheckinOut, description="The week's check-in was changed.")
    @blp.alt_response(201, schema=CheckinOut, description="The week's check-in was created.")
    def put(self, data, patient_id: int, week_start: str):
        """The patient creates or replaces the check-in of a week still open for changes."""
        week = _week(week_start)
        saved = checkins.save_checkin(actor(), patient_id, week, _values(data))
        return _out(checkins.get_checkin(actor(), patient_id, week)), 201 if saved.created else 200
