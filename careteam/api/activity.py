"""Graded-activity plans: JSON API under /api/v1/patients/<patient_id>/."""

from __future__ import annotations

from flask.views import MethodView
from marshmallow import Schema, fields, validate

from careteam.api import api_blueprint
from careteam.api.paging import ListArgs, page_of
from careteam.api.schemas import Extended, InputSchema
from careteam.domain import graded_activity as rules
from careteam.domain.graded_activity import ActivityUnit, SuggestionKind
from careteam.domain.vocabulary import ActivityMode, IncrementEvery, NextDayResponse, values
from careteam.services import clock
from careteam.services import graded_activity as activity
from careteam.services.activity_progress import PlanStatus, progress_of
from careteam.web.login import actor

blp = api_blueprint("api_activity", __name__, "Graded-activity plans.")

AMOUNT_DOC = "In the plan's unit, a whole number of its step (minutes and reps 1, metres 10, steps 100)."
STATUSES = [PlanStatus.BASELINE, PlanStatus.READY, PlanStatus.ACTIVE,
            PlanStatus.ENDED]


def _amount(description: str = AMOUNT_DOC, **kwargs):
    return fields.Float(validate=validate.Range(min=0, max=rules.MAX_AMOUNT),
                        metadata={"description": description}, **kwargs)


class ActivityPlanIn(InputSchema):
    activity = fields.Str(required=True, validate=validate.Length(min=1, max=200))
    unit = fields.Str(required=True, validate=validate.OneOf(values(ActivityUnit)))
    mode = fields.Str(required=True, validate=validate.OneOf(values(ActivityMode)))
    start_fraction = fields.Float(load_default=rules.DEFAULT_START_FRACTION,
                                  validate=validate.Range(rules.MIN_START_FRACTION, rules.MAX_START_FRACTION),
                                  metadata={"description": "Start quota = this × the baseline mean (hundredths)."})
    increment = _amount(required=True)
    increment_every = fields.Str(required=True, validate=validate.OneOf(values(IncrementEvery)))
    goal_value = _amount(required=True)
    goal_date = fields.Date(load_default=None, allow_none=True)


class ActivityPlanPatch(InputSchema):
    """Only the fields to change, and the version the change is based on (409 when stale).
    `unit` and `start_fraction` are fixed once the plan has started; `ended_on` ends it."""

    version = fields.Int(required=True, strict=True)
    activity = fields.Str(validate=validate.Length(min=1, max=200))
    unit = fields.Str(validate=validate.OneOf(values(ActivityUnit)))
    mode = fields.Str(validate=validate.OneOf(values(ActivityMode)))
    start_fraction = fields.Float(validate=validate.Range(rules.MIN_START_FRACTION, rules.MAX_START_FRACTION))
    increment = _amount()
    increment_every = fields.Str(validate=validate.OneOf(values(IncrementEvery)))
    goal_value = _amount()
    goal_date = fields.Date(allow_none=True)
    ended_on = fields.Date(allow_none=True)


class ActivitySessionIn(InputSchema):
    performed_on = fields.Date(load_default=None, allow_none=True,
                               metadata={"description": "Default: today; never in the future."})
    done = _amount(required=True)


class ActivityStartIn(InputSchema):
    version = fields.Int(required=True, strict=True)
    started_on = fields.Date(load_default=None, allow_none=True,
                             metadata={"description": "Default: today; not before the last baseline session."})


class ActivityNextDayIn(InputSchema):
    response = fields.Str(required=True, validate=validate.OneOf(values(NextDayResponse)),
                          metadata={"description": "Back to the usual level within 24 hours? From the day after."})
    flare = fields.Bool(load_default=False, metadata={"description": "Worse, with a flare (needs response=worse)."})


class QuotaDecisionIn(InputSchema):
    version = fields.Int(required=True, strict=True)
    action = fields.Str(required=True, validate=validate.OneOf(["accept", "override"]))
    quota = _amount("accept: the suggested quota the clinician saw (409 if the suggestion changed); "
                    "override: the quota chosen instead.", required=True)
    reason = fields.Str(load_default="", validate=validate.Length(max=2000),
                        metadata={"description": "Required to override."})


