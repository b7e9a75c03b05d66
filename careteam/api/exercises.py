"""Exercise prescriptions and doses: JSON API under /api/v1/patients/<patient_id>/.

Every change to a prescription carries `based_on_version`; a stale one answers 409 with the
prescription as it is now in `current` (plus `last_change`: who changed it, when, what).
"""

from __future__ import annotations

from flask.views import MethodView
from marshmallow import Schema, fields, validate

from careteam.api import api_blueprint
from careteam.api.paging import ListArgs, page_of
from careteam.api.schemas import InputSchema
from careteam.domain import dosing
from careteam.domain.vocabulary import NextDayResponse, Side, values
from careteam.services import exercises
from careteam.web.login import actor

blp = api_blueprint("api_exercises", __name__, "Exercise prescriptions and doses.")

CONFLICT_DOC = "The prescription changed since `based_on_version`; `current` holds it as it is now."


def _int(**kwargs) -> fields.Int:
    return fields.Int(strict=True, **kwargs)


# --- Input --------------------------------------------------------------------------------------


class DoseValuesIn(InputSchema):
    """A dose; the ranges are those of the model (422 with a message per field otherwise)."""

    sets = _int(required=True)
    reps = _int(required=True)
    hold_seconds = _int(load_default=0)
    load_kg = fields.Float(load_default=None, allow_none=True)
    load_band = fields.Str(load_default="", validate=validate.Length(max=dosing.BAND_LENGTH))
    rest_seconds = _int(load_default=0)
    sessions_per_week = _int(required=True)
    target_effort = _int(load_default=None, allow_none=True)
    effective_from = fields.Date(load_default=None, allow_none=True, metadata={"description": "Default: today."})
    reason = fields.Str(required=True, validate=validate.Length(max=dosing.REASON_LENGTH))


class DoseIn(DoseValuesIn):
    based_on_version = _int(required=True)


class PrescriptionIn(DoseValuesIn):
    """A new exercise and its first dose (the dose fields sit beside the exercise's own)."""

    name = fields.Str(required=True, validate=validate.Length(max=dosing.NAME_LENGTH))
    instructions = fields.Str(load_default="", validate=validate.Length(max=dosing.INSTRUCTIONS_LENGTH))
    side = fields.Str(load_default=Side.NOT_APPLICABLE.value, validate=validate.OneOf(values(Side)))
    equipment = fields.Str(load_default="", validate=validate.Length(max=dosing.EQUIPMENT_LENGTH))


class PrescriptionPatch(InputSchema):
    based_on_version = _int(required=True)
    name = fields.Str(validate=validate.Length(max=dosing.NAME_LENGTH))
    instructions = fields.Str(validate=validate.Length(max=dosing.INSTRUCTIONS_LENGTH))
    side = fields.Str(validate=validate.OneOf(values(Side)))
    equipment = fields.Str(validate=validate.Length(max=dosing.EQUIPMENT_LENGTH))
    reason = fields.Str(load_default="", validate=validate.Length(max=dosing.REASON_LENGTH))


class EndIn(InputSchema):
    based_on_version = _int(required=True)
    ended_on = fields.Date(load_default=None, allow_none=True, metadata={"description": "Default: today."})
    reason = fields.Str(required=True, validate=validate.Length(max=dosing.REASON_LENGTH))


class SessionIn(InputSchema):
    prescription_id = _int(required=True)
    performed_on = fields.Date(load_default=None, allow_none=True, metadata={"description": "Default: today."})
    sets_done = _int(required=True)
    reps_done = _int(required=True)
    pain_before = _int(load_default=None, allow_none=True)
    pain_after = _int(load_default=None, allow_none=True)


class SessionQuery(ListArgs):
    prescription_id = fields.Int(load_default=None)
    since = fields.Date(load_default=None)
    until = fields.Date(load_default=None)


class NextDayIn(InputSchema):
    response = fields.Str(required=True, validate=validate.OneOf(values(NextDayResponse)))


# --- Output -------------------------------------------------------------------------------------


class PersonOut(Schema):
    id = fields.Int()
    name = fields.Str()


class DoseOut(Schema):
    id = fields.Int()
    number = fields.Int()
    sets = fields.Int()
    reps = fields.Int()
    hold_seconds = fields.Int()
    load_kg = fields.Float(allow_none=True)
    load_band = fields.Str()
    rest_seconds = fields.Int()
    sessions_per_week = fields.Int()
    target_effort = fields.Int(allow_none=True)
    effective_from = fields.Date()
    reason = fields.Str()
    changed_by = fields.Nested(PersonOut)
    changed_at = fields.DateTime()
    description = fields.Function(lambda dose: dosing.describe(dosing.dose_of(dose)),
                                  metadata={"type": "string", "example": "3 × 12, hold 5 s, 4 kg, 4×/week"})


class PrescriptionOut(Schema):
    id = fields.Int()
    name = fields.Str()
    instructions = fields.Str()
    side = fields.Str()
    equipment = fields.Str()
    started_on = fields.Date()
    ended_on = fields.Date(allow_none=True)
    version = fields.Int()
    current_dose = fields.Nested(DoseOut)


