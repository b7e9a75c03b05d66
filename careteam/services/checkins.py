"""Weekly check-ins: what the form needs, saving (one per patient and week, even when two
submissions race), and the audited reads for the patient and the team."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

from flask import current_app
from sqlalchemy import ColumnElement, and_, exists, false, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, selectinload

from careteam.domain import checkins as rules
from careteam.domain.checkins import CheckinValues
from careteam.domain.policy import Action, Part, Relation
from careteam.domain.vocabulary import GoalStatus, RedFlag
from careteam.extensions import db
from careteam.models import (
    CheckinExerciseCount,
    EffectRating,
    ExerciseDose,
    ExercisePrescription,
    ExerciseSession,
    FlareDay,
    FunctionalGoal,
    GoalScore,
    Intervention,
    Patient,
    Question,
    User,
    WeeklyCheckin,
)
from careteam.services import alerts, audit, clock, questions, timeline
from careteam.services.access import authorize, relation_to
from careteam.services.errors import InvalidInput, NotFound
from careteam.services.pagination import Page, paginate

OBJECT_TYPE = "weekly_checkin"
SCALAR_FIELDS = (
    "pain_average", "pain_worst", "enjoyment_interference", "activity_interference", "sleep_hours",
    "sleep_quality", "stress", "mood", "flare_days", "helped_most", "did_not_help",
)
# What an edit's before-and-after keeps: the patient's free text stays out of the timeline.
NUMBER_FIELDS = tuple(name for name in SCALAR_FIELDS if name not in ("helped_most", "did_not_help"))


# --- Weeks ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class WeekWindow:
    """One ISO week as today sees it: may the patient still fill it in?"""

    week_start: date
    week_end: date
    editable_until: date
    editable: bool
    future: bool


def edit_days() -> int:
    return current_app.config["CARETEAM_CHECKIN_EDIT_DAYS"]


def week_window(week_start: date) -> WeekWindow:
    today = clock.today()
    return WeekWindow(
        week_start=week_start,
        week_end=rules.week_end(week_start),
        editable_until=rules.editable_until(week_start, edit_days()),
        editable=rules.is_editable(week_start, today, edit_days()),
        future=rules.is_future_week(week_start, today),
    )


def current_week() -> date:
    return rules.week_start_of(clock.today())


@dataclass(frozen=True)
class OpenWeek:
    week_start: date
    editable_until: date
    filled: bool


def _open_weeks(patient_id: int) -> list[OpenWeek]:
    """The weeks the patient may fill in today, newest first, and whether each is done."""
    weeks = rules.fillable_weeks(clock.today(), edit_days())
    filled = set(db.session.scalars(
        select(WeeklyCheckin.week_start).where(WeeklyCheckin.patient_id == patient_id,
                                               WeeklyCheckin.week_start.in_(weeks))
    ))
    return [OpenWeek(w, rules.editable_until(w, edit_days()), w in filled) for w in weeks]


# --- What belongs to a week -------------------------------------------------------------------

@dataclass
class InterventionRow:
    intervention: Intervention
    rating: int | None
    days_used: int | None


@dataclass
class ExerciseRow:
    prescription: ExercisePrescription
    sessions_per_week: int | None  # of the current dose
    logged: int  # sessions the patient logged that week
    sessions_done: int | None  # what the check-in says


@dataclass
class GoalRow:
    goal: FunctionalGoal
    score: int | None


@dataclass
class WeekRows:
    interventions: list[InterventionRow]
    exercises: list[ExerciseRow]
    goals: list[GoalRow]


def _of_checkin(column, checkin: WeeklyCheckin | None) -> ColumnElement[bool]:
    return column == checkin.id if checkin is not None else false()


def _intervention_in_week(window: WeekWindow) -> ColumnElement[bool]:
    """Active on any day of the week."""
    return and_(
        or_(Intervention.started_on.is_(None), Intervention.started_on <= window.week_end),
        or_(Intervention.stopped_on.is_(None), Intervention.stopped_on >= window.week_start),
    )


def _prescription_in_week(window: WeekWindow) -> ColumnElement[bool]:
    """Not ended before the week starts, and dosed by the week's end."""
    first_dose = aliased(ExerciseDose)
    dosed = (exists().where(first_dose.prescription_id == ExercisePrescription.id,
                            first_dose.effective_from <= window.week_end)
             .correlate(ExercisePrescription))
    return and_(or_(ExercisePrescription.ended_on.is_(None), ExercisePrescription.ended_on >= window.week_start),
                dosed)