class ActivityBaselineOut(Schema):
    sessions = fields.Int()
    mean = fields.Float(allow_none=True)
    ready = fields.Bool()
    message = fields.Str()


class QuotaStepOut(Schema):
    number = fields.Int()
    quota = fields.Float()
    reached = fields.Bool(metadata={"description": "At or below today's quota."})
    on = fields.Date(allow_none=True, metadata={
        "description": "Reached: the day of the first session at it. Ahead: the day it is due at this pace "
                       "(per week from a Monday, one a week; per session at the pace of the logged sessions)."})


class QuotaScheduleOut(Schema):
    steps = fields.List(fields.Nested(QuotaStepOut))
    goal_on = fields.Date(allow_none=True)
    reachable = fields.Bool(allow_none=True, metadata={"description": "null without a goal date."})
    warning = fields.Str()


class QuotaSuggestionOut(Schema):
    kind = fields.Str(validate=validate.OneOf(values(SuggestionKind)))
    quota = fields.Float()
    current_quota = fields.Float(attribute="current")
    changes = fields.Bool()
    explanation = fields.Str()


class ActivityQuestionOut(Schema):
    log_id = fields.Int()
    performed_on = fields.Date()
    quota = fields.Float()


class ActivityPlanOut(Schema):
    id = fields.Int(attribute="plan_id")
    activity = fields.Str()
    unit = fields.Str(validate=validate.OneOf(values(ActivityUnit)))
    mode = fields.Str(validate=validate.OneOf(values(ActivityMode)))
    status = fields.Str(validate=validate.OneOf(STATUSES))
    start_fraction = fields.Float()
    increment = fields.Float()
    increment_every = fields.Str(validate=validate.OneOf(values(IncrementEvery)))
    goal_value = fields.Float()
    goal_date = fields.Date(allow_none=True)
    baseline = fields.Nested(ActivityBaselineOut)
    start_quota = fields.Float(allow_none=True, metadata={"description": "Computed once the baseline is ready."})
    started_on = fields.Date(allow_none=True)
    ended_on = fields.Date(allow_none=True)
    current_quota = fields.Float(allow_none=True, metadata={"description": "Today's quota."})
    schedule = fields.Nested(QuotaScheduleOut, allow_none=True)
    suggestion = fields.Nested(QuotaSuggestionOut, allow_none=True)
    next_day_question = fields.Nested(ActivityQuestionOut, attribute="question", allow_none=True)
    version = fields.Int(metadata={"description": "Send it back with a change (PATCH, start, decisions)."})


class ActivityLogOut(Schema):
    id = fields.Int()
    performed_on = fields.Date()
    is_baseline = fields.Bool()
    quota = fields.Float(allow_none=True)
    done = fields.Float()
    next_day_response = fields.Str(allow_none=True)
    flare = fields.Bool()


class QuotaDecisionOut(Schema):
    id = fields.Int()
    suggestion = fields.Str(validate=validate.OneOf(values(SuggestionKind)))
    suggested_quota = fields.Float()
    quota = fields.Float()
    reason = fields.Str()
    decided_by = fields.Str(attribute="decided_by.name")
    decided_at = fields.DateTime()


class ActivityPlanDetailOut(ActivityPlanOut):
    logs = fields.List(fields.Nested(ActivityLogOut))
    decisions = fields.List(fields.Nested(QuotaDecisionOut))


class QuotaSuggestionStateOut(Schema):
    status = fields.Str(validate=validate.OneOf(STATUSES))
    version = fields.Int()
    current_quota = fields.Float(allow_none=True)
    suggestion = fields.Nested(QuotaSuggestionOut, allow_none=True, metadata={"description": "null unless active."})


class ActivityPlanConflictOut(Schema):
    errors = fields.Dict()
    current = fields.Dict(metadata={"description": "The plan as it is now, with its version."})


def _detail(plan) -> Extended:
    """A plan just changed by the caller: its state with logs and decisions."""
    return Extended(progress_of(plan, clock.today()), logs=plan.logs, decisions=plan.decisions)


