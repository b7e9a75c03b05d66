"""Reads of check-ins: the form's context, the list of weeks and one week in detail, each
authorized and audited before anything is loaded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import bindparam, select

from careteam.domain import checkins as rules
from careteam.domain.policy import Action, Part, Relation
from careteam.extensions import db
from careteam.models import Patient, Question, User, WeeklyCheckin
from careteam.queries import PATIENT_ID, rows
from careteam.services import alerts, audit
from careteam.services.access import authorize, relation_to
from careteam.services.checkins.rows import (
    ExerciseRow,
    GoalRow,
    InterventionRow,
    WeekRows,
    checkin_questions,
    find,
    PreviousCheckin,
    flare_days_recorded,
    previous_checkin,
    week_rows,
)
from careteam.services.checkins.weeks import OBJECT_TYPE, OpenWeek, WeekWindow, open_weeks, week_or_refuse, week_window
from careteam.services.errors import NotFound
from careteam.services.pagination import Page, paginate

@dataclass
class CheckinContext:
    """Everything the check-in form of one week shows."""

    patient: Patient
    window: WeekWindow
    checkin: WeeklyCheckin | None
    rows: WeekRows
    recorded_flare_days: int
    question: Question | None  # the newest question asked with this check-in
    open_weeks: list[OpenWeek]
    previous: PreviousCheckin | None = None  # for "same as last week", while the week is not filled in

    @property
    def missed_weeks(self) -> list[OpenWeek]:
        """Earlier weeks still open and not filled in."""
        return [w for w in self.open_weeks if not w.filled and w.week_start != self.window.week_start]

    @property
    def previous_words(self) -> str:
        """"last week", or "the week of 16 Nov" for an older check-in."""
        if self.previous is None or self.previous.week_start == self.window.week_start - rules.WEEK:
            return "last week"
        return f"the week of {self.previous.week_start:%-d %b}"


def _audit_read(actor: User, patient_id: int, object_id: int | None = None, week_start: date | None = None) -> None:
    """Audit and commit before loading what is shown (one insert; the commit expires nothing)."""
    audit.record_read(actor, patient_id, OBJECT_TYPE, object_id=object_id,
                      detail=f"week {week_start.isoformat()}" if week_start else None)


def form_context(actor: User, patient_id: int, week_start: date) -> CheckinContext:
    patient = authorize(actor, patient_id, Part.CHECKINS, Action.WRITE, object_type=OBJECT_TYPE)
    week_or_refuse(week_start)
    _audit_read(actor, patient.id, week_start=week_start)
    window = week_window(week_start)
    checkin = find(patient.id, week_start)
    asked = checkin_questions(checkin)
    return CheckinContext(
        patient=patient,
        window=window,
        checkin=checkin,
        rows=week_rows(patient.id, window, checkin),
        recorded_flare_days=flare_days_recorded(patient.id, window),
        question=asked[0] if asked else None,
        open_weeks=open_weeks(patient.id),
        previous=previous_checkin(patient.id, week_start) if checkin is None else None,
    )



def _history(patient_id: int):
    """Every check-in of the patient, newest week first, as entities (the Check-ins tab's pages)."""
    return select(WeeklyCheckin).where(WeeklyCheckin.patient_id == patient_id).order_by(WeeklyCheckin.week_start.desc())


@dataclass(frozen=True)
class CheckinSummary:
    """A week of the check-in list (the API's summary of it): plain data."""

    id: int
    week_start: date
    pain_average: int
    pain_worst: int
    enjoyment_interference: int
    activity_interference: int
    peg_score: float
    sleep_hours: float | None
    sleep_quality: int | None
    stress: int | None
    mood: int | None
    flare_days: int
    red_flags: list[str]
    submitted_at: datetime
    updated_at: datetime


# Prebuilt (no per-call statement): the bounds and the page are parameters.
SUMMARIES = (select(WeeklyCheckin.id, WeeklyCheckin.week_start, WeeklyCheckin.pain_average, WeeklyCheckin.pain_worst,
                    WeeklyCheckin.enjoyment_interference, WeeklyCheckin.activity_interference,
                    WeeklyCheckin.sleep_hours, WeeklyCheckin.sleep_quality, WeeklyCheckin.stress, WeeklyCheckin.mood,
                    WeeklyCheckin.flare_days, WeeklyCheckin.red_flags, WeeklyCheckin.submitted_at,
                    WeeklyCheckin.updated_at)
             .where(WeeklyCheckin.patient_id == PATIENT_ID, WeeklyCheckin.week_start >= bindparam("first_week"),
                    WeeklyCheckin.week_start <= bindparam("last_day"))
             .order_by(WeeklyCheckin.week_start.desc())
             .limit(bindparam("limit")).offset(bindparam("offset")))
NO_LIMIT = 2**31 - 1


def _summary(r) -> CheckinSummary:
    return CheckinSummary(r.id, r.week_start, r.pain_average, r.pain_worst, r.enjoyment_interference,
                          r.activity_interference,
                          rules.peg_score(r.pain_average, r.enjoyment_interference, r.activity_interference),
                          r.sleep_hours, r.sleep_quality, r.stress, r.mood, r.flare_days, r.red_flags,
                          r.submitted_at, r.updated_at)


def list_checkins(actor: User, patient_id: int, *, limit: int | None = None, from_: date | None = None,
                  to: date | None = None, offset: int = 0) -> list[CheckinSummary]:
    """The patient's check-ins, newest week first: those whose week overlaps from_..to, at most
    `limit` after skipping `offset`."""
    patient = authorize(actor, patient_id, Part.CHECKINS, Action.READ, object_type=OBJECT_TYPE)
    _audit_read(actor, patient.id)
    found = rows(SUMMARIES, patient_id=patient.id, first_week=rules.week_start_of(from_) if from_ else date.min,
                 last_day=to or date.max, limit=NO_LIMIT if limit is None else limit, offset=offset)
    return [_summary(r) for r in found]


def _own_open_weeks(actor: User, patient_id: int) -> list[OpenWeek]:
    """Open weeks matter to the patient, who fills them in; the team reads what was sent."""
    return open_weeks(patient_id) if relation_to(actor, patient_id) == Relation.SELF else []


@dataclass
class CheckinIndex:
    patient: Patient
    page: Page[WeeklyCheckin]
    open_weeks: list[OpenWeek]  # only for the patient
    open_alerts: int


def checkin_index(actor: User, patient_id: int, page: int = 1, per_page: int = 26) -> CheckinIndex:
    """The Check-ins tab: a page of weeks, the weeks still open (patient) and the open alerts count."""
    patient = authorize(actor, patient_id, Part.CHECKINS, Action.READ, object_type=OBJECT_TYPE)
    _audit_read(actor, patient.id)
    return CheckinIndex(
        patient=patient,
        page=paginate(_history(patient.id), page, per_page),
        open_weeks=_own_open_weeks(actor, patient.id),
        open_alerts=alerts.open_alert_counts([patient.id])[patient.id],
    )


@dataclass
class CheckinDetail:
    patient: Patient
    window: WeekWindow
    checkin: WeeklyCheckin
    rows: WeekRows
    questions: list[Question]  # asked with this check-in, newest first
    open_weeks: list[OpenWeek]  # only for the patient

    @property
    def ratings(self) -> list[InterventionRow]:
        return [r for r in self.rows.interventions if r.rating is not None]

    @property
    def exercise_counts(self) -> list[ExerciseRow]:
        """Counts stored with the check-in (older check-ins and API clients)."""
        return [r for r in self.rows.exercises if r.sessions_done is not None]

    @property
    def exercises(self) -> list[ExerciseRow]:
        """The week's exercises with the sessions done, read from the log now."""
        return self.rows.exercises

    @property
    def goal_scores(self) -> list[GoalRow]:
        return [r for r in self.rows.goals if r.score is not None]

    @property
    def missed_weeks(self) -> list[OpenWeek]:
        return [w for w in self.open_weeks if not w.filled]


def get_checkin(actor: User, patient_id: int, week_start: date) -> CheckinDetail:
    patient = authorize(actor, patient_id, Part.CHECKINS, Action.READ, object_type=OBJECT_TYPE)
    checkin_id = db.session.scalar(select(WeeklyCheckin.id).where(WeeklyCheckin.patient_id == patient.id,
                                                                  WeeklyCheckin.week_start == week_start))
    if checkin_id is None:
        raise NotFound()
    _audit_read(actor, patient.id, checkin_id)
    checkin = find(patient.id, week_start)
    window = week_window(week_start)
    return CheckinDetail(
        patient=patient,
        window=window,
        checkin=checkin,
        rows=week_rows(patient.id, window, checkin),
        questions=checkin_questions(checkin),
        open_weeks=_own_open_weeks(actor, patient.id),
    )