ACTIVE_GOAL = FunctionalGoal.status == GoalStatus.ACTIVE.value


def _intervention_rows(patient_id: int, window: WeekWindow, checkin: WeeklyCheckin | None) -> list[InterventionRow]:
    rows = db.session.execute(
        select(Intervention, EffectRating.rating, EffectRating.days_used)
        .select_from(Intervention)
        .outerjoin(EffectRating, and_(EffectRating.intervention_id == Intervention.id,
                                      _of_checkin(EffectRating.checkin_id, checkin)))
        .where(Intervention.patient_id == patient_id,
               or_(_intervention_in_week(window), EffectRating.id.is_not(None)))
        .order_by(Intervention.name, Intervention.id)
    )
    return [InterventionRow(*row) for row in rows]


def _exercise_rows(patient_id: int, window: WeekWindow, checkin: WeeklyCheckin | None) -> list[ExerciseRow]:
    other_dose = aliased(ExerciseDose)
    newest_dose = (select(func.max(other_dose.number)).where(other_dose.prescription_id == ExercisePrescription.id)
                   .correlate(ExercisePrescription).scalar_subquery())
    logged = (select(func.count(ExerciseSession.id))
              .where(ExerciseSession.prescription_id == ExercisePrescription.id,
                     ExerciseSession.performed_on.between(window.week_start, window.week_end))
              .correlate(ExercisePrescription).scalar_subquery())
    rows = db.session.execute(
        select(ExercisePrescription, ExerciseDose.sessions_per_week, logged, CheckinExerciseCount.sessions_done)
        .select_from(ExercisePrescription)
        .outerjoin(ExerciseDose, and_(ExerciseDose.prescription_id == ExercisePrescription.id,
                                      ExerciseDose.number == newest_dose))
        .outerjoin(CheckinExerciseCount, and_(CheckinExerciseCount.prescription_id == ExercisePrescription.id,
                                              _of_checkin(CheckinExerciseCount.checkin_id, checkin)))
        .where(ExercisePrescription.patient_id == patient_id,
               or_(_prescription_in_week(window), CheckinExerciseCount.id.is_not(None)))
        .order_by(ExercisePrescription.name, ExercisePrescription.id)
    )
    return [ExerciseRow(*row) for row in rows]


def _goal_rows(patient_id: int, checkin: WeeklyCheckin | None) -> list[GoalRow]:
    rows = db.session.execute(
        select(FunctionalGoal, GoalScore.score)
        .select_from(FunctionalGoal)
        .outerjoin(GoalScore, and_(GoalScore.goal_id == FunctionalGoal.id,
                                   _of_checkin(GoalScore.checkin_id, checkin)))
        .where(FunctionalGoal.patient_id == patient_id,
               or_(ACTIVE_GOAL, GoalScore.id.is_not(None)))
        .order_by(FunctionalGoal.created_at, FunctionalGoal.id)
    )
    return [GoalRow(*row) for row in rows]


def _week_rows(patient_id: int, window: WeekWindow, checkin: WeeklyCheckin | None) -> WeekRows:
    return WeekRows(
        interventions=_intervention_rows(patient_id, window, checkin),
        exercises=_exercise_rows(patient_id, window, checkin),
        goals=_goal_rows(patient_id, checkin),
    )


def _flare_days_recorded(patient_id: int, window: WeekWindow) -> int:
    return db.session.scalar(
        select(func.count(FlareDay.id))
        .where(FlareDay.patient_id == patient_id, FlareDay.day.between(window.week_start, window.week_end))
    )


def _find(patient_id: int, week_start: date, *, lock: bool = False) -> WeeklyCheckin | None:
    stmt = (select(WeeklyCheckin)
            .where(WeeklyCheckin.patient_id == patient_id, WeeklyCheckin.week_start == week_start)
            .execution_options(populate_existing=True))
    if lock:  # a second edit of the same week waits for the first to commit
        stmt = stmt.with_for_update().options(selectinload(WeeklyCheckin.effect_ratings),
                                              selectinload(WeeklyCheckin.exercise_counts))
    return db.session.scalar(stmt)


def _checkin_questions(checkin: WeeklyCheckin | None) -> list[Question]:
    """Questions asked with this check-in, newest first."""
    if checkin is None:
        return []
    return list(db.session.scalars(
        select(Question).where(Question.checkin_id == checkin.id)
        .options(selectinload(Question.answered_by))
        .order_by(Question.created_at.desc(), Question.id.desc())
    ))


