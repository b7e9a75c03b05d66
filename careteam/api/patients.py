"""Patients the caller may see, a record's overview and its care team."""

from __future__ import annotations

from flask.views import MethodView
from marshmallow import fields

from careteam.api import api_blueprint
from careteam.api.schemas import InputSchema, PatientOut, PatientOverviewOut, TeamMemberOut
from careteam.services import patients, teams
from careteam.web.login import actor

blp = api_blueprint("api_patients", __name__, "Patient records and their care teams.")


class TeamMemberIn(InputSchema):
    clinician_id = fields.Int(required=True, strict=True)


@blp.route("")
class PatientList(MethodView):
    @blp.response(200, PatientOut(many=True))
    def get(self):
        """The patients the caller may list: their care teams' patients, or their own record."""
        return patients.list_patients(actor())


@blp.route("/<int:patient_id>")
class PatientItem(MethodView):
    @blp.response(200, PatientOverviewOut)
    def get(self, patient_id: int):
        """The record's overview. 404 when the caller may not see this patient."""
        return patients.overview(actor(), patient_id)


@blp.route("/<int:patient_id>/team")
class Team(MethodView):
    admins_allowed = True  # admins manage care teams

    @blp.response(200, TeamMemberOut(many=True))
    def get(self, patient_id: int):
        return teams.get_team(actor(), patient_id)[1]

    @blp.arguments(TeamMemberIn)
    @blp.response(201, TeamMemberOut)
    def post(self, data, patient_id: int):
        """Add a clinician in their own discipline (admins, or a physician on the team)."""
        return teams.add_member(actor(), patient_id, data["clinician_id"])


@blp.route("/<int:patient_id>/team/<int:clinician_id>")
class TeamMember(MethodView):
    admins_allowed = True

    @blp.response(204)
    def delete(self, patient_id: int, clinician_id: int):
        """Remove a clinician from the team (admins)."""
        teams.remove_member(actor(), patient_id, clinician_id)
