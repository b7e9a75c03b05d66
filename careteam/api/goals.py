"""Functional goals: JSON API under /api/v1/patients/<patient_id>/."""

from __future__ import annotations

from flask.views import MethodView
from marshmallow import Schema, fields, validate

from careteam.api import api_blueprint
from careteam.api.paging import ListArgs, page_of
from careteam.api.schemas import InputSchema
from careteam.domain.vocabulary import GoalStatus, values
from careteam.services import goals
from careteam.services.goals import ACTIVITY_MAX, REASON_MAX
from careteam.web.login import actor

blp = api_blueprint("api_goals", __name__, "Functional goals.")

STATUS_DOC = ("active -> paused, achieved or dropped; paused -> active or dropped; achieved or dropped "
              "-> active (reopening needs a `reason`).")


def _score(**kwargs):
    return fields.Int(strict=True, validate=validate.Range(0, 10),
                      metadata={"description": "Ability 0 (unable) to 10 (as before the pain)."}, **kwargs)


class GoalIn(InputSchema):
    activity = fields.Str(required=True, validate=validate.Length(min=1, max=ACTIVITY_MAX))
    baseline_score = _score(required=True)
    target_score = _score(required=True)
    target_date = fields.Date(load_default=None, allow_none=True)
    status = fields.Str(load_default=GoalStatus.ACTIVE.value, validate=validate.OneOf(values(GoalStatus)))


class GoalPatch(InputSchema):
    """Only the fields to change, and the version the change is based on (409 when stale)."""

    version = fields.Int(required=True, strict=True)
    activity = fields.Str(validate=validate.Length(min=1, max=ACTIVITY_MAX))
    baseline_score = _score()
    target_score = _score()
    target_date = fields.Date(allow_none=True)
    status = fields.Str(validate=validate.OneOf(values(GoalStatus)), metadata={"description": STATUS_DOC})
    reason = fields.Str(load_default="", validate=validate.Length(max=REASON_MAX),
                        metadata={"description": "Why, for the record's timeline."})


class ScoreIn(InputSchema):
    score = _score(required=True)
    scored_on = fields.Date(load_default=None, allow_none=True,
                            metadata={"description": "Default: today; never in the future."})


class ScorePointOut(Schema):
    scored_on = fields.Date()
    score = fields.Int()
    source = fields.Str(metadata={"description": '"checkin", or the role of who added it outside a check-in.'})


class GoalOut(Schema):
    id = fields.Int(attribute="goal_id")
    activity = fields.Str()
    status = fields.Str(validate=validate.OneOf(values(GoalStatus)))
    baseline_score = fields.Int()
    target_score = fields.Int()
    target_date = fields.Date(allow_none=True)
    latest_score = fields.Int(allow_none=True)
    latest_on = fields.Date(allow_none=True)
    change = fields.Int(allow_none=True, metadata={"description": "Latest score minus baseline."})
    clinically_meaningful = fields.Bool(attribute="meaningful", metadata={"description": "|change| >= 2."})
    progress = fields.Float(metadata={"description": "0 to 1, from baseline toward target."})
    scores = fields.List(fields.Nested(ScorePointOut))
    version = fields.Int(metadata={"description": "Send it back with a change (PATCH)."})


class ScoreOut(Schema):
    id = fields.Int()
    goal_id = fields.Int()
    score = fields.Int()
    scored_on = fields.Date()


class GoalConflictOut(Schema):
    errors = fields.Dict()
    current = fields.Dict(metadata={"description": "The goal as it is now, with its version."})


@blp.route("/<int:patient_id>/goals")
class GoalList(MethodView):
    @blp.arguments(ListArgs, location="query")
    @blp.response(200, GoalOut(many=True))
    def get(self, paging, patient_id: int):
        """Goals with progress: active first, then paused, achieved, dropped."""
        return page_of(goals.list_goals(actor(), patient_id)[1], paging)

    @blp.arguments(GoalIn)
    @blp.response(201, GoalOut)
    def post(self, data, patient_id: int):
        """Add a goal (clinicians on the team)."""
        return goals.progress_for(goals.create_goal(actor(), patient_id, data))


@blp.route("/<int:patient_id>/goals/<int:goal_id>")
class GoalItem(MethodView):
    @blp.response(200, GoalOut)
    def get(self, patient_id: int, goal_id: int):
        return goals.get_goal(actor(), patient_id, goal_id)[1]

    @blp.arguments(GoalPatch)
    @blp.response(200, GoalOut)
    @blp.alt_response(409, schema=GoalConflictOut, description="Changed by someone else since `version`.")
    def patch(self, data, patient_id: int, goal_id: int):
        """Change some fields, the status by the allowed transitions (clinicians on the team)."""
        version, reason = data.pop("version"), data.pop("reason")
        return goals.progress_for(goals.edit_goal(actor(), patient_id, goal_id, version, data, reason))


@blp.route("/<int:patient_id>/goals/<int:goal_id>/scores")
class GoalScores(MethodView):
    @blp.arguments(ScoreIn)
    @blp.response(201, ScoreOut)
    def post(self, data, patient_id: int, goal_id: int):
        """Add a score outside the weekly check-in (clinicians, or the patient)."""
        return goals.add_score(actor(), patient_id, goal_id, data["score"], data["scored_on"])