@blp.route("/<int:patient_id>/activity-plans")
class Plans(MethodView):
    @blp.arguments(ListArgs, location="query")
    @blp.response(200, ActivityPlanOut(many=True))
    def get(self, paging, patient_id: int):
        """Plans with baseline, today's quota and the next suggestion; active first."""
        return page_of(activity.list_plans(actor(), patient_id)[1], paging)

    @blp.arguments(ActivityPlanIn)
    @blp.response(201, ActivityPlanDetailOut)
    def post(self, data, patient_id: int):
        """Create a plan (physiotherapists and psychologists on the team). Baseline sessions come next."""
        return _detail(activity.create_plan(actor(), patient_id, activity.PlanInput(**data)))


@blp.route("/<int:patient_id>/activity-plans/<int:plan_id>")
class Plan(MethodView):
    @blp.response(200, ActivityPlanDetailOut)
    def get(self, patient_id: int, plan_id: int):
        detail = activity.get_plan(actor(), patient_id, plan_id)
        return Extended(detail.progress, logs=detail.plan.logs)

    @blp.arguments(ActivityPlanPatch)
    @blp.response(200, ActivityPlanDetailOut)
    @blp.alt_response(409, schema=ActivityPlanConflictOut, description="Changed by someone else since `version`.")
    def patch(self, data, patient_id: int, plan_id: int):
        """Change some settings (physiotherapists and psychologists on the team)."""
        version = data.pop("version")
        return _detail(activity.update_plan(actor(), patient_id, plan_id, version, data))


@blp.route("/<int:patient_id>/activity-plans/<int:plan_id>/baseline")
class Baseline(MethodView):
    @blp.arguments(ActivitySessionIn)
    @blp.response(201, ActivityLogOut)
    def post(self, data, patient_id: int, plan_id: int):
        """Log a baseline session: the patient, or a clinician entering what was measured in clinic."""
        return activity.add_baseline(actor(), patient_id, plan_id, data["performed_on"], data["done"])


@blp.route("/<int:patient_id>/activity-plans/<int:plan_id>/start")
class Start(MethodView):
    @blp.arguments(ActivityStartIn)
    @blp.response(200, ActivityPlanDetailOut)
    @blp.alt_response(409, schema=ActivityPlanConflictOut, description="Changed by someone else since `version`.")
    def post(self, data, patient_id: int, plan_id: int):
        """Start the plan: the start quota is computed from at least three baseline sessions."""
        return _detail(activity.start_plan(actor(), patient_id, plan_id, data["version"], data["started_on"]))


@blp.route("/<int:patient_id>/activity-plans/<int:plan_id>/logs")
class Logs(MethodView):
    @blp.arguments(ActivitySessionIn)
    @blp.response(201, ActivityLogOut)
    def post(self, data, patient_id: int, plan_id: int):
        """Log a quota session against today's quota (the patient, or a clinician in clinic)."""
        return activity.log_session(actor(), patient_id, plan_id, data["performed_on"], data["done"])


@blp.route("/<int:patient_id>/activity-plans/<int:plan_id>/logs/<int:log_id>/next-day")
class NextDay(MethodView):
    @blp.arguments(ActivityNextDayIn)
    @blp.response(200, ActivityLogOut)
    def post(self, data, patient_id: int, plan_id: int, log_id: int):
        """Answer the 24-hour question for a quota session, once, from the day after it."""
        return activity.answer_next_day(actor(), patient_id, plan_id, log_id, data["response"], data["flare"])


@blp.route("/<int:patient_id>/activity-plans/<int:plan_id>/suggestion")
class SuggestionItem(MethodView):
    @blp.response(200, QuotaSuggestionStateOut)
    def get(self, patient_id: int, plan_id: int):
        """The engine's suggestion for the next quota, with the reason in plain words."""
        return activity.suggestion(actor(), patient_id, plan_id)


@blp.route("/<int:patient_id>/activity-plans/<int:plan_id>/decisions")
class Decisions(MethodView):
    @blp.arguments(QuotaDecisionIn)
    @blp.response(201, QuotaDecisionOut)
    @blp.alt_response(409, schema=ActivityPlanConflictOut, description="Stale version, or the suggestion changed.")
    def post(self, data, patient_id: int, plan_id: int):
        """Accept the suggestion or override it with a reason: sets today's quota."""
        return activity.decide(actor(), patient_id, plan_id, version=data["version"],
                               accept=data["action"] == "accept", quota=data["quota"], reason=data["reason"])
