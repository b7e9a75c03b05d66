"""Interventions and what helped: JSON API under /api/v1/patients/<patient_id>/."""

from __future__ import annotations

from flask.views import MethodView
from marshmallow import Schema, fields, validate

from careteam.api import api_blueprint
from careteam.api.paging import ListArgs, page_of
from careteam.api.schemas import InputSchema
from careteam.domain.verdicts import Trend
from careteam.domain.vocabulary import IntroducedBy, InterventionKind, Tier, Verdict, values
from careteam.services import clock, interventions, ledger
from careteam.services.interventions import DETAILS_MAX, NAME_MAX, REASON_MAX
from careteam.web.login import actor

blp = api_blueprint("api_interventions", __name__, "Interventions and what helped.")

VERDICT_DOC = (
    "Derived from the weekly ratings, never set by hand: `too_early` (fewer than 3 rated weeks), "
    "`makes_worse` (mean <= -0.5, or 2 of the last 3 weeks negative), `helps` (mean >= +0.75 and at "
    "most 20% of weeks negative), `mixed` (at least 25% of weeks >= +1 and 25% <= -1), else "
    "`does_not_help`."
)


def _name(**kwargs):
    return fields.Str(validate=validate.Length(min=1, max=NAME_MAX), **kwargs)


def _tier(**kwargs):
    return fields.Str(validate=validate.OneOf(values(Tier)), **kwargs)


def _kind(**kwargs):
    return fields.Str(validate=validate.OneOf(values(InterventionKind)), **kwargs)


class InterventionIn(InputSchema):
    """A new intervention. introduced_by is not sent: it is the caller's discipline, or "patient"."""

    name = _name(required=True)
    tier = _tier(required=True)
    kind = _kind(required=True)
    details = fields.Str(load_default="", validate=validate.Length(max=DETAILS_MAX))
    started_on = fields.Date(load_default=None, allow_none=True)
    stopped_on = fields.Date(load_default=None, allow_none=True)


class InterventionPatch(InputSchema):
    """Only the fields to change, and the version the change is based on (409 when stale)."""

    version = fields.Int(required=True, strict=True)
    name = _name()
    tier = _tier()
    kind = _kind()
    details = fields.Str(validate=validate.Length(max=DETAILS_MAX))
    started_on = fields.Date(allow_none=True)
    stopped_on = fields.Date(allow_none=True)
    reason = fields.Str(load_default="", validate=validate.Length(max=REASON_MAX),
                        metadata={"description": "Why, for the record's timeline."})


class StopIn(InputSchema):
    stopped_on = fields.Date(load_default=None, allow_none=True, metadata={"description": "Default: today."})
    reason = fields.Str(required=True, validate=validate.Length(min=1, max=REASON_MAX))


class InterventionOut(Schema):
    id = fields.Int()
    name = fields.Str()
    tier = fields.Str(validate=validate.OneOf(values(Tier)))
    kind = fields.Str(validate=validate.OneOf(values(InterventionKind)))
    details = fields.Str()
    started_on = fields.Date(allow_none=True)
    stopped_on = fields.Date(allow_none=True)
    introduced_by = fields.Str(validate=validate.OneOf(values(IntroducedBy)))
    active = fields.Method("is_active", metadata={"type": "boolean", "description": "In use today."})
    version = fields.Int(metadata={"description": "Send it back with a change (PATCH)."})
    created_at = fields.DateTime()
    updated_at = fields.DateTime()

    def is_active(self, intervention) -> bool:
        return intervention.active_on(clock.today())


class InterventionConflictOut(Schema):
    errors = fields.Dict()
    current = fields.Dict(metadata={"description": "The intervention as it is now, with its version."})


class WeeklyRatingOut(Schema):
    week_start = fields.Date(metadata={"description": "Monday of the check-in's week."})
    rating = fields.Int(metadata={"description": "-2 made it much worse ... +2 helped a lot."})
    days_used = fields.Int(allow_none=True)


class WithWithoutOut(Schema):
    """Mean weekly pain (0-10) on weeks used vs. not used: an observation, not proof."""

    pain_used = fields.Float()
    pain_not_used = fields.Float()
    weeks_used = fields.Int()
    weeks_not_used = fields.Int()


class LedgerRowOut(Schema):
    intervention_id = fields.Int()
    name = fields.Str()
    tier = fields.Str(validate=validate.OneOf(values(Tier)))
    kind = fields.Str(validate=validate.OneOf(values(InterventionKind)))
    introduced_by = fields.Str(validate=validate.OneOf(values(IntroducedBy)))
    details = fields.Str()
    started_on = fields.Date(allow_none=True)
    stopped_on = fields.Date(allow_none=True)
    active = fields.Bool()
    weeks_rated = fields.Int()
    mean_rating = fields.Float(allow_none=True)
    last_rating = fields.Int(allow_none=True)
    trend = fields.Str(allow_none=True, validate=validate.OneOf(values(Trend)), metadata={
        "description": "Mean of the last 3 rated weeks against the 3 before (±0.5); null with fewer than 6."})
    verdict = fields.Str(validate=validate.OneOf(values(Verdict)), metadata={"description": VERDICT_DOC})
    with_without = fields.Nested(WithWithoutOut, allow_none=True, metadata={
        "description": "Null unless there are at least 3 weeks used and 3 not used."})
    ratings = fields.List(fields.Nested(WeeklyRatingOut))


@blp.route("/<int:patient_id>/interventions")
class InterventionList(MethodView):
    @blp.arguments(ListArgs, location="query")
    @blp.response(200, InterventionOut(many=True))
    def get(self, paging, patient_id: int):
        """Every intervention, active and stopped, by portfolio tier."""
        return page_of(interventions.list_interventions(actor(), patient_id), paging)

    @blp.arguments(InterventionIn)
    @blp.response(201, InterventionOut)
    def post(self, data, patient_id: int):
        """Add an intervention (clinicians; a patient adds what they tried themself)."""
        return interventions.add_intervention(actor(), patient_id, data)


@blp.route("/<int:patient_id>/interventions/<int:intervention_id>")
class InterventionItem(MethodView):
    @blp.response(200, InterventionOut)
    def get(self, patient_id: int, intervention_id: int):
        return interventions.get_intervention(actor(), patient_id, intervention_id)

    @blp.arguments(InterventionPatch)
    @blp.response(200, InterventionOut)
    @blp.alt_response(409, schema=InterventionConflictOut, description="Changed by someone else since `version`.")
    def patch(self, data, patient_id: int, intervention_id: int):
        """Change some fields. A patient may change only what they introduced (else 403)."""
        version, reason = data.pop("version"), data.pop("reason")
        return interventions.edit_intervention(actor(), patient_id, intervention_id, version, data, reason)


@blp.route("/<int:patient_id>/interventions/<int:intervention_id>/stop")
class InterventionStop(MethodView):
    @blp.arguments(StopIn)
    @blp.response(200, InterventionOut)
    def post(self, data, patient_id: int, intervention_id: int):
        """Mark as stopped, with the reason (shown in the record's timeline)."""
        return interventions.stop_intervention(actor(), patient_id, intervention_id, data["reason"],
                                               data["stopped_on"])


@blp.route("/<int:patient_id>/ledger")
class Ledger(MethodView):
    @blp.arguments(ListArgs, location="query")
    @blp.response(200, LedgerRowOut(many=True))
    def get(self, paging, patient_id: int):
        """What has and hasn't helped: makes_worse rows first, then helps (best first), mixed,
        does_not_help, too_early."""
        return page_of(ledger.get_ledger(actor(), patient_id)[1], paging)