def _week_or_refuse(week_start: date) -> None:
    if not rules.is_week_start(week_start):
        raise InvalidInput({"week_start": f"A week starts on a Monday: use {rules.week_start_of(week_start)}."})


# --- The form --------------------------------------------------------------------------------

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

    @property
    def missed_weeks(self) -> list[OpenWeek]:
        """Earlier weeks still open and not filled in."""
        return [w for w in self.open_weeks if not w.filled and w.week_start != self.window.week_start]


def _audit_read(actor: User, patient_id: int, object_id: int | None = None, week_start: date | None = None) -> None:
    """Audit and commit before loading what is shown (one insert; the commit expires nothing)."""
    audit.record_read(actor, patient_id, OBJECT_TYPE, object_id=object_id,
                      detail=f"week {week_start.isoformat()}" if week_start else None)


def form_context(actor: User, patient_id: int, week_start: date) -> CheckinContext:
    patient = authorize(actor, patient_id, Part.CHECKINS, Action.WRITE, object_type=OBJECT_TYPE)
    _week_or_refuse(week_start)
    _audit_read(actor, patient.id, week_start=week_start)
    window = week_window(week_start)
    checkin = _find(patient.id, week_start)
    asked = _checkin_questions(checkin)
    return CheckinContext(
        patient=patient,
        window=window,
        checkin=checkin,
        rows=_week_rows(patient.id, window, checkin),
        recorded_flare_days=_flare_days_recorded(patient.id, window),
        question=asked[0] if asked else None,
        open_weeks=_open_weeks(patient.id),
    )


# --- Saving ------------------------------------------------------------------------------------

@dataclass
class SavedCheckin:
    checkin: WeeklyCheckin
    created: bool
    new_flags: list[RedFlag]


def save_checkin(actor: User, patient_id: int, week_start: date, values: CheckinValues) -> SavedCheckin:
    """Create or update the patient's check-in of one week; raise an alert for newly ticked red flags."""
    patient = authorize(actor, patient_id, Part.CHECKINS, Action.WRITE, object_type=OBJECT_TYPE)
    _authorize_related_parts(actor, patient.id, values)
    _week_or_refuse(week_start)
    window = week_window(week_start)
    _refuse_closed_week(window)
    problems = rules.checkin_problems(values)
    if problems:
        raise InvalidInput(problems)
    existing = _find(patient.id, week_start, lock=True)
    _refuse_foreign_rows(patient.id, window, existing, values)
    if values.flare_days is None:
        values = replace(values, flare_days=_flare_days_recorded(patient.id, window))

    checkin, created = existing, False
    if checkin is None:
        checkin, created = _insert_or_find(actor, patient.id, week_start, values)
    previous_flags = [] if created else list(checkin.red_flags or [])
    before = None if created else timeline.values_of(checkin, NUMBER_FIELDS + ("red_flags",))
    _set_values(checkin, values)
    _replace_ratings(checkin, values)
    _replace_exercise_counts(checkin, values)
    _replace_goal_scores(actor, checkin, window, values, created)
    _save_question(actor, patient.id, checkin, values.question.strip(), created)
    db.session.flush()

    new_flags = rules.newly_raised(previous_flags, values.red_flags)
    if new_flags:
        alerts.raise_alert(patient, checkin, new_flags)
    audit.record("create" if created else "update", actor=actor, patient_id=patient.id, object_type=OBJECT_TYPE,
                 object_id=checkin.id, detail=f"week {week_start.isoformat()}")
    timeline.record_change(actor, patient.id, Part.CHECKINS, OBJECT_TYPE, checkin.id,
                           summary=_timeline_summary(checkin, created),
                           changes=None if before is None else timeline.changes_since(before, checkin))
    db.session.commit()
    return SavedCheckin(checkin, created, new_flags)


def _authorize_related_parts(actor: User, patient_id: int, values: CheckinValues) -> None:
    """Ratings, goal scores and questions are the patient's entries in other parts of the record."""
    if values.ratings:
        authorize(actor, patient_id, Part.INTERVENTIONS, Action.LOG, object_type="effect_rating")
    if values.goal_scores:
        authorize(actor, patient_id, Part.GOALS, Action.LOG, object_type="goal_score")
    if values.question.strip():
        authorize(actor, patient_id, Part.QUESTIONS, Action.WRITE, object_type="question")


