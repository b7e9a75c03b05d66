"""The patient dashboard: everything a reader may see of one record, in a fixed number of queries.

Function first: goals with progress, then the 12-week trend, what has and hasn't helped, open
alerts and questions, recent notes, and the timeline of changes. Each part appears only for a
reader who may read it (the notes by visibility), so the same object serves the patient and
every discipline, the HTML page and the JSON API.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from careteam.domain.policy import Action, Part, allowed, readable_note_visibilities
from careteam.extensions import db
from careteam.models import CareTeamMember, FlarePlan, Patient, Question, RecordEvent, RedFlagAlert, User
from careteam.services import audit, clock, exercises, exposure, flare, goals, ledger, notes
from careteam.services import measures, questionnaires, questions, timeline
from careteam.services.access import authorize, relation_to
from careteam.services.activity_progress import PlanProgress, activity_progress
from careteam.summary.trends import WeekPoint, last_weeks, trend_chart

TREND_WEEKS = 12
ADHERENCE_WEEKS = 4
RECENT_NOTES = 5
RECENT_CHANGES = 12


@dataclass
class Dashboard:
    patient: Patient
    team: list[CareTeamMember]
    readable: set[Part]
    goals: list[goals.GoalProgress] = field(default_factory=list)
    weeks: list[WeekPoint] = field(default_factory=list)
    ledger: list[ledger.LedgerRow] = field(default_factory=list)
    open_alerts: list[RedFlagAlert] = field(default_factory=list)
    open_questions: list[Question] = field(default_factory=list)
    recent_notes: list[notes.NoteThread] = field(default_factory=list)
    changes: list[RecordEvent] = field(default_factory=list)
    programme: exercises.Programme | None = None
    activity: list[PlanProgress] = field(default_factory=list)
    exposure: exposure.ExposureProgress | None = None
    flare_plan: FlarePlan | None = None
    measures: list[dict] = field(default_factory=list)  # services.measures, right after the goals
    due_questionnaires: list = field(default_factory=list)

    @property
    def has_plans(self) -> bool:
        return bool((self.programme and self.programme.active) or self.activity
                    or (self.exposure and self.exposure.items) or self.flare_plan)

    @property
    def harmful(self) -> list[ledger.LedgerRow]:
        return ledger.split_harmful(self.ledger)[0]

    @property
    def helpful_and_rest(self) -> list[ledger.LedgerRow]:
        return ledger.split_harmful(self.ledger)[1]

    @property
    def has_checkins(self) -> bool:
        return any(w.pain_average is not None for w in self.weeks)

    def trend_chart(self) -> Markup:
        return trend_chart(self.weeks, title=f"Last {TREND_WEEKS} weeks", width=960, height=260)


def _open_alerts(patient_id: int) -> list[RedFlagAlert]:
    return list(db.session.scalars(
        select(RedFlagAlert)
        .where(RedFlagAlert.patient_id == patient_id, RedFlagAlert.acknowledged_at.is_(None))
        .options(selectinload(RedFlagAlert.checkin))
        .order_by(RedFlagAlert.raised_at.desc())
    ))


def _team(patient_id: int) -> list[CareTeamMember]:
    return list(db.session.scalars(
        select(CareTeamMember)
        .where(CareTeamMember.patient_id == patient_id)
        .options(selectinload(CareTeamMember.clinician))
        .order_by(CareTeamMember.discipline, CareTeamMember.id)
    ))


def build(actor: User, patient_id: int) -> Dashboard:
    patient = authorize(actor, patient_id, Part.RECORD, Action.READ, object_type="dashboard")
    relation = relation_to(actor, patient.id)
    readable = {p for p in Part if allowed(actor.role_enum, relation, p, Action.READ)}
    # Audit and commit before loading: a commit expires loaded objects, and the page reads them.
    audit.record("read", actor=actor, patient_id=patient.id, object_type="dashboard", object_id=patient.id)
    db.session.commit()
    patient = db.session.scalar(select(Patient).where(Patient.id == patient_id).options(selectinload(Patient.user)))
    today = clock.today()
    board = Dashboard(patient=patient, team=_team(patient.id), readable=readable)
    if Part.GOALS in readable:
        board.goals = goals.goal_progress(patient.id)
    if Part.QUESTIONNAIRES in readable:
        board.measures = measures.measures_overview(patient.id)
        board.due_questionnaires = questionnaires.due_questionnaires(patient.id, today)
    if Part.CHECKINS in readable:
        board.weeks = last_weeks(patient.id, today, TREND_WEEKS)
    if Part.INTERVENTIONS in readable:
        board.ledger = ledger.build_ledger(patient.id, today)
    if Part.ALERTS in readable:
        board.open_alerts = _open_alerts(patient.id)
    if Part.QUESTIONS in readable:
        board.open_questions = questions.open_questions(patient.id)
    visibilities = readable_note_visibilities(actor.role_enum, relation)
    if visibilities:
        board.recent_notes = notes.recent_notes(patient.id, visibilities, RECENT_NOTES)
    if Part.EXERCISE_DOSES in readable:
        board.programme = exercises.current_programme(patient.id, today - timedelta(weeks=ADHERENCE_WEEKS), today)
    if Part.GRADED_ACTIVITY in readable:
        board.activity = [p for p in activity_progress(patient.id) if p.ended_on is None]
    if Part.EXPOSURE in readable:
        board.exposure = exposure.exposure_progress(patient.id)
    if Part.FLARE_PLAN in readable:
        board.flare_plan = flare.current_plan(patient.id)
    board.changes = timeline.recent_changes(actor, patient.id, RECENT_CHANGES)
    return board