class SessionOut(Schema):
    id = fields.Int()
    prescription_id = fields.Int()
    dose_id = fields.Int()
    performed_on = fields.Date()
    sets_done = fields.Int()
    reps_done = fields.Int()
    pain_before = fields.Int(allow_none=True)
    pain_after = fields.Int(allow_none=True)
    next_day_response = fields.Str(allow_none=True)
    responded_at = fields.DateTime(allow_none=True)


# --- Routes -------------------------------------------------------------------------------------

DOSE_KEYS = (*dosing.DOSE_FIELDS, "effective_from")


def _split(data: dict) -> tuple[dict, dict, str]:
    """(exercise details, dose values, reason) from a flat body."""
    dose = {k: data[k] for k in DOSE_KEYS if k in data}
    details = {k: data[k] for k in exercises.DETAIL_FIELDS if k in data}
    return details, dose, data.get("reason", "")


@blp.route("/<int:patient_id>/exercises")
class Prescriptions(MethodView):
    @blp.arguments(ListArgs, location="query")
    @blp.response(200, PrescriptionOut(many=True))
    def get(self, paging, patient_id: int):
        """Every prescription of the patient, running ones first, each with its current dose."""
        return page_of(exercises.list_prescriptions(actor(), patient_id), paging)

    @blp.arguments(PrescriptionIn)
    @blp.response(201, PrescriptionOut)
    def post(self, data, patient_id: int):
        """A new exercise with its first dose (physiotherapists)."""
        details, dose, reason = _split(data)
        return exercises.create_prescription(actor(), patient_id, details, dose, reason)


@blp.route("/<int:patient_id>/exercises/<int:prescription_id>")
class Prescription(MethodView):
    @blp.response(200, PrescriptionOut)
    def get(self, patient_id: int, prescription_id: int):
        return exercises.get_prescription(actor(), patient_id, prescription_id)

    @blp.arguments(PrescriptionPatch)
    @blp.response(200, PrescriptionOut)
    @blp.alt_response(409, description=CONFLICT_DOC)
    def patch(self, data, patient_id: int, prescription_id: int):
        """Change descriptive fields (name, instructions, side, equipment); doses have their own route."""
        details, _, reason = _split(data)
        return exercises.edit_prescription(actor(), patient_id, prescription_id, data["based_on_version"],
                                           details, reason)


@blp.route("/<int:patient_id>/exercises/<int:prescription_id>/end")
class PrescriptionEnd(MethodView):
    @blp.arguments(EndIn)
    @blp.response(200, PrescriptionOut)
    @blp.alt_response(409, description=CONFLICT_DOC)
    def post(self, data, patient_id: int, prescription_id: int):
        """End the exercise; its doses and sessions stay in the record."""
        return exercises.end_prescription(actor(), patient_id, prescription_id, data["based_on_version"],
                                          data["ended_on"], data["reason"])


@blp.route("/<int:patient_id>/exercises/<int:prescription_id>/doses")
class Doses(MethodView):
    @blp.arguments(ListArgs, location="query")
    @blp.response(200, DoseOut(many=True))
    def get(self, paging, patient_id: int, prescription_id: int):
        """The dose history, oldest first. Doses are never changed or deleted."""
        return page_of(exercises.list_doses(actor(), patient_id, prescription_id), paging)

    @blp.arguments(DoseIn)
    @blp.response(201, DoseOut)
    @blp.alt_response(409, description=CONFLICT_DOC)
    def post(self, data, patient_id: int, prescription_id: int):
        """A new dose on top of version `based_on_version` (physiotherapists)."""
        _, dose, reason = _split(data)
        return exercises.change_dose(actor(), patient_id, prescription_id, data["based_on_version"], dose, reason)


@blp.route("/<int:patient_id>/exercise-sessions")
class Sessions(MethodView):
    @blp.arguments(SessionQuery, location="query")
    @blp.response(200, SessionOut(many=True))
    def get(self, query, patient_id: int):
        """Logged sessions, newest first; by default the last eight weeks."""
        sessions = exercises.list_sessions(actor(), patient_id, query["prescription_id"], query["since"],
                                           query["until"])
        return page_of(sessions, query)

    @blp.arguments(SessionIn)
    @blp.response(201, SessionOut)
    def post(self, data, patient_id: int):
        """Log a session (the patient; today or up to seven days back)."""
        return exercises.log_session(actor(), patient_id, data["prescription_id"], data["performed_on"],
                                     data["sets_done"], data["reps_done"], data["pain_before"], data["pain_after"])


@blp.route("/<int:patient_id>/exercise-sessions/<int:session_id>/next-day")
class NextDay(MethodView):
    @blp.arguments(NextDayIn)
    @blp.response(200, SessionOut)
    def post(self, data, patient_id: int, session_id: int):
        """The 24-hour answer for a session: yes, not_yet or worse (the patient, once)."""
        return exercises.answer_next_day(actor(), patient_id, session_id, data["response"])