def _refuse_closed_week(window: WeekWindow) -> None:
    if window.future:
        raise InvalidInput({"_": "This week has not started yet. You can fill it in from its Monday, "
                                 f"{window.week_start:%-d %B %Y}."})
    if not window.editable:
        raise InvalidInput({"_": f"This week's check-in could be changed until {window.editable_until:%-d %B %Y}; "
                                 "it is now closed."})


def _refuse_foreign_rows(patient_id: int, window: WeekWindow, existing: WeeklyCheckin | None,
                         values: CheckinValues) -> None:
    """Ratings, counts and scores only for this patient's interventions, exercises and goals of that week."""
    problems = {}
    if _unknown({e.intervention_id for e in values.ratings}, Intervention.id,
                and_(Intervention.patient_id == patient_id, _intervention_in_week(window))):
        problems["ratings"] = "Rate only your own interventions that were in use that week."
    if _unknown({e.prescription_id for e in values.exercise_counts}, ExercisePrescription.id,
                and_(ExercisePrescription.patient_id == patient_id, _prescription_in_week(window))):
        problems["exercise_counts"] = "Count sessions only for your own exercises of that week."
    scored_here = exists().where(GoalScore.goal_id == FunctionalGoal.id, _of_checkin(GoalScore.checkin_id, existing))
    if _unknown({e.goal_id for e in values.goal_scores}, FunctionalGoal.id,
                and_(FunctionalGoal.patient_id == patient_id, or_(ACTIVE_GOAL, scored_here))):
        problems["goal_scores"] = "Score only your own active goals."
    if problems:
        raise InvalidInput(problems)


def _unknown(wanted: set[int], column, allowed: ColumnElement[bool]) -> set[int]:
    """The ids among `wanted` that do not meet `allowed`."""
    if not wanted:
        return set()
    return wanted - set(db.session.scalars(select(column).where(allowed, column.in_(wanted))))


def _insert_or_find(actor: User, patient_id: int, week_start: date,
                    values: CheckinValues) -> tuple[WeeklyCheckin, bool]:
    """Insert the week's check-in; if a twin submission got there first, use its row instead."""
    checkin = WeeklyCheckin(patient_id=patient_id, week_start=week_start, submitted_by=actor, red_flags=[],
                            **{name: getattr(values, name) for name in SCALAR_FIELDS})
    try:
        with db.session.begin_nested():
            db.session.add(checkin)
    except IntegrityError:
        winner = _find(patient_id, week_start, lock=True)
        if winner is None:
            raise
        return winner, False
    return checkin, True


def _set_values(checkin: WeeklyCheckin, values: CheckinValues) -> None:
    for name in SCALAR_FIELDS:
        setattr(checkin, name, getattr(values, name))
    checkin.red_flags = [flag.value for flag in rules.ordered_flags(values.red_flags)]


def _sync(current: dict, wanted: dict, remove: Callable, create: Callable, update: Callable) -> None:
    """Make the rows in `current` exactly the `wanted` entries, both keyed alike (PUT semantics):
    remove what is no longer wanted, create what is new, update the rest."""
    for key, row in current.items():
        if key not in wanted:
            remove(row)
    for key, entry in wanted.items():
        row = current.get(key)
        if row is None:
            create(key, entry)
        else:
            update(row, entry)


def _replace_ratings(checkin: WeeklyCheckin, values: CheckinValues) -> None:
    def create(intervention_id: int, entry) -> None:
        checkin.effect_ratings.append(EffectRating(intervention_id=intervention_id, rating=entry.rating,
                                                   days_used=entry.days_used))

    def update(row: EffectRating, entry) -> None:
        row.rating, row.days_used = entry.rating, entry.days_used

    _sync({r.intervention_id: r for r in checkin.effect_ratings}, {e.intervention_id: e for e in values.ratings},
          checkin.effect_ratings.remove, create, update)


def _replace_exercise_counts(checkin: WeeklyCheckin, values: CheckinValues) -> None:
    def create(prescription_id: int, entry) -> None:
        checkin.exercise_counts.append(CheckinExerciseCount(prescription_id=prescription_id,
                                                            sessions_done=entry.sessions_done))

    def update(row: CheckinExerciseCount, entry) -> None:
        row.sessions_done = entry.sessions_done

    _sync({c.prescription_id: c for c in checkin.exercise_counts},
          {e.prescription_id: e for e in values.exercise_counts},
          checkin.exercise_counts.remove, create, update)


