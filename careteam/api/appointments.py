"""Appointments: a patient's, and the caller's upcoming ones."""

from __future__ import annotations

from flask.views import MethodView
from marshmallow import Schema, ValidationError, fields, validate, validates

from careteam.api import api_blueprint
from careteam.api.paging import ListArgs, page_of
from careteam.api.schemas import InputSchema, PatientOut
from careteam.domain import appointments as rules
from careteam.domain.vocabulary import AppointmentKind, values
from careteam.services import appointments
from careteam.web.login import actor

blp = api_blueprint("api_appointments", __name__, "Appointments and the caller's upcoming ones.")


class AppointmentIn(InputSchema):
    starts_at = fields.AwareDateTime(required=True, metadata={"description": "With a time zone offset."})
    kind = fields.Str(required=True, validate=validate.OneOf(values(AppointmentKind)))
    clinician_id = fields.Int(load_default=None, strict=True, metadata={"description": "Default: the caller."})
    place = fields.Str(load_default="", validate=validate.Length(max=rules.PLACE_MAX), metadata={
        "description": "Where it happens: a room or an address; empty for a call."})
    duration_minutes = fields.Int(load_default=rules.DEFAULT_DURATION, strict=True, metadata={
        "description": f"Length in minutes, {rules.DURATION_MIN} to {rules.DURATION_MAX} "
                       f"(default {rules.DEFAULT_DURATION})."})
    video_url = fields.Str(load_default=None, allow_none=True, validate=validate.Length(max=rules.VIDEO_URL_MAX),
                           metadata={"description": "Optional video call link: https only, with a host name, without "
                                                    "a user name or password; never sent by e-mail."})

    @validates("video_url")
    def _video_link(self, value, **_kwargs):
        problem = rules.video_link_problem(value) if value else None
        if problem:
            raise ValidationError(problem)

    @validates("starts_at")
    def _aware(self, value, **_kwargs):
        if value.tzinfo is None:
            raise ValidationError("Give the time with its zone offset.")


class ClinicianOut(Schema):
    id = fields.Int()
    name = fields.Str()
    role = fields.Str()


class AppointmentOut(Schema):
    id = fields.Int()
    patient_id = fields.Int()
    starts_at = fields.DateTime()
    kind = fields.Str()
    place = fields.Str()
    duration_minutes = fields.Int()
    video_url = fields.Str(allow_none=True)
    clinician = fields.Nested(ClinicianOut)


class UpcomingOut(AppointmentOut):
    patient = fields.Nested(PatientOut)


class UpcomingArgs(ListArgs):
    days = fields.Int(load_default=appointments.UPCOMING_DAYS, validate=validate.Range(min=1, max=60))


@blp.route("/patients/<int:patient_id>/appointments")
class PatientAppointments(MethodView):
    @blp.arguments(ListArgs, location="query")
    @blp.response(200, AppointmentOut(many=True))
    def get(self, paging, patient_id: int):
        """Upcoming first (soonest first), then past ones (latest first)."""
        return page_of(appointments.list_appointments(actor(), patient_id)[1], paging)

    @blp.arguments(AppointmentIn)
    @blp.response(201, AppointmentOut)
    def post(self, data, patient_id: int):
        return appointments.schedule(actor(), patient_id, data["starts_at"], data["kind"], data["clinician_id"],
                                     place=data["place"], duration_minutes=data["duration_minutes"],
                                     video_url=data["video_url"])


@blp.route("/patients/<int:patient_id>/appointments/<int:appointment_id>")
class PatientAppointment(MethodView):
    @blp.response(204)
    def delete(self, patient_id: int, appointment_id: int):
        appointments.cancel(actor(), patient_id, appointment_id)


@blp.route("/appointments/upcoming")
class Upcoming(MethodView):
    @blp.arguments(UpcomingArgs, location="query")
    @blp.response(200, UpcomingOut(many=True))
    def get(self, args):
        """The caller's own appointments in the next days, soonest first."""
        return page_of([a for day in appointments.upcoming(actor(), args["days"]) for a in day.appointments], args)
