"""What one viewer may read of one patient's whole record, loaded for the FHIR export.

Visibility is the read model's: the parts come from `domain.policy.allowed` for the viewer's
relation (exactly as `services.record.assembly.assemble` computes `RecordView.sections`), the notes
from `readable_note_visibilities`; the loaders are the read model's and the services' own
(`record.rows`, `ledger.build_ledger`, `exposure.exposure_progress`, `activity_progress`,
`flare.current_plan`, `notes.recent_notes`). Unlike the handover, the export is not cut to a
period or capped at a few dozen notes: it is the whole record, loaded in a fixed number of
statements per patient (about twenty), whatever its size.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import bindparam, select
from sqlalchemy.orm import selectinload

from careteam.domain.policy import Action, Part, Relation, Role, allowed, readable_note_visibilities
from careteam.extensions import db
from careteam.models import (
    Appointment, EffectRating, ExercisePrescription, FunctionalGoal, GoalScore, Question, QuestionnaireResponse, User,
    WeeklyCheckin,
)
from careteam.services import clock, exposure, flare, ledger
from careteam.services import notes as notes_service
from careteam.services.access import relation_to
from careteam.services.activity_progress import PlanProgress, activity_progress
from careteam.services.record import rows

EVERYTHING = 1_000_000  # "no cap" for loaders that take a limit: the export is the whole record


@dataclass(frozen=True)
class Visibility:
    """The parts and note visibilities a reader may see; `for_patient` marks the patient's own copy."""

    sections: frozenset[Part]
    note_visibilities: tuple[str, ...]
    for_patient: bool = False

    def reads(self, part: Part) -> bool:
        return part in self.sections


# The bulk export's reader (no person): what a clinician on the team reads, except
# psychologists-only notes (psychotherapy notes leave careteam only through a psychologist).
SYSTEM = Visibility(
    frozenset(p for p in Part if allowed(Role.PHYSICIAN, Relation.TEAM, p, Action.READ)),
    ("team_and_patient", "clinicians"),
)


def visibility_for(viewer: User, patient_id: int) -> Visibility:
    relation = relation_to(viewer, patient_id)
    role = viewer.role_enum
    return Visibility(frozenset(p for p in Part if allowed(role, relation, p, Action.READ)),
                      tuple(readable_note_visibilities(role, relation)), role == Role.PATIENT)


@dataclass(slots=True)
class Checkin:
    """A check-in as plain data: column selects, not ORM entities (the export reads thousands)."""

    id: int
    week_start: date
    pain_average: int
    pain_worst: int
    enjoyment_interference: int
    activity_interference: int
    sleep_hours: float | None
    sleep_quality: int | None
    stress: int | None
    mood: int | None
    flare_days: int
    red_flags: list[str]
    helped_most: str
    did_not_help: str
    submitted_by_id: int
    submitted_at: datetime
    effect_ratings: list = field(default_factory=list)  # rows: id, checkin_id, intervention_id, rating, days_used


@dataclass(slots=True)
class Goal:
    id: int
    activity: str
    baseline_score: int
    target_score: int
    target_date: date | None
    status: str
    created_by_id: int
    created_at: datetime
    updated_at: datetime
    scores: list = field(default_factory=list)  # rows: id, goal_id, score, scored_on, checkin_id, scored_by_id, created_at


CHECKINS = (select(WeeklyCheckin.id, WeeklyCheckin.week_start, WeeklyCheckin.pain_average, WeeklyCheckin.pain_worst,
                   WeeklyCheckin.enjoyment_interference, WeeklyCheckin.activity_interference,
                   WeeklyCheckin.sleep_hours, WeeklyCheckin.sleep_quality, WeeklyCheckin.stress, WeeklyCheckin.mood,
                   WeeklyCheckin.flare_days, WeeklyCheckin.red_flags, WeeklyCheckin.helped_most,
                   WeeklyCheckin.did_not_help, WeeklyCheckin.submitted_by_id, WeeklyCheckin.submitted_at)
            .where(WeeklyCheckin.patient_id == bindparam("patient_id")).order_by(WeeklyCheckin.week_start))
RATINGS = (select(EffectRating.id, EffectRating.checkin_id, EffectRating.intervention_id, EffectRating.rating,
                  EffectRating.days_used)
           .join(WeeklyCheckin, WeeklyCheckin.id == EffectRating.checkin_id)
           .where(WeeklyCheckin.patient_id == bindparam("patient_id")).order_by(EffectRating.id))
GOALS = (select(FunctionalGoal.id, FunctionalGoal.activity, FunctionalGoal.baseline_score, FunctionalGoal.target_score,
                FunctionalGoal.target_date, FunctionalGoal.status, FunctionalGoal.created_by_id,
                FunctionalGoal.created_at, FunctionalGoal.updated_at)
         .where(FunctionalGoal.patient_id == bindparam("patient_id")).order_by(FunctionalGoal.id))
SCORES = (select(GoalScore.id, GoalScore.goal_id, GoalScore.score, GoalScore.scored_on, GoalScore.checkin_id,
                 GoalScore.scored_by_id, GoalScore.created_at)
          .join(FunctionalGoal, FunctionalGoal.id == GoalScore.goal_id)
          .where(FunctionalGoal.patient_id == bindparam("patient_id"))
          .order_by(GoalScore.scored_on, GoalScore.id))


