"""Assembling a RecordView for (viewer, patient, period) through one of two lenses: the
dashboard (the last 12 weeks, the latest notes and changes) and the handover summary (a chosen
period, its notes). Each part is loaded by one function, only for a viewer who may read it, in
a fixed number of statements whatever the size of the record; long lists are capped so that no
record can push a render past its time limit.

Another part joins the view with `add_part(name, part, load)`: `load(patient_id, period)` returns
plain data, found in `view.parts[name]`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Callable

from careteam.domain.checkins import week_start_of
from careteam.domain.policy import Action, Part, Role, allowed, readable_note_visibilities
from careteam.models import User
from careteam.services import appointments, clock, exercises, exposure, flare, goals, ledger, measures
from careteam.services import questionnaires, timeline
from careteam.services import notes as notes_service
from careteam.services.access import authorize, relation_to
from careteam.services.activity_progress import activity_progress
from careteam.services.checkin_trends import weekly_points
from careteam.services.errors import InvalidInput
from careteam.services.record import rows
from careteam.services.record.view import Period, RecordView, SummaryNote

TREND_WEEKS = 12
RECENT_NOTES = 5
RECENT_CHANGES = 12
DEFAULT_WEEKS = 8
MAX_PERIOD = timedelta(days=2 * 366)
NOTE_CHARACTERS = 1500  # longer notes are shortened, with a pointer to the full note in careteam
MAX_NOTES = 40
MAX_QUESTIONS = 20  # the newest open questions; "and N more in careteam"
MAX_ALERTS = 50


@dataclass(frozen=True)
class Lens:
    name: str
    trend_title: str
    handover: bool  # period notes, flare days and dose changes in the period; else the latest notes and changes


DASHBOARD = Lens("dashboard", f"Last {TREND_WEEKS} weeks", handover=False)
HANDOVER = Lens("summary", "Weekly check-ins in the period", handover=True)


@dataclass(frozen=True)
class ExtraPart:
    name: str
    part: Part
    load: Callable[[int, Period], Any]


EXTRA_PARTS: list[ExtraPart] = []


def add_part(name: str, part: Part, load: Callable[[int, Period], Any]) -> None:
    """Add a part to every RecordView (for viewers who may read `part`)."""
    EXTRA_PARTS[:] = [p for p in EXTRA_PARTS if p.name != name] + [ExtraPart(name, part, load)]


def _moment(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=clock.zone())


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


def dashboard_period() -> Period:
    last = week_start_of(clock.today())
    return Period(last - timedelta(weeks=TREND_WEEKS - 1), clock.today(), f"the last {TREND_WEEKS} weeks")


def _summary_note(thread: notes_service.NoteThread) -> SummaryNote:
    note = thread.note
    body = note.body
    shortened = len(body) > NOTE_CHARACTERS
    if shortened:
        body = body[:NOTE_CHARACTERS].rsplit(" ", 1)[0] + " …"
    corrections = tuple((a.author.name, a.created_at, a.body[:NOTE_CHARACTERS]) for a in thread.addenda)
    return SummaryNote(note.id, note.author.name, note.author_role, note.visibility, note.created_at, body, shortened,
                       corrections)


def _notes(view: RecordView, visibilities: list[str], lens: Lens) -> None:
    patient_id, period = view.patient.id, view.period
    if not lens.handover:
        view.recent_notes = notes_service.recent_notes(patient_id, visibilities, RECENT_NOTES)
        return
    threads = notes_service.recent_notes(patient_id, visibilities, MAX_NOTES + 1, since=_moment(period.start))
    period_end = _moment(period.end + timedelta(days=1))
    in_period = [t for t in threads if t.note.created_at < period_end
                 or any(a.created_at < period_end for a in t.addenda)]
    view.notes = [_summary_note(t) for t in in_period[:MAX_NOTES]]
    view.more_notes = max(0, len(in_period) - MAX_NOTES)


def assemble(viewer: User, patient_id: int, period: Period, lens: Lens) -> RecordView:
    """The viewer's view of the record (already authorized; the caller audits and commits)."""
    relation = relation_to(viewer, patient_id)
    sections = {p for p in Part if allowed(viewer.role_enum, relation, p, Action.READ)}
    view = RecordView(patient=rows.patient_header(patient_id), team=rows.team(patient_id), period=period,
                      viewer=viewer, for_patient=viewer.role_enum == Role.PATIENT, sections=sections,
                      generated_at=clock.now(), trend_title=lens.trend_title)
    today = clock.today()
    if Part.CHECKINS in sections:
        view.weeks = weekly_points(patient_id, period.start, period.end)
        if lens.handover:
            view.flare_days = flare.flare_days(patient_id, period.start, period.end)
    if Part.ALERTS in sections:
        view.alerts, total = rows.alerts(patient_id, _moment(period.start) if lens.handover else None,
                                         _moment(period.end + timedelta(days=1)) if lens.handover else None,
                                         MAX_ALERTS)
        view.more_alerts = total - len(view.alerts)
    if Part.GOALS in sections:
        view.goals = goals.goal_progress(patient_id)
    if Part.QUESTIONNAIRES in sections:
        view.measures = measures.measures_overview(patient_id, (period.start, period.end) if lens.handover else None)
        if not lens.handover:
            view.due_questionnaires = questionnaires.due_questionnaires(patient_id, today)
    if Part.INTERVENTIONS in sections:
        view.ledger = ledger.build_ledger(patient_id, period.end if lens.handover else today)
    if Part.EXERCISE_DOSES in sections:
        since = week_start_of(period.start) if lens.handover else exercises.adherence_start(today)
        view.programme = exercises.current_programme(patient_id, since, period.end)
    if Part.GRADED_ACTIVITY in sections:
        view.activity = [p for p in activity_progress(patient_id)
                         if p.ended_on is None or (lens.handover and p.ended_on >= period.start)]
    if Part.EXPOSURE in sections:
        progress = exposure.exposure_progress(patient_id)
        view.exposure = progress if progress.items else None
    if Part.FLARE_PLAN in sections:
        view.flare_plan = flare.plan_view(patient_id)
    if Part.QUESTIONS in sections:
        view.questions, total = rows.open_questions(patient_id, MAX_QUESTIONS)
        view.more_questions = total - len(view.questions)
    visibilities = readable_note_visibilities(viewer.role_enum, relation)
    if visibilities:
        _notes(view, visibilities, lens)
    if not lens.handover:
        view.changes = timeline.recent_changes(viewer, patient_id, RECENT_CHANGES)
    for extra in EXTRA_PARTS:
        if extra.part in sections:
            view.parts[extra.name] = extra.load(patient_id, period)
    return view


def authorized_view(viewer: User, patient_id: int, part: Part, object_type: str, period: Period | None,
                    lens: Lens) -> RecordView:
    """Authorize (a refusal is audited), then assemble; no commit."""
    patient = authorize(viewer, patient_id, part, Action.READ, object_type=object_type)
    return assemble(viewer, patient.id, period or dashboard_period(), lens)
