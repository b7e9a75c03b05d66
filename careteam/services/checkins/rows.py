"""What belongs to one week of a patient's check-in: its interventions, exercises (with the
sessions logged that week, read from the log at read time) and goals, and the rows around it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, and_, exists, false, func, or_, select
from sqlalchemy.orm import aliased, selectinload

from careteam.domain import checkins as rules
from careteam.domain.vocabulary import GoalStatus
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
    Question,
    WeeklyCheckin,
)
from careteam.services.checkins.weeks import WeekWindow


@dataclass
class InterventionRow:
    intervention: Intervention
    rating: int | None
    days_used: int | None


@dataclass
class ExerciseRow:
    prescription: ExercisePrescription
    sessions_per_week: int | None  # of the current dose
    logged: int  # sessions the patient logged that week, counted when read
    sessions_done: int | None  # a count stored with older check-ins (the form no longer asks)

    @property
    def done(self) -> int:
        """Sessions done that week, from the log as it is now; a stored count only for a week
        without logged sessions (as the adherence figures count them)."""
        if self.logged or self.sessions_done is None:
            return self.logged
        return self.sessions_done

    @property
    def from_checkin(self) -> bool:
        return not self.logged and self.sessions_done is not None


@dataclass
class GoalRow:
    goal: FunctionalGoal
    score: int | None


@dataclass
class WeekRows:
    interventions: list[InterventionRow]
    exercises: list[ExerciseRow]
    goals: list[GoalRow]


def of_checkin(column, checkin: WeeklyCheckin | None) -> ColumnElement[bool]:
    return column == checkin.id if checkin is not None else false()


def intervention_in_week(window: WeekWindow) -> ColumnElement[bool]:
    """Active on any day of the week."""
    return and_(
        or_(Intervention.started_on.is_(None), Intervention.started_on <= window.week_end),
        or_(Intervention.stopped_on.is_(None), Intervention.stopped_on >= window.week_start),
    )


def prescription_in_week(window: WeekWindow) -> ColumnElement[bool]:
    """Not ended before the week starts, and dosed by the week's end."""
    first_dose = aliased(ExerciseDose)
    dosed = (exists().where(first_dose.prescription_id == ExercisePrescription.id,
                            first_dose.effective_from <= window.week_end)
             .correlate(ExercisePrescription))
    return and_(or_(ExercisePrescription.ended_on.is_(None), ExercisePrescription.ended_on >= window.week_start),
                dosed)


ACTIVE_GOAL = FunctionalGoal.status == GoalStatus.ACTIVE.value


def intervention_rows(patient_id: int, window: WeekWindow, checkin: WeeklyCheckin | None) -> list[InterventionRow]:
    rows = db.session.execute(
        select(Intervention, EffectRating.rating, EffectRating.days_used)
        .select_from(Intervention)
        .outerjoin(EffectRating, and_(EffectRating.intervention_id == Intervention.id,
                                      of_checkin(EffectRating.checkin_id, checkin)))
        .where(Intervention.patient_id == patient_id,
               or_(intervention_in_week(window), EffectRating.id.is_not(None)))
        .order_by(Intervention.name, Intervention.id)
    )
    return [InterventionRow(*row) for row in rows]


def exercise_rows(patient_id: int, window: WeekWindow, checkin: WeeklyCheckin | None) -> list[ExerciseRow]:
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
                                              of_checkin(CheckinExerciseCount.checkin_id, checkin)))
        .where(ExercisePrescription.patient_id == patient_id,
               or_(prescription_in_week(window), CheckinExerciseCount.id.is_not(None)))
        .order_by(ExercisePrescription.name, ExercisePrescription.id)
    )
    return [ExerciseRow(*row) for row in rows]


def goal_rows(patient_id: int, checkin: WeeklyCheckin | None) -> list[GoalRow]:
    rows = db.session.execute(
        select(FunctionalGoal, GoalScore.score)
        .select_from(FunctionalGoal)
        .outerjoin(GoalScore, and_(GoalScore.goal_id == FunctionalGoal.id,
                                   of_checkin(GoalScore.checkin_id, checkin)))
        .where(FunctionalGoal.patient_id == patient_id,
               or_(ACTIVE_GOAL, GoalScore.id.is_not(None)))
        .order_by(FunctionalGoal.created_at, FunctionalGoal.id)
    )
    return [GoalRow(*row) for row in rows]


def week_rows(patient_id: int, window: WeekWindow, checkin: WeeklyCheckin | None) -> WeekRows:
    return WeekRows(
        interventions=intervention_rows(patient_id, window, checkin),
        exercises=exercise_rows(patient_id, window, checkin),
        goals=goal_rows(patient_id, checkin),
    )


def flare_days_recorded(patient_id: int, window: WeekWindow) -> int:
    return db.session.scalar(
        select(func.count(FlareDay.id))
        .where(FlareDay.patient_id == patient_id, FlareDay.day.between(window.week_start, window.week_end))
    )


def find(patient_id: int, week_start: date, *, lock: bool = False) -> WeeklyCheckin | None:
    stmt = (select(WeeklyCheckin)
            .where(WeeklyCheckin.patient_id == patient_id, WeeklyCheckin.week_start == week_start)
            .execution_options(populate_existing=True))
    if lock:  # a second edit of the same week waits for the first to commit
        stmt = stmt.with_for_update().options(selectinload(WeeklyCheckin.effect_ratings),
                                              selectinload(WeeklyCheckin.exercise_counts))
    return db.session.scalar(stmt)


def checkin_questions(checkin: WeeklyCheckin | None) -> list[Question]:
    """Questions asked with this check-in, newest first."""
    if checkin is None:
        return []
    return list(db.session.scalars(
        select(Question).where(Question.checkin_id == checkin.id)
        .options(selectinload(Question.answered_by))
        .order_by(Question.created_at.desc(), Question.id.desc())
    ))



@dataclass(frozen=True)
class PreviousCheckin:
    """The patient's latest earlier check-in, for "same as last week" (never its red flags)."""

    week_start: date
    checkin: WeeklyCheckin
    ratings: dict[int, tuple[int, int | None]]  # intervention id -> (rating, days used)
    goal_scores: dict[int, int]  # goal id -> score


def previous_checkin(patient_id: int, week_start: date) -> PreviousCheckin | None:
    """The newest check-in before `week_start`, if recent enough to offer; three queries at most."""
    earlier = db.session.scalar(
        select(WeeklyCheckin)
        .where(WeeklyCheckin.patient_id == patient_id, WeeklyCheckin.week_start < week_start,
               WeeklyCheckin.week_start >= week_start - rules.CARRY_OVER_WEEKS * rules.WEEK)
        .order_by(WeeklyCheckin.week_start.desc())
        .limit(1)
    )
    if earlier is None or not rules.offers_carry_over(earlier.week_start, week_start):
        return None
    ratings = db.session.execute(select(EffectRating.intervention_id, EffectRating.rating, EffectRating.days_used)
                                 .where(EffectRating.checkin_id == earlier.id))
    scores = db.session.execute(select(GoalScore.goal_id, GoalScore.score).where(GoalScore.checkin_id == earlier.id))
    return PreviousCheckin(earlier.week_start, earlier, {i: (r, d) for i, r, d in ratings}, dict(scores.all()))
