"""The one read model of a record (RecordView) and its read use cases: the dashboard and the
handover summary. Every read is authorized, and its audit event is committed before any of the
record is read; the commit keeps what is loaded (no re-select of expired objects)."""

from __future__ import annotations

from datetime import date

from careteam.domain.policy import Action, Part
from careteam.models import User
from careteam.services import audit
from careteam.services.access import authorize
from careteam.services.record.assembly import (
    DASHBOARD, HANDOVER, MAX_NOTES, MAX_QUESTIONS, NOTE_CHARACTERS, TREND_WEEKS, add_part, assemble, choose_period,
    dashboard_period,
)
from careteam.services.record.view import Period, RecordView, SummaryNote

__all__ = ["MAX_NOTES", "MAX_QUESTIONS", "NOTE_CHARACTERS", "TREND_WEEKS", "Period", "RecordView", "SummaryNote",
           "add_part", "build_summary", "choose_period", "dashboard", "read_summary"]


def dashboard(viewer: User, patient_id: int) -> RecordView:
    """The dashboard (page and JSON), audited as a read of the dashboard."""
    patient = authorize(viewer, patient_id, Part.RECORD, Action.READ, object_type="dashboard")
    audit.record_read(viewer, patient.id, "dashboard", object_id=patient.id)
    return assemble(viewer, patient.id, dashboard_period(), DASHBOARD)


def read_summary(viewer: User, patient_id: int, start: date | None = None, end: date | None = None) -> RecordView:
    """The handover summary for the page and the JSON API, audited as a read."""
    patient = authorize(viewer, patient_id, Part.SUMMARY, Action.READ, object_type="summary")
    period = choose_period(patient.id, start, end)  # a bad period is refused before anything is written
    audit.record_read(viewer, patient.id, "summary", detail=f"{period.start}..{period.end}")
    return assemble(viewer, patient.id, period, HANDOVER)


def build_summary(viewer: User, patient_id: int, start: date | None = None, end: date | None = None) -> RecordView:
    """Authorize, then assemble the handover; the caller audits (an export for the PDF) and commits."""
    patient = authorize(viewer, patient_id, Part.SUMMARY, Action.READ, object_type="summary")
    return assemble(viewer, patient.id, choose_period(patient.id, start, end), HANDOVER)
