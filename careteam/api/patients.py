"""Patients the caller may see, a record's overview and its care team."""

from __future__ import annotations

from flask.views import MethodView
from marshmallow import Schema, fields

from careteam.api import api_blueprint
from careteam.api.paging import ListArgs, page_of
from careteam.api.activity import ActivityPlanOut
from careteam.api.alerts import AlertOut
from careteam.api.exposure import ProgressOut
from careteam.api.flare import FlarePlanOut
from careteam.api.goals import GoalOut
from careteam.api.interventions import LedgerRowOut
from careteam.api.notes import NoteThreadOut
from careteam.api.questionnaires import MeasureOut, QuestionnaireAssignmentOut
from careteam.api.questions import QuestionOut
from careteam.api.schemas import Extended, InputSchema, PatientOut, PatientOverviewOut, TeamMemberOut, WeekPointOut
from careteam.api.summary import ProgrammeItemOut
from careteam.json import json_response
from careteam.services import patients, record, teams
from careteam.web.login import actor

blp = api_blueprint("api_patients", __name__, "Patient records and their care teams.")


class TeamMemberIn(InputSchema):
    clinician_id = fields.Int(required=True, strict=True)


class RecordChangeOut(Schema):
    occurred_at = fields.DateTime()
    actor_name = fields.Str(attribute="actor.name")
    actor_role = fields.Str()
    part = fields.Str()
    object_type = fields.Str()
    object_id = fields.Int(allow_none=True)
    summary = fields.Str()
    reason = fields.Str()
    changes = fields.Dict(keys=fields.Str(), values=fields.List(fields.Raw()), allow_none=True,
                          metadata={"description": "The values replaced: {field: [before, after]}."})


class DashboardOut(Schema):
    patient = fields.Nested(PatientOut)
    team = fields.List(fields.Nested(TeamMemberOut))
    goals = fields.List(fields.Nested(GoalOut))
    measures = fields.List(fields.Nested(MeasureOut), metadata={
        "description": "Questionnaire scores per instrument (PEG from the check-ins, PSFS from the goals), after the goals."})
    due_questionnaires = fields.List(fields.Nested(QuestionnaireAssignmentOut), metadata={
        "description": "Questionnaires the patient is asked to answer now (due or overdue), one per instrument."})
    weeks = fields.List(fields.Nested(WeekPointOut), metadata={"description": "The last 12 ISO weeks, oldest first; "
                                                                              "weeks without a check-in have nulls."})
    ledger = fields.List(fields.Nested(LedgerRowOut), metadata={"description": "Harmful first, then what helps."})
    open_alerts = fields.List(fields.Nested(AlertOut))
    more_alerts = fields.Int(metadata={"description": "Alerts left out of the list (it holds the newest 50)."})
    open_questions = fields.List(fields.Nested(QuestionOut), metadata={
        "description": f"The {record.MAX_QUESTIONS} newest open questions, oldest first."})
    more_questions = fields.Int(metadata={"description": "Open questions left out of the list."})
    recent_notes = fields.List(fields.Nested(NoteThreadOut))
    changes = fields.List(fields.Nested(RecordChangeOut))
    exercises = fields.List(fields.Nested(ProgrammeItemOut), metadata={
        "description": "The exercise programme, with adherence over the last 4 weeks."})
    activity = fields.List(fields.Nested(ActivityPlanOut), metadata={"description": "Graded-activity plans running."})
    exposure = fields.Nested(ProgressOut, allow_none=True, metadata={"description": "The exposure hierarchy, if any."})
    flare_plan = fields.Nested(FlarePlanOut, allow_none=True)


@blp.route("")
class PatientList(MethodView):
    @blp.arguments(ListArgs, location="query")
    @blp.response(200, PatientOut(many=True))
    def get(self, paging):
        """The patients the caller may list: their care teams' patients, or their own record."""
        return page_of(patients.list_patients(actor()), paging)


@blp.route("/<int:patient_id>")
class PatientItem(MethodView):
    @blp.response(200, PatientOverviewOut)
    def get(self, patient_id: int):
        """The record's overview. 404 when the caller may not see this patient."""
        return json_response(patients.overview(actor(), patient_id))  # plain data; the schema documents it


@blp.route("/<int:patient_id>/dashboard")
class Dashboard(MethodView):
    @blp.response(200, DashboardOut)
    def get(self, patient_id: int):
        """Everything on the patient dashboard that the caller may see, in one read.

        Parts the caller may not read are empty lists; notes are filtered by visibility."""
        board = record.dashboard(actor(), patient_id)
        return Extended(board, recent_notes=[Extended(t.note, addenda=t.addenda) for t in board.recent_notes],
                        exercises=board.programme.items if board.programme else [])


@blp.route("/<int:patient_id>/team")
class Team(MethodView):
    admins_allowed = True  # admins manage care teams

    @blp.arguments(ListArgs, location="query")
    @blp.response(200, TeamMemberOut(many=True))
    def get(self, paging, patient_id: int):
        return page_of(teams.get_team(actor(), patient_id)[1], paging)

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
