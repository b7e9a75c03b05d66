"""The handover summary: assembled once, with the viewer's visibility, into a plain object that
the HTML page, the PDF and the JSON API all render.

Order (function first): header; red flags and open alerts; functional goals; trends; what has
and hasn't helped; plans (exercise doses and changes, graded activity, exposure); flare days and
the flare-up plan; open questions; notes in the period the viewer may see. A psychologists-only
note reaches only psychologists; the patient's own copy leaves out clinicians-only notes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from markupsafe import Markup
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from careteam.domain.checkins import week_start_of
from careteam.domain.policy import Action, Part, Role, allowed, readable_note_visibilities
from careteam.extensions import db
from careteam.models import CareTeamMember, FlarePlan, Patient, Question, RedFlagAlert, User
from careteam.services import appointments, clock, exercises, exposure, flare, goals, ledger
from careteam.services import notes as notes_service
from careteam.services import measures, questions
from careteam.services.access import authorize, relation_to
from careteam.services.activity_progress import PlanProgress, activity_progress, progress_chart
from careteam.services.errors import InvalidInput
from careteam.summary.trends import WeekPoint, trend_chart, weekly_points

DEFAULT_WEEKS = 8
MAX_PERIOD = timedelta(days=2 * 366)
NOTE_CHARACTERS = 1500  # longer notes are shortened, with a pointer to the full note in careteam
MAX_NOTES = 40


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    basis: str  # how it was chosen, in words

    @property
    def weeks(self) -> int:
        return max(1, round((self.end - self.start).days / 7))

    @property
    def description(self) -> str:
        return f"chosen, {self.weeks} weeks" if self.basis == "chosen" else self.basis


@dataclass(frozen=True)
class SummaryNote:
    note_id: int
    author: str
    author_role: str
    visibility: str
    written_at: datetime
    body: str
    shortened: bool
    corrections: tuple[tuple[str, datetime, str], ...]  # (author, when, text)


@dataclass
class Summary:
    patient: Patient
    team: list[CareTeamMember]
    period: Period
    generated_at: datetime
    generated_by: User
    for_patient: bool  # the patient's own copy
    sections: set[Part]
    red_flag_weeks: list[WeekPoint] = field(default_factory=list)
    alerts: list[RedFlagAlert] = field(default_factory=list)  # open, or raised in the period
    goals: list[goals.GoalProgress] = field(default_factory=list)
    weeks: list[WeekPoint] = field(default_factory=list)
    ledger: list[ledger.LedgerRow] = field(default_factory=list)
    programme: exercises.Programme | None = None
    activity: list[PlanProgress] = field(default_factory=list)
    exposure: exposure.ExposureProgress | None = None
    flare_days: list[date] = field(default_factory=list)
    measures: list[dict] = field(default_factory=list)  # services.measures, right after the goals
    flare_plan: FlarePlan | None = None
    questions: list[Question] = field(default_factory=list)
    notes: list[SummaryNote] = field(default_factory=list)
    more_notes: int = 0

    @property
    def checked_in_weeks(self) -> list[WeekPoint]:
        return [w for w in self.weeks if w.pain_average is not None]

    @property
    def open_alerts(self) -> list[RedFlagAlert]:
        return [a for a in self.alerts if a.acknowledged_at is None]

    def trend_chart(self, width: int = 640, height: int = 220) -> Markup:
        return trend_chart(self.weeks, title="Weekly check-ins in the period", width=width, height=height)

    def activity_chart(self, plan: PlanProgress) -> Markup | None:
        return progress_chart(plan)

    def activity_sessions(self, plan: PlanProgress) -> tuple[int, int]:
        """Quota sessions in the period, and how many met their quota."""
        sessions = [p for p in plan.quota_sessions if self.period.start <= p.performed_on <= self.period.end]
        return len(sessions), sum(1 for p in sessions if p.done >= p.quota)


def choose_period(patient_id: int, start: date | None, end: date | None) -> Period:
    """Default: since the last appointment (8 weeks when there is none), up to today."""
    today = clock.today()
    end = end or today
    if start is None:
        moment = datetime.combine(end + timedelta(days=1), time.min, tzinfo=clock.zone())
        last = appointments.last_appointment_before(patient_id, moment)
        last_day = last.starts_at.astimezone(clock.zone()).date() if last else None
        if last_day and last_day < end:
            return _checked(Period(last_day, end, f"since the last appointment on {last_day:%-d %b %Y}"))
        return _checked(Period(end - timedelta(weeks=DEFAULT_WEEKS), end, f"the last {DEFAULT_WEEKS} weeks"))
    return _checked(Period(start, end, "chosen"))


def _checked(period: Period) -> Period:
    if period.start > period.end:
        raise InvalidInput({"from": "The period must start before it ends."})
    if period.end - period.start > MAX_PERIOD:
        raise InvalidInput({"from": "Choose a period of at most two years."})
    if period.end > clock.today() + timedelta(days=366):
        raise InvalidInput({"to": "Choose an end date within a year from today."})
    return period


def _moment(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=clock.zone())


def _team(patient_id: int) -> list[CareTeamMember]:
    return list(db.session.scalars(
        select(CareTeamMember).where(CareTeamMember.patient_id == patient_id)
        .options(selectinload(CareTeamMember.clinician)).order_by(CareTeamMember.discipline, CareTeamMember.id)
    ))


def _alerts(patient_id: int, period: Period) -> list[RedFlagAlert]:
    return list(db.session.scalars(
        select(RedFlagAlert)
        .where(RedFlagAlert.patient_id == patient_id,
               or_(RedFlagAlert.acknowledged_at.is_(None),
                   RedFlagAlert.raised_at >= _moment(period.start)))
        .where(RedFlagAlert.raised_at < _moment(period.end + timedelta(days=1)))
        .options(selectinload(RedFlagAlert.acknowledged_by), selectinload(RedFlagAlert.checkin))
        .order_by(RedFlagAlert.raised_at.desc())
    ))


def _summary_note(thread: notes_service.NoteThread) -> SummaryNote:
    note = thread.note
    body = note.body
    shortened = len(body) > NOTE_CHARACTERS
    if shortened:
        body = body[:NOTE_CHARACTERS].rsplit(" ", 1)[0] + " …"
    corrections = tuple((a.author.name, a.created_at, a.body[:NOTE_CHARACTERS]) for a in thread.addenda)
    return SummaryNote(note.id, note.author.name, note.author_role, note.visibility, note.created_at, body, shortened,
                       corrections)


def build_summary(actor: User, patient_id: int, start: date | None = None, end: date | None = None) -> Summary:
    """Authorize, then assemble. The caller audits (a read for the page and JSON, an export for the PDF)
    and commits; this function commits nothing, so the loaded objects stay loaded."""
    patient = authorize(actor, patient_id, Part.SUMMARY, Action.READ, object_type="summary")
    period = choose_period(patient.id, start, end)
    patient = db.session.scalar(select(Patient).where(Patient.id == patient.id).options(selectinload(Patient.user)))
    relation = relation_to(actor, patient.id)
    sections = {p for p in Part if allowed(actor.role_enum, relation, p, Action.READ)}
    summary = Summary(patient=patient, team=_team(patient.id), period=period, generated_at=clock.now(),
                      generated_by=actor, for_patient=actor.role_enum == Role.PATIENT, sections=sections)
    if Part.CHECKINS in sections:
        summary.weeks = weekly_points(patient.id, period.start, period.end)
        summary.red_flag_weeks = [w for w in summary.weeks if w.red_flags]
    if Part.ALERTS in sections:
        summary.alerts = _alerts(patient.id, period)
    if Part.GOALS in sections:
        summary.goals = goals.goal_progress(patient.id)
    if Part.QUESTIONNAIRES in sections:
        summary.measures = measures.measures_overview(patient.id, (period.start, period.end))
    if Part.INTERVENTIONS in sections:
        summary.ledger = ledger.build_ledger(patient.id, period.end)
    if Part.EXERCISE_DOSES in sections:
        summary.programme = exercises.current_programme(patient.id, week_start_of(period.start), period.end)
    if Part.GRADED_ACTIVITY in sections:
        summary.activity = [p for p in activity_progress(patient.id)
                            if p.ended_on is None or p.ended_on >= period.start]
    if Part.EXPOSURE in sections:
        progress = exposure.exposure_progress(patient.id)
        summary.exposure = progress if progress.items else None
    if Part.FLARE_PLAN in sections:
        summary.flare_plan = flare.current_plan(patient.id)
    if Part.CHECKINS in sections:
        summary.flare_days = flare.flare_days(patient.id, period.start, period.end)
    if Part.QUESTIONS in sections:
        summary.questions = questions.open_questions(patient.id)
    visibilities = readable_note_visibilities(actor.role_enum, relation)
    if visibilities:
        threads = notes_service.recent_notes(patient.id, visibilities, MAX_NOTES + 1, since=_moment(period.start))
        in_period = [t for t in threads if t.note.created_at < _moment(period.end + timedelta(days=1))
                     or any(a.created_at < _moment(period.end + timedelta(days=1)) for a in t.addenda)]
        summary.notes = [_summary_note(t) for t in in_period[:MAX_NOTES]]
        summary.more_notes = max(0, len(in_period) - MAX_NOTES)
    return summary