def _checkins(patient_id: int) -> list[Checkin]:
    checkins = {row.id: Checkin(*row[:11], list(row.red_flags or ()), *row[12:])
                for row in db.session.execute(CHECKINS, {"patient_id": patient_id})}
    for rating in db.session.execute(RATINGS, {"patient_id": patient_id}):
        checkins[rating.checkin_id].effect_ratings.append(rating)
    return list(checkins.values())


def _goals(patient_id: int) -> list[Goal]:
    goals = {row.id: Goal(*row) for row in db.session.execute(GOALS, {"patient_id": patient_id})}
    for score in db.session.execute(SCORES, {"patient_id": patient_id}):
        goals[score.goal_id].scores.append(score)
    return list(goals.values())


@dataclass
class RecordData:
    visibility: Visibility
    generated_at: datetime
    patient: rows.PatientHeader
    team: list[rows.TeamMemberRow] = field(default_factory=list)
    checkins: list[Checkin] = field(default_factory=list)
    goals: list[Goal] = field(default_factory=list)
    ledger: list[ledger.LedgerRow] = field(default_factory=list)
    responses: list[QuestionnaireResponse] = field(default_factory=list)
    prescriptions: list[ExercisePrescription] = field(default_factory=list)
    activity: list[PlanProgress] = field(default_factory=list)
    exposure: exposure.ExposureProgress | None = None
    flare_plan: object | None = None  # models.FlarePlan
    alerts: list[rows.AlertRow] = field(default_factory=list)  # open ones
    appointments: list[Appointment] = field(default_factory=list)
    notes: list[notes_service.NoteThread] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)
    people: dict[int, tuple[str, str]] = field(default_factory=dict)  # user id -> (name, role)


def _all(statement) -> list:
    return list(db.session.scalars(statement))


def load(patient_id: int, visibility: Visibility) -> RecordData:
    """The record as `visibility` may see it; no authorization or audit here (the caller's)."""
    reads = visibility.reads
    data = RecordData(visibility, clock.now(), rows.patient_header(patient_id))
    if reads(Part.TEAM):
        data.team = rows.team(patient_id)
    if reads(Part.CHECKINS):
        data.checkins = _checkins(patient_id)
    if reads(Part.GOALS):
        data.goals = _goals(patient_id)
    if reads(Part.INTERVENTIONS):
        data.ledger = sorted(ledger.build_ledger(patient_id, clock.today()), key=lambda r: r.intervention_id)
    if reads(Part.QUESTIONNAIRES):
        data.responses = _all(select(QuestionnaireResponse).where(QuestionnaireResponse.patient_id == patient_id)
                              .options(selectinload(QuestionnaireResponse.answers))
                              .order_by(QuestionnaireResponse.answered_on, QuestionnaireResponse.id))
    if reads(Part.EXERCISE_DOSES):
        data.prescriptions = _all(select(ExercisePrescription).where(ExercisePrescription.patient_id == patient_id)
                                  .options(selectinload(ExercisePrescription.doses))
                                  .order_by(ExercisePrescription.id))
    if reads(Part.GRADED_ACTIVITY):
        data.activity = sorted(activity_progress(patient_id), key=lambda p: p.plan_id)
    if reads(Part.EXPOSURE):
        progress = exposure.exposure_progress(patient_id)
        data.exposure = progress if progress.items else None
    if reads(Part.FLARE_PLAN):
        data.flare_plan = flare.current_plan(patient_id)
    if reads(Part.ALERTS):
        data.alerts = [a for a in rows.alerts(patient_id, None, None, EVERYTHING)[0]
                       if a.kind != "questionnaire_safety" or reads(Part.SAFETY_ALERTS)]
    if reads(Part.APPOINTMENTS):
        data.appointments = _all(select(Appointment).where(Appointment.patient_id == patient_id)
                                 .order_by(Appointment.starts_at, Appointment.id))
    if visibility.note_visibilities:
        data.notes = notes_service.recent_notes(patient_id, list(visibility.note_visibilities), EVERYTHING)
        data.notes.reverse()  # oldest first
    if reads(Part.QUESTIONS):
        data.questions = _all(select(Question).where(Question.patient_id == patient_id)
                              .order_by(Question.created_at, Question.id))
    data.people = _people(data)
    return data


def _people(data: RecordData) -> dict[int, tuple[str, str]]:
    """Everyone the record's resources name, in one statement: each becomes a Practitioner
    (or is the patient)."""
    ids = {m.clinician_id for m in data.team}
    ids |= {c.submitted_by_id for c in data.checkins}
    for goal in data.goals:
        ids.add(goal.created_by_id)
        ids |= {s.scored_by_id for s in goal.scores}
    for prescription in data.prescriptions:
        ids.add(prescription.created_by_id)
        ids |= {d.changed_by_id for d in prescription.doses}
    ids |= {r.entered_by_id for r in data.responses}
    ids |= {a.clinician_id for a in data.appointments}
    ids |= {a.acknowledged_by.id for a in data.alerts if a.acknowledged_by}
    for thread in data.notes:
        ids.add(thread.note.author_id)
        ids |= {a.author_id for a in thread.addenda}
    for question in data.questions:
        ids.add(question.asked_by_id)
        if question.answered_by_id:
            ids.add(question.answered_by_id)
    if data.flare_plan is not None:
        ids.add(data.flare_plan.created_by_id)
    if data.exposure is not None:
        for progress in data.exposure.items:
            ids.add(progress.item.created_by_id)
    ids.discard(None)
    if not ids:
        return {}
    found = db.session.execute(select(User.id, User.name, User.role).where(User.id.in_(sorted(ids))))
    return {r.id: (r.name, r.role) for r in found}
