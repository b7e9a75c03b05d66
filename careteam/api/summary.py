"""The handover summary as JSON (the same object the page and the PDF render) and as a PDF."""

from __future__ import annotations

from flask.views import MethodView
from marshmallow import Schema, fields

from careteam.api import api_blueprint
from careteam.api.activity import ActivityPlanOut
from careteam.api.alerts import AlertOut
from careteam.api.exercises import DoseOut, PrescriptionOut
from careteam.api.exposure import ProgressOut
from careteam.api.flare import FlarePlanOut
from careteam.api.goals import GoalOut
from careteam.api.questionnaires import MeasureOut
from careteam.api.interventions import LedgerRowOut
from careteam.api.questions import QuestionOut
from careteam.api.schemas import Extended, InputSchema, PatientOut, TeamMemberOut, WeekPointOut
from careteam.summary.export import read_summary, summary_pdf
from careteam.web.login import actor
from careteam.web.summary import pdf_response

blp = api_blueprint("api_summary", __name__, "The handover summary (JSON and PDF).")


class PeriodArgs(InputSchema):
    from_ = fields.Date(data_key="from", load_default=None, metadata={
        "description": "First day; default: the last appointment, or 8 weeks ago."})
    to = fields.Date(load_default=None, metadata={"description": "Last day; default: today. At most two years."})


class PeriodOut(Schema):
    start = fields.Date()
    end = fields.Date()
    basis = fields.Str()
    weeks = fields.Int()


class DoseChangeOut(Schema):
    dose = fields.Nested(DoseOut)
    diff = fields.Str(metadata={"description": "What changed, e.g. \"reps 10 → 12\"."})


class AdherenceOut(Schema):
    done = fields.Int()
    prescribed = fields.Int()


class ProgrammeItemOut(Schema):
    prescription = fields.Nested(PrescriptionOut)
    changes = fields.List(fields.Nested(DoseChangeOut), metadata={"description": "Dose changes in the period."})
    sessions = fields.Function(lambda item: dict(zip(("done", "prescribed"), item.done_and_prescribed)))
    next_day_answers = fields.Dict(attribute="answers", metadata={"description": "yes / not_yet / worse counts."})


class SummaryNoteOut(Schema):
    note_id = fields.Int()
    author = fields.Str()
    author_role = fields.Str()
    visibility = fields.Str()
    written_at = fields.DateTime()
    body = fields.Str()
    shortened = fields.Bool(metadata={"description": "The body was cut; the full note is in careteam."})
    corrections = fields.Function(lambda n: [{"author": a, "at": w.isoformat(), "body": b} for a, w, b in n.corrections])


class SummaryOut(Schema):
    patient = fields.Nested(PatientOut)
    team = fields.List(fields.Nested(TeamMemberOut))
    period = fields.Nested(PeriodOut)
    generated_at = fields.DateTime()
    generated_by = fields.Str(attribute="generated_by.name")
    alerts = fields.List(fields.Nested(AlertOut), metadata={"description": "Open alerts and those raised in the period."})
    goals = fields.List(fields.Nested(GoalOut))
    measures = fields.List(fields.Nested(MeasureOut), metadata={"description": "Questionnaire scores in the period."})
    weeks = fields.List(fields.Nested(WeekPointOut))
    ledger = fields.List(fields.Nested(LedgerRowOut))
    exercises = fields.List(fields.Nested(ProgrammeItemOut))
    activity = fields.List(fields.Nested(ActivityPlanOut))
    exposure = fields.Nested(ProgressOut, allow_none=True)
    flare_days = fields.List(fields.Date())
    flare_plan = fields.Nested(FlarePlanOut, allow_none=True)
    questions = fields.List(fields.Nested(QuestionOut), metadata={"description": "The newest open questions, oldest first."})
    more_questions = fields.Int(metadata={"description": "Open questions left out of the list."})
    more_alerts = fields.Int(metadata={"description": "Alerts left out of the list."})
    notes = fields.List(fields.Nested(SummaryNoteOut), metadata={
        "description": "Notes in the period that the caller may read; long ones shortened."})
    more_notes = fields.Int()


@blp.route("/<int:patient_id>/summary")
class Summary(MethodView):
    @blp.arguments(PeriodArgs, location="query")
    @blp.response(200, SummaryOut)
    def get(self, args, patient_id: int):
        """The handover summary with the caller's visibility (audited as a read)."""
        summary = read_summary(actor(), patient_id, args["from_"], args["to"])
        return Extended(summary, exercises=summary.programme.items if summary.programme else [])


@blp.route("/<int:patient_id>/summary.pdf")
class SummaryPdf(MethodView):
    @blp.arguments(PeriodArgs, location="query")
    @blp.response(200, description="The handover summary as a tagged PDF (audited as an export).")
    @blp.doc(responses={"200": {"content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}}})
    def get(self, args, patient_id: int):
        return pdf_response(*summary_pdf(actor(), patient_id, args["from_"], args["to"]))
