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
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from careteam.domain.policy import Action, Part, Relation, Role, allowed, readable_note_visibilities
from careteam.extensions import db
from careteam.models import (
    Appointment, ExercisePrescription, FunctionalGoal, Question, QuestionnaireResponse, User, WeeklyCheckin,
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


@dataclass
class RecordData:
    visibility: Visibility
    generated_at: datetime
    patient: rows.PatientHeader
    team: list[rows.TeamMemberRow] = field(default_factory=list)
    checkins: list[WeeklyCheckin] = field(default_factory=list)
    goals: list[FunctionalGoal] = field(default_factory=list)
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
        data.checkins = _all(select(WeeklyCheckin).where(WeeklyCheckin.patient_id == patient_id)
                             .options(selectinload(WeeklyCheckin.effect_ratings))
                             .order_by(WeeklyCheckin.week_start))
    if reads(Part.GOALS):
        data.goals = _all(select(FunctionalGoal).where(FunctionalGoal.patient_id == patient_id)
                          .options(selectinload(FunctionalGoal.scores)).order_by(FunctionalGoal.id))
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
