"""Saving a week's check-in: one per patient and week, even when two submissions race; an alert
for newly ticked red flags; audit and timeline."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import ColumnElement, and_, exists, or_, select
from sqlalchemy.exc import IntegrityError

from careteam.domain import checkins as rules
from careteam.domain.checkins import CheckinValues
from careteam.domain.policy import Action, Part
from careteam.domain.vocabulary import RedFlag
from careteam.extensions import db
from careteam.models import (
    CheckinExerciseCount,
    EffectRating,
    ExercisePrescription,
    FunctionalGoal,
    GoalScore,
    Intervention,
    User,
    WeeklyCheckin,
)
from careteam.services import alerts, audit, clock, questions, timeline
from careteam.services.access import authorize
from careteam.services.checkins import rows
from careteam.services.checkins.entries import entry_changes, entry_values
from careteam.services.checkins.weeks import OBJECT_TYPE, WeekWindow, week_or_refuse, week_window
from careteam.services.errors import InvalidInput

SCALAR_FIELDS = (
    "pain_average", "pain_worst", "enjoyment_interference", "activity_interference", "sleep_hours",
    "sleep_quality", "stress", "mood", "flare_days", "helped_most", "did_not_help",
)
# What an edit's before-and-after keeps: the patient's free text stays out of the timeline.
NUMBER_FIELDS = tuple(name for name in SCALAR_FIELDS if name not in ("helped_most", "did_not_help"))


@dataclass
class SavedCheckin:
    checkin: WeeklyCheckin
    created: bool
    new_flags: list[RedFlag]


def save_checkin(actor: User, patient_id: int, week_start: date, values: CheckinValues) -> SavedCheckin:
    """Create or update the patient's check-in of one week; raise an alert for newly ticked red flags."""
    patient = authorize(actor, patient_id, Part.CHECKINS, Action.WRITE, object_type=OBJECT_TYPE)
    _authorize_related_parts(actor, patient.id, values)
    week_or_refuse(week_start)
    window = week_window(week_start)
    _refuse_closed_week(window)
    problems = rules.checkin_problems(values)
    if problems:
        raise InvalidInput(problems)
    existing = rows.find(patient.id, week_start, lock=True)
    _refuse_foreign_rows(patient.id, window, existing, values)
    if values.flare_days is None:
        values = replace(values, flare_days=rows.flare_days_recorded(patient.id, window))

    checkin, created = existing, False
    if checkin is None:
        checkin, created = _insert_or_find(actor, patient.id, week_start, values)
    previous_flags = [] if created else list(checkin.red_flags or [])
    before = None if created else timeline.values_of(checkin, NUMBER_FIELDS + ("red_flags",))
    entries_before = None if created else entry_values(checkin)
    _set_values(checkin, values)
    _replace_ratings(checkin, values)
    _replace_exercise_counts(checkin, values)
    _replace_goal_scores(actor, checkin, window, values, created)
    _save_question(actor, patient.id, checkin, values.question.strip(), created)
    db.session.flush()
    changes = None
    if before is not None:
        changes = {**timeline.changes_since(before, checkin), **entry_changes(entries_before, entry_values(checkin))}

    new_flags = rules.newly_raised(previous_flags, values.red_flags)
    if new_flags:
        alerts.raise_alert(patient, checkin, new_flags)
    audit.record("create" if created else "update", actor=actor, patient_id=patient.id, object_type=OBJECT_TYPE,
                 object_id=checkin.id, detail=f"week {week_start.isoformat()}")
    timeline.record_change(actor, patient.id, Part.CHECKINS, OBJECT_TYPE, checkin.id,
                           summary=_timeline_summary(checkin, created),
                           changes=changes)
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
                and_(Intervention.patient_id == patient_id, rows.intervention_in_week(window))):
        problems["ratings"] = "Rate only your own interventions that were in use that week."
    if _unknown({e.prescription_id for e in values.exercise_counts or []}, ExercisePrescription.id,
                and_(ExercisePrescription.patient_id == patient_id, rows.prescription_in_week(window))):
        problems["exercise_counts"] = "Count sessions only for your own exercises of that week."
    scored_here = exists().where(GoalScore.goal_id == FunctionalGoal.id, rows.of_checkin(GoalScore.checkin_id, existing))
    if _unknown({e.goal_id for e in values.goal_scores}, FunctionalGoal.id,
                and_(FunctionalGoal.patient_id == patient_id, or_(rows.ACTIVE_GOAL, scored_here))):
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
        winner = rows.find(patient_id, week_start, lock=True)
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
    """Counts sent through the API; the form sends none (None), which leaves a stored count as it is."""
    if values.exercise_counts is None:
        return
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
    asked = [] if created else rows.checkin_questions(checkin)
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

