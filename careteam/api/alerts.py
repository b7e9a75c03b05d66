"""Red-flag alerts: JSON API under /api/v1/patients/<patient_id>/."""

from __future__ import annotations

from flask.views import MethodView
from marshmallow import Schema, fields, validate

from careteam.api import api_blueprint
from careteam.api.paging import ListArgs, page_of
from careteam.api.schemas import InputSchema
from careteam.services import alerts
from careteam.web.login import actor

blp = api_blueprint("api_alerts", __name__, "Red-flag alerts.")


class AlertQuery(ListArgs):
    status = fields.Str(load_default=alerts.OPEN, validate=validate.OneOf([alerts.OPEN, alerts.ALL]))


class AcknowledgeIn(InputSchema):
    # Required by the service (after the access check, so outsiders still get 404).
    note = fields.Str(load_default="", metadata={"description": "what was done, e.g. 'Called the patient'"})


class EscalationOut(Schema):
    step = fields.Int()
    at = fields.DateTime()
    recipients = fields.Int()


class AcknowledgerOut(Schema):
    id = fields.Int()
    name = fields.Str()


class AlertOut(Schema):
    id = fields.Int()
    flags = fields.List(fields.Str(), metadata={"description": "red-flag codes, or a questionnaire's safety flag ids"})
    flag_labels = fields.Function(lambda alert: alerts.alert_labels(alert))
    kind = fields.Str(metadata={"description": "red_flag (a check-in) or questionnaire_safety (e.g. PHQ-9 item 9)"})
    questionnaire_response_id = fields.Int(allow_none=True)
    checkin_id = fields.Int(allow_none=True)
    week_start = fields.Function(lambda alert: alert.checkin.week_start.isoformat() if alert.checkin else None,
                                 metadata={"description": "the Monday of the check-in's week"})
    raised_at = fields.DateTime()
    acknowledged_at = fields.DateTime(allow_none=True)
    acknowledged_by = fields.Nested(AcknowledgerOut, allow_none=True)
    # The note is for the care team; the patient sees who acknowledged it and when.
    acknowledgement_note = fields.Function(lambda alert: alert.acknowledgement_note if actor().is_clinician else None)
    escalations = fields.Nested(EscalationOut, many=True)


@blp.route("/<int:patient_id>/alerts")
class Alerts(MethodView):
    @blp.arguments(AlertQuery, location="query")
    @blp.response(200, AlertOut(many=True))
    def get(self, args, patient_id: int):
        """Open alerts (`status=open`, the default), or all with the acknowledged ones after them."""
        return page_of(alerts.list_alerts(actor(), patient_id, args["status"])[1], args)


@blp.route("/<int:patient_id>/alerts/<int:alert_id>/acknowledge")
class Acknowledge(MethodView):
    @blp.arguments(AcknowledgeIn)
    @blp.response(200, AlertOut)
    def post(self, args, patient_id: int, alert_id: int):
        """A physician on the care team acknowledges the alert with a note of what was done;
        doing it again changes nothing."""
        return alerts.acknowledge(actor(), patient_id, alert_id, args["note"])
