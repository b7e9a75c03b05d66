"""The CSV files of "Download my record": one per part of the record, each a column select whose
rows are streamed from the database in batches (never loaded as a whole list) straight into the
ZIP. Every file has a header row; cells go through domain.spreadsheet (ISO dates, formula-safe).

A part is written only for a viewer who may read it (policy part `part`)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import IO, Callable, Iterator

from sqlalchemy import Select, select
from sqlalchemy.orm import aliased

from careteam.domain.policy import Part
from careteam.domain.spreadsheet import safe_cell
from careteam.extensions import db
from careteam.models import (
    ActivityLog, EffectRating, ExerciseDose, ExercisePrescription, ExerciseSession, ExposureAttempt, ExposureItem,
    FunctionalGoal, GoalScore, GradedActivityPlan, Intervention, QuestionnaireAnswer, QuestionnaireResponse,
    QuotaDecision, User, WeeklyCheckin,
)

BATCH = 500  # rows fetched from the database at a time


@dataclass(frozen=True)
class CsvPart:
    file_name: str
    part: Part
    description: str  # one line in README.txt
    columns: tuple[tuple[str, object], ...]  # (header, column expression)
    rows_of: Callable[[Select, int], Select]  # adds joins, the patient filter and the order

    def statement(self, patient_id: int) -> Select:
        return self.rows_of(select(*(column for _, column in self.columns)), patient_id)


def _labelled(**columns) -> tuple[tuple[str, object], ...]:
    return tuple(columns.items())


_by = aliased(User)

CHECKINS = CsvPart(
    "checkins.csv", Part.CHECKINS,
    "one row per weekly check-in: pain (0-10), the PEG items (pain, enjoyment, general activity), sleep, stress, mood, flare days, "
    "red flags ticked, what helped and what did not",
    _labelled(checkin_id=WeeklyCheckin.id, week_start=WeeklyCheckin.week_start,
              pain_average=WeeklyCheckin.pain_average, pain_worst=WeeklyCheckin.pain_worst,
              enjoyment_interference=WeeklyCheckin.enjoyment_interference,
              activity_interference=WeeklyCheckin.activity_interference,
              sleep_hours=WeeklyCheckin.sleep_hours, sleep_quality=WeeklyCheckin.sleep_quality,
              stress=WeeklyCheckin.stress, mood=WeeklyCheckin.mood, flare_days=WeeklyCheckin.flare_days,
              red_flags=WeeklyCheckin.red_flags, helped_most=WeeklyCheckin.helped_most,
              did_not_help=WeeklyCheckin.did_not_help, submitted_at=WeeklyCheckin.submitted_at,
              updated_at=WeeklyCheckin.updated_at),
    lambda s, pid: s.where(WeeklyCheckin.patient_id == pid).order_by(WeeklyCheckin.week_start, WeeklyCheckin.id),
)

INTERVENTIONS = CsvPart(
    "interventions.csv", Part.INTERVENTIONS,
    "everything tried (medication, exercise, heat, pacing...), its portfolio tier, who introduced it, "
    "when it started and stopped",
    _labelled(intervention_id=Intervention.id, name=Intervention.name, tier=Intervention.tier,
              kind=Intervention.kind, details=Intervention.details, started_on=Intervention.started_on,
              stopped_on=Intervention.stopped_on, introduced_by=Intervention.introduced_by,
              created_at=Intervention.created_at),
    lambda s, pid: s.where(Intervention.patient_id == pid).order_by(Intervention.id),
)

EFFECT_RATINGS = CsvPart(
    "effect-ratings.csv", Part.INTERVENTIONS,
    "the weekly rating of each intervention: -2 made it much worse, -1 worse, 0 no change, "
    "+1 helped, +2 helped a lot; and on how many days it was used",
    _labelled(week_start=WeeklyCheckin.week_start, checkin_id=EffectRating.checkin_id,
              intervention_id=EffectRating.intervention_id, intervention=Intervention.name,
              rating=EffectRating.rating, days_used=EffectRating.days_used),
    lambda s, pid: (s.join(WeeklyCheckin, WeeklyCheckin.id == EffectRating.checkin_id)
                    .join(Intervention, Intervention.id == EffectRating.intervention_id)
                    .where(WeeklyCheckin.patient_id == pid)
                    .order_by(WeeklyCheckin.week_start, EffectRating.id)),
)

GOALS = CsvPart(
    "goals.csv", Part.GOALS,
    "functional goals: the activity, baseline and target ability (0-10), target date and status",
    _labelled(goal_id=FunctionalGoal.id, activity=FunctionalGoal.activity,
              baseline_score=FunctionalGoal.baseline_score, target_score=FunctionalGoal.target_score,
              target_date=FunctionalGoal.target_date, status=FunctionalGoal.status,
              created_at=FunctionalGoal.created_at),
    lambda s, pid: s.where(FunctionalGoal.patient_id == pid).order_by(FunctionalGoal.id),
)

GOAL_SCORES = CsvPart(
    "goal-scores.csv", Part.GOALS,
    "each ability score (0-10) given to a goal, from a check-in or by a clinician",
    _labelled(goal_id=GoalScore.goal_id, activity=FunctionalGoal.activity, scored_on=GoalScore.scored_on,
              score=GoalScore.score, checkin_id=GoalScore.checkin_id, scored_by=_by.name),
    lambda s, pid: (s.join(FunctionalGoal, FunctionalGoal.id == GoalScore.goal_id)
                    .join(_by, _by.id == GoalScore.scored_by_id)
                    .where(FunctionalGoal.patient_id == pid)
                    .order_by(GoalScore.goal_id, GoalScore.scored_on, GoalScore.id)),
)

EXERCISE_DOSES = CsvPart(
    "exercise-doses.csv", Part.EXERCISE_DOSES,
    "each prescribed exercise's dose history: number 1 is the first dose, every later row is a change, "
    "with who made it, when and why",
    _labelled(prescription_id=ExercisePrescription.id, exercise=ExercisePrescription.name,
              dose_number=ExerciseDose.number, effective_from=ExerciseDose.effective_from, sets=ExerciseDose.sets,
              reps=ExerciseDose.reps, hold_seconds=ExerciseDose.hold_seconds, load_kg=ExerciseDose.load_kg,
              load_band=ExerciseDose.load_band, rest_seconds=ExerciseDose.rest_seconds,
              sessions_per_week=ExerciseDose.sessions_per_week, target_effort=ExerciseDose.target_effort,
              reason=ExerciseDose.reason, changed_by=_by.name, changed_at=ExerciseDose.changed_at,
              exercise_ended_on=ExercisePrescription.ended_on),
    lambda s, pid: (s.join(ExercisePrescription, ExercisePrescription.id == ExerciseDose.prescription_id)
                    .join(_by, _by.id == ExerciseDose.changed_by_id)
                    .where(ExercisePrescription.patient_id == pid)
                    .order_by(ExercisePrescription.id, ExerciseDose.number)),
)

EXERCISE_SESSIONS = CsvPart(
    "exercise-sessions.csv", Part.EXERCISE_DOSES,
    "each exercise session logged: sets and reps done, pain before and after, and the next-day answer "
    "(back to the usual baseline within 24 hours: yes / not_yet / worse)",
    _labelled(session_id=ExerciseSession.id, prescription_id=ExerciseSession.prescription_id,
              exercise=ExercisePrescription.name, dose_number=ExerciseDose.number,
              performed_on=ExerciseSession.performed_on, sets_done=ExerciseSession.sets_done,
              reps_done=ExerciseSession.reps_done, pain_before=ExerciseSession.pain_before,
              pain_after=ExerciseSession.pain_after, next_day_response=ExerciseSession.next_day_response,
              responded_at=ExerciseSession.responded_at),
    lambda s, pid: (s.join(ExercisePrescription, ExercisePrescription.id == ExerciseSession.prescription_id)
                    .join(ExerciseDose, ExerciseDose.id == ExerciseSession.dose_id)
                    .where(ExerciseSession.patient_id == pid)
                    .order_by(ExerciseSession.performed_on, ExerciseSession.id)),
)

ACTIVITY_LOGS = CsvPart(
    "activity-logs.csv", Part.GRADED_ACTIVITY,
    "graded-activity sessions: baseline sessions (no quota) and quota sessions, what was done against "
    "the quota, the next-day answer and whether it ended in a flare",
    _labelled(plan_id=GradedActivityPlan.id, activity=GradedActivityPlan.activity, unit=GradedActivityPlan.unit,
              mode=GradedActivityPlan.mode, performed_on=ActivityLog.performed_on,
              is_baseline=ActivityLog.is_baseline, quota=ActivityLog.quota, done=ActivityLog.done,
              next_day_response=ActivityLog.next_day_response, flare=ActivityLog.flare),
    lambda s, pid: (s.join(GradedActivityPlan, GradedActivityPlan.id == ActivityLog.plan_id)
                    .where(GradedActivityPlan.patient_id == pid)
                    .order_by(ActivityLog.plan_id, ActivityLog.performed_on, ActivityLog.id)),
)

QUOTA_DECISIONS = CsvPart(
    "quota-decisions.csv", Part.GRADED_ACTIVITY,
    "each new quota of a graded-activity plan: what careteam suggested, what the clinician set and why",
    _labelled(plan_id=GradedActivityPlan.id, activity=GradedActivityPlan.activity,
              decided_at=QuotaDecision.decided_at, suggestion=QuotaDecision.suggestion,
              suggested_quota=QuotaDecision.suggested_quota, quota=QuotaDecision.quota,
              reason=QuotaDecision.reason, decided_by=_by.name),
    lambda s, pid: (s.join(GradedActivityPlan, GradedActivityPlan.id == QuotaDecision.plan_id)
                    .join(_by, _by.id == QuotaDecision.decided_by_id)
                    .where(GradedActivityPlan.patient_id == pid)
                    .order_by(QuotaDecision.plan_id, QuotaDecision.decided_at, QuotaDecision.id)),
)

EXPOSURE_ATTEMPTS = CsvPart(
    "exposure-attempts.csv", Part.EXPOSURE,
    "graded exposure: each attempt at a feared activity, how strongly the feared outcome was expected "
    "before and after (0-100), whether it happened, and what was learned",
    _labelled(item_id=ExposureItem.id, activity=ExposureItem.description, fear_rating=ExposureItem.fear_rating,
              predicted_consequence=ExposureItem.predicted_consequence, attempted_on=ExposureAttempt.attempted_on,
              present=ExposureAttempt.present, expectancy_before=ExposureAttempt.expectancy_before,
              what_happened=ExposureAttempt.what_happened,
              feared_outcome_occurred=ExposureAttempt.feared_outcome_occurred,
              expectancy_after=ExposureAttempt.expectancy_after, fear_after=ExposureAttempt.fear_after,
              learned=ExposureAttempt.learned, logged_by_role=ExposureAttempt.logged_by_role),
    lambda s, pid: (s.join(ExposureItem, ExposureItem.id == ExposureAttempt.item_id)
                    .where(ExposureItem.patient_id == pid)
                    .order_by(ExposureAttempt.attempted_on, ExposureAttempt.id)),
)

QUESTIONNAIRE_RESPONSES = CsvPart(
    "questionnaire-responses.csv", Part.QUESTIONNAIRES,
    "each questionnaire completed (PEG, PHQ-9, GAD-7, STarT Back...): its score, band and flags",
    _labelled(response_id=QuestionnaireResponse.id, instrument=QuestionnaireResponse.instrument_id,
              instrument_version=QuestionnaireResponse.instrument_version,
              answered_on=QuestionnaireResponse.answered_on, score=QuestionnaireResponse.score,
              band=QuestionnaireResponse.band, flags=QuestionnaireResponse.flags,
              entered_on_behalf=QuestionnaireResponse.on_behalf, submitted_at=QuestionnaireResponse.submitted_at),
    lambda s, pid: (s.where(QuestionnaireResponse.patient_id == pid)
                    .order_by(QuestionnaireResponse.answered_on, QuestionnaireResponse.id)),
)

QUESTIONNAIRE_ANSWERS = CsvPart(
    "questionnaire-answers.csv", Part.QUESTIONNAIRES,
    "every answer of every questionnaire, item by item (item id and the value of the option chosen)",
    _labelled(response_id=QuestionnaireAnswer.response_id, instrument=QuestionnaireResponse.instrument_id,
              answered_on=QuestionnaireResponse.answered_on, item=QuestionnaireAnswer.link_id,
              value=QuestionnaireAnswer.value),
    lambda s, pid: (s.join(QuestionnaireResponse, QuestionnaireResponse.id == QuestionnaireAnswer.response_id)
                    .where(QuestionnaireResponse.patient_id == pid)
                    .order_by(QuestionnaireResponse.answered_on, QuestionnaireAnswer.response_id,
                              QuestionnaireAnswer.id)),
)

PARTS: tuple[CsvPart, ...] = (
    CHECKINS, INTERVENTIONS, EFFECT_RATINGS, GOALS, GOAL_SCORES, EXERCISE_DOSES, EXERCISE_SESSIONS,
    ACTIVITY_LOGS, QUOTA_DECISIONS, EXPOSURE_ATTEMPTS, QUESTIONNAIRE_RESPONSES, QUESTIONNAIRE_ANSWERS,
)


def rows(part: CsvPart, patient_id: int) -> Iterator[tuple]:
    """The part's rows, fetched BATCH at a time (a server-side cursor on PostgreSQL)."""
    result = db.session.execute(part.statement(patient_id).execution_options(yield_per=BATCH))
    for batch in result.partitions():
        yield from batch


def write_csv(part: CsvPart, patient_id: int, binary: IO[bytes]) -> int:
    """Write the part as UTF-8 CSV (header first) into a binary stream; returns the data rows written."""
    text = io.TextIOWrapper(binary, encoding="utf-8", newline="", write_through=True)
    writer = csv.writer(text)
    writer.writerow([header for header, _ in part.columns])
    count = 0
    for row in rows(part, patient_id):
        writer.writerow([safe_cell(value) for value in row])
        count += 1
    text.flush()
    text.detach()  # the caller closes the stream
    return count