def _replace_goal_scores(actor: User, checkin: WeeklyCheckin, window: WeekWindow, values: CheckinValues,
                         created: bool) -> None:
    current = {} if created else {
        s.goal_id: s for s in db.session.scalars(select(GoalScore).where(GoalScore.checkin_id == checkin.id))
    }
    scored_on = min(window.week_end, clock.today())

    def create(goal_id: int, entry) -> None:
        db.session.add(GoalScore(goal_id=goal_id, score=entry.score, scored_on=scored_on,
                                 checkin_id=checkin.id, scored_by_id=actor.id))

    def update(row: GoalScore, entry) -> None:
        if row.score != entry.score:
            row.score, row.scored_on, row.scored_by_id = entry.score, scored_on, actor.id

    _sync(current, {e.goal_id: e for e in values.goal_scores}, db.session.delete, create, update)


def _save_question(actor: User, patient_id: int, checkin: WeeklyCheckin, text: str, created: bool) -> None:
    """A question for the team goes on the agenda; editing it while unanswered changes it in place."""
    asked = [] if created else _checkin_questions(checkin)
    latest = asked[0] if asked else None
    if latest is not None and latest.answered_at is None:
        if text == latest.text:
            return
        action = "update" if text else "delete"
        if text:
            latest.text = text
        else:
            db.session.delete(latest)
        audit.record(action, actor=actor, patient_id=patient_id, object_type="question", object_id=latest.id)
        timeline.record_change(actor, patient_id, Part.QUESTIONS, "question", latest.id,
                               summary=f"Question from the check-in of the week of {checkin.week_start:%-d %b %Y} "
                                       + ("changed" if text else "withdrawn"))
        return
    if text and (latest is None or text != latest.text):
        question = questions.add_question(patient_id, actor, text, checkin_id=checkin.id)
        audit.record("create", actor=actor, patient_id=patient_id, object_type="question", object_id=question.id)


def _timeline_summary(checkin: WeeklyCheckin, created: bool) -> str:
    """Numbers and fixed words only: the patient's free text stays out of the timeline."""
    verb = "submitted" if created else "updated"
    summary = (f"Check-in for the week of {checkin.week_start:%-d %b %Y} {verb}: pain {checkin.pain_average} "
               f"(worst {checkin.pain_worst}), PEG {checkin.peg_score}")
    if checkin.red_flags:
        summary += f", {len(checkin.red_flags)} red flag{'s' if len(checkin.red_flags) > 1 else ''}"
    return summary


# --- Reads ------------------------------------------------------------------------------------

def _history(patient_id: int, from_: date | None, to: date | None):
    stmt = select(WeeklyCheckin).where(WeeklyCheckin.patient_id == patient_id)
    if from_ is not None:
        stmt = stmt.where(WeeklyCheckin.week_start >= rules.week_start_of(from_))
    if to is not None:
        stmt = stmt.where(WeeklyCheckin.week_start <= to)
    return stmt.order_by(WeeklyCheckin.week_start.desc())


def list_checkins(actor: User, patient_id: int, *, limit: int | None = None, from_: date | None = None,
                  to: date | None = None, offset: int = 0) -> list[WeeklyCheckin]:
    """The patient's check-ins, newest week first: those whose week overlaps from_..to, at most
    `limit` after skipping `offset`."""
    patient = authorize(actor, patient_id, Part.CHECKINS, Action.READ, object_type=OBJECT_TYPE)
    _audit_read(actor, patient.id)
    stmt = _history(patient.id, from_, to)
    if limit is not None:
        stmt = stmt.limit(limit)
    if offset:
        stmt = stmt.offset(offset)
    return list(db.session.scalars(stmt))


def _own_open_weeks(actor: User, patient_id: int) -> list[OpenWeek]:
    """Open weeks matter to the patient, who fills them in; the team reads what was sent."""
    return _open_weeks(patient_id) if relation_to(actor, patient_id) == Relation.SELF else []


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
        page=paginate(_history(patient.id, None, None), page, per_page),
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
        return [r for r in self.rows.exercises if r.sessions_done is not None]

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
    checkin = _find(patient.id, week_start)
    window = week_window(week_start)
    return CheckinDetail(
        patient=patient,
        window=window,
        checkin=checkin,
        rows=_week_rows(patient.id, window, checkin),
        questions=_checkin_questions(checkin),
        open_weeks=_own_open_weeks(actor, patient.id),
    )
