"""Flare-up plan: JSON API under /api/v1/patients/<patient_id>/."""

from __future__ import annotations

from flask.views import MethodView
from marshmallow import Schema, fields

from careteam.api import api_blueprint
from careteam.api.paging import ListArgs, page_of
from careteam.api.schemas import InputSchema
from careteam.services import flare as service
from careteam.web.login import actor

blp = api_blueprint("api_flare", __name__, "Flare-up plan.")


class FlarePlanIn(InputSchema):
    based_on_version = fields.Int(required=True, strict=True,
                                  metadata={"description": "The current version you changed; 0 when there is no plan."})
    early_warning_signs = fields.Str(load_default="")
    tool_ids = fields.List(fields.Int(strict=True), load_default=list,
                           metadata={"description": "Ids of the patient's active interventions."})
    minimum_activity = fields.Str(load_default="")
    return_to_plan = fields.Str(load_default="")
    seek_help = fields.Str(load_default="")
    reason = fields.Str(load_default="", metadata={"description": "Required when changing an existing plan."})


class FlareDayQuery(ListArgs):
    since = fields.Date(load_default=None, allow_none=True, metadata={"description": "Default: 4 weeks ago."})
    until = fields.Date(load_default=None, allow_none=True, metadata={"description": "Default: today."})


class FlareDayIn(InputSchema):
    day = fields.Date(load_default=None, allow_none=True, metadata={"description": "Default: today."})


class ToolOut(Schema):
    id = fields.Int()
    name = fields.Str()
    tier = fields.Str()
    details = fields.Str()


class AuthorOut(Schema):
    id = fields.Int()
    name = fields.Str()
    role = fields.Str()


class FlarePlanOut(Schema):
    version = fields.Int()
    early_warning_signs = fields.Str()
    tools = fields.Function(lambda plan: ToolOut(many=True).dump(service.tools_in_order(plan.tools)),
                            metadata={"description": "Immediate relief first."})
    minimum_activity = fields.Str()
    return_to_plan = fields.Str()
    seek_help = fields.Str()
    reason = fields.Str()
    created_by = fields.Nested(AuthorOut)
    created_at = fields.DateTime()


class CurrentPlanOut(Schema):
    version = fields.Function(lambda plan: plan.version if plan else 0,
                              metadata={"description": "Send it back as based_on_version; 0: no plan yet."})
    plan = fields.Function(lambda plan: FlarePlanOut().dump(plan) if plan else None)


class FlareDayOut(Schema):
    day = fields.Date()
    recorded_at = fields.DateTime()


@blp.route("/<int:patient_id>/flare-plan")
class Plan(MethodView):
    @blp.response(200, CurrentPlanOut)
    def get(self, patient_id: int):
        """The current plan and its version (`plan` is null when there is none yet)."""
        return service.get_plan(actor(), patient_id)

    @blp.arguments(FlarePlanIn)
    @blp.response(200, CurrentPlanOut)
    @blp.alt_response(409, description="Stale `based_on_version`; `current` holds the current version.")
    def put(self, data, patient_id: int):
        """Save a new version (clinicians). Earlier versions are kept unchanged."""
        return service.save_plan(actor(), patient_id, **data)


@blp.route("/<int:patient_id>/flare-plan/versions")
class Versions(MethodView):
    @blp.arguments(ListArgs, location="query")
    @blp.response(200, FlarePlanOut(many=True))
    def get(self, paging, patient_id: int):
        """Every version, newest first."""
        return page_of(service.plan_versions(actor(), patient_id)[1], paging)


@blp.route("/<int:patient_id>/flare-days")
class FlareDays(MethodView):
    @blp.arguments(FlareDayQuery, location="query")
    @blp.response(200, FlareDayOut(many=True))
    def get(self, args, patient_id: int):
        """Recorded flare days in a period, oldest first."""
        return page_of(service.list_flare_days(actor(), patient_id, args["since"], args["until"]), args)

    @blp.arguments(FlareDayIn)
    @blp.response(201, FlareDayOut)
    @blp.alt_response(200, schema=FlareDayOut, description="The day was recorded already; nothing changed.",
                      success=True)
    def post(self, data, patient_id: int):
        """Record a flare day (the patient). Idempotent: the same day again answers 200."""
        row, created = service.record_flare_day(actor(), patient_id, data["day"])
        return row, 201 if created else 200
