"""Graded exposure: JSON API under /api/v1/patients/<patient_id>/."""

from __future__ import annotations

from flask.views import MethodView
from marshmallow import Schema, fields

from careteam.api import api_blueprint
from careteam.api.paging import ListArgs, page_of
from careteam.api.schemas import InputSchema
from careteam.services import exposure as service
from careteam.web.login import actor

blp = api_blueprint("api_exposure", __name__, "Graded exposure.")

CONFLICT = "Stale `version`: someone else changed the item; `current` holds its values now."


class ExposureItemIn(InputSchema):
    description = fields.Str(required=True)
    fear_rating = fields.Int(required=True, strict=True, metadata={"description": "0–100"})
    predicted_consequence = fields.Str(load_default="")
    expectancy = fields.Int(required=True, strict=True, metadata={"description": "0–100"})


class ExposureItemPatch(InputSchema):
    version = fields.Int(required=True, strict=True, metadata={"description": "The version the change is based on."})
    description = fields.Str()
    fear_rating = fields.Int(strict=True)
    predicted_consequence = fields.Str()
    expectancy = fields.Int(strict=True)
    reason = fields.Str(load_default="")


class AttemptIn(InputSchema):
    attempted_on = fields.Date(required=True)
    present = fields.Str(load_default="", metadata={"description": "Who was there."})
    expectancy_before = fields.Int(required=True, strict=True)
    what_happened = fields.Str(load_default="")
    feared_outcome_occurred = fields.Bool(required=True)
    expectancy_after = fields.Int(required=True, strict=True)
    fear_after = fields.Int(load_default=None, allow_none=True, strict=True)
    learned = fields.Str(load_default="")


class MasteryIn(InputSchema):
    mastered = fields.Bool(required=True, metadata={"description": "true marks the item mastered, false lifts it."})
    reason = fields.Str(load_default="", metadata={"description": "Required to mark."})


class OrderIn(InputSchema):
    item_ids = fields.List(fields.Int(strict=True), required=True,
                           metadata={"description": "Every item of the hierarchy once, in the new order."})


class ExposureItemOut(Schema):
    id = fields.Int()
    description = fields.Str()
    fear_rating = fields.Int()
    predicted_consequence = fields.Str()
    expectancy = fields.Int()
    position = fields.Int(allow_none=True)
    mastered = fields.Function(lambda item: item.mastered_at is not None)
    mastered_at = fields.DateTime(allow_none=True)
    marked_by_clinician = fields.Function(lambda item: item.mastered_by_id is not None)
    mastery_reason = fields.Str()
    version = fields.Int()
    created_at = fields.DateTime()


class AttemptOut(Schema):
    id = fields.Int()
    item_id = fields.Int()
    attempted_on = fields.Date()
    present = fields.Str()
    expectancy_before = fields.Int()
    what_happened = fields.Str()
    feared_outcome_occurred = fields.Bool()
    expectancy_after = fields.Int()
    expectancy_drop = fields.Function(lambda a: a.expectancy_before - a.expectancy_after)
    fear_after = fields.Int(allow_none=True)
    learned = fields.Str()
    logged_by_id = fields.Int()
    logged_by_role = fields.Str()
    created_at = fields.DateTime()


class ExposureItemDetailOut(ExposureItemOut):
    attempts = fields.List(fields.Nested(AttemptOut), metadata={"description": "Oldest first."})


class ItemProgressOut(Schema):
    item = fields.Nested(ExposureItemOut)
    mastered = fields.Bool()
    suggested = fields.Bool()
    attempts_count = fields.Int()
    last_attempted_on = fields.Date(allow_none=True)
    last_expectancy_before = fields.Int(allow_none=True)
    last_expectancy_after = fields.Int(allow_none=True)


class ProgressOut(Schema):
    threshold = fields.Int(metadata={"description": "Mastery: expectancy after at or below this, twice in a row."})
    mastered_count = fields.Int()
    suggested_next_item_id = fields.Function(lambda p: p.suggested_next.item.id if p.suggested_next else None)
    items = fields.List(fields.Nested(ItemProgressOut), metadata={"description": "In hierarchy order."})


@blp.route("/<int:patient_id>/exposure")
class Progress(MethodView):
    @blp.response(200, ProgressOut)
    def get(self, patient_id: int):
        """The hierarchy in order with mastery, attempts and the suggested next item."""
        return service.hierarchy(actor(), patient_id)[1]


@blp.route("/<int:patient_id>/exposure-items")
class Items(MethodView):
    @blp.arguments(ListArgs, location="query")
    @blp.response(200, ExposureItemOut(many=True))
    def get(self, paging, patient_id: int):
        """The items in hierarchy order."""
        return page_of([p.item for p in service.hierarchy(actor(), patient_id)[1].items], paging)

    @blp.arguments(ExposureItemIn)
    @blp.response(201, ExposureItemOut)
    def post(self, data, patient_id: int):
        """Add an item (psychologists)."""
        return service.add_item(actor(), patient_id, **data)


@blp.route("/<int:patient_id>/exposure-items/<int:item_id>")
class Item(MethodView):
    @blp.response(200, ExposureItemDetailOut)
    def get(self, patient_id: int, item_id: int):
        """An item with its attempts."""
        return service.item_detail(actor(), patient_id, item_id)[1].item

    @blp.arguments(ExposureItemPatch)
    @blp.response(200, ExposureItemOut)
    @blp.alt_response(409, description=CONFLICT)
    def patch(self, data, patient_id: int, item_id: int):
        """Change an item (psychologists), based on its `version`."""
        return service.edit_item(actor(), patient_id, item_id, **data)


@blp.route("/<int:patient_id>/exposure-items/<int:item_id>/attempts")
class Attempts(MethodView):
    @blp.arguments(AttemptIn)
    @blp.response(201, AttemptOut)
    def post(self, data, patient_id: int, item_id: int):
        """Log an attempt (psychologist, physiotherapist or the patient); mastery follows."""
        return service.log_attempt(actor(), patient_id, item_id, **data)


@blp.route("/<int:patient_id>/exposure-items/<int:item_id>/mastery")
class Mastery(MethodView):
    @blp.arguments(MasteryIn)
    @blp.response(200, ExposureItemOut)
    def post(self, data, patient_id: int, item_id: int):
        """Mark an item mastered with a reason, or lift the mark (psychologists)."""
        return service.set_mastery(actor(), patient_id, item_id, **data)


@blp.route("/<int:patient_id>/exposure-order")
class Order(MethodView):
    @blp.arguments(OrderIn)
    @blp.response(200, ExposureItemOut(many=True))
    def put(self, data, patient_id: int):
        """Place the items in this order (psychologists)."""
        return service.reorder(actor(), patient_id, data["item_ids"])
