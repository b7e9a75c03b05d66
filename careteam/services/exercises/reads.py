"""Reading exercises: the programme (prescriptions, dose changes and adherence in a period), the
API's reads, and the evidence a physiotherapist doses from."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import bindparam, select

from careteam.domain import dosing
from careteam.domain.policy import Action
from careteam.domain.vocabulary import NextDayResponse
from careteam.extensions import db
from careteam.models import (
    CheckinExerciseCount,
    ExerciseDose,
    ExercisePrescription,
    ExerciseSession,
    Patient,
    User,
    WeeklyCheckin,
)
from careteam.queries import PATIENT_ID, rows
from careteam.services import audit, clock
from careteam.services.access import authorize
from careteam.services.exercises.loading import PART, PRESCRIPTION, SESSION, _prescription, _prescriptions
from careteam.services.exercises.prescription_rows import DoseRow, PrescriptionRow, prescription_rows

ADHERENCE_WEEKS = 4  # "the last 4 weeks": this week and the 3 before, on the Exercises tab and the overview
EVIDENCE_WEEKS = 6  # adherence and answers shown beside the dose form


def adherence_start(today: date) -> date:
    """The Monday that starts "the last 4 weeks": one definition for every page that says so."""
    return dosing.week_start(today) - timedelta(weeks=ADHERENCE_WEEKS - 1)


def _steps(prescription: ExercisePrescription | PrescriptionRow) -> list[dosing.DoseStep]:
    return [dosing.DoseStep(d.effective_from, d.sessions_per_week) for d in prescription.doses]


REPORTED_COUNTS = (
    select(CheckinExerciseCount.prescription_id, WeeklyCheckin.week_start, CheckinExerciseCount.sessions_done)
    .join(WeeklyCheckin, WeeklyCheckin.id == CheckinExerciseCount.checkin_id)
    .where(WeeklyCheckin.patient_id == PATIENT_ID,
           WeeklyCheckin.week_start.between(bindparam("start"), bindparam("end")))
)
SESSION_FACTS = (
    select(ExerciseSession.prescription_id, ExerciseSession.dose_id, ExerciseSession.performed_on,
           ExerciseSession.pain_before, ExerciseSession.pain_after, ExerciseSession.next_day_response)
    .where(ExerciseSession.patient_id == PATIENT_ID,
           ExerciseSession.performed_on.between(bindparam("start"), bindparam("end")))
    .order_by(ExerciseSession.performed_on, ExerciseSession.id)
)


def _reported_counts(patient_id: int, start: date, end: date) -> dict[int, dict[date, int]]:
    """Check-in session counts: prescription id -> week start -> sessions the patient reported."""
    counts: dict[int, dict[date, int]] = {}
    for prescription_id, week, done in rows(REPORTED_COUNTS, patient_id=patient_id, start=start, end=end):
        counts.setdefault(prescription_id, {})[week] = done
    return counts


def _session_facts(patient_id: int, start: date, end: date) -> dict[int, list[tuple[int, dosing.SessionFact]]]:
    """Logged sessions of every prescription: prescription id -> (dose id, facts), oldest first."""
    facts: dict[int, list[tuple[int, dosing.SessionFact]]] = {}
    for pid, dose_id, day, before, after, response in rows(SESSION_FACTS, patient_id=patient_id, start=start,
                                                           end=end):
        facts.setdefault(pid, []).append((dose_id, dosing.SessionFact(day, before, after, response)))
    return facts


# --- The programme: prescriptions, doses, changes and adherence in a period --------------------


@dataclass
class DoseChange:
    dose: DoseRow
    previous: DoseRow
    diff: str


@dataclass
class ProgrammeItem:
    prescription: PrescriptionRow
    adherence: list[dosing.WeekAdherence]
    changes: list[DoseChange]  # dose changes made in the period, oldest first
    answers: dict[str, int]  # next-day answers to sessions in the period

    @property
    def current_dose(self) -> DoseRow:
        return self.prescription.current_dose

    @property
    def description(self) -> str:
        return dosing.describe(dosing.dose_of(self.current_dose))

    @property
    def done_and_prescribed(self) -> tuple[int, int]:
        return dosing.total_adherence(self.adherence)


@dataclass
class Programme:
    patient_id: int
    start: date
    end: date
    items: list[ProgrammeItem] = field(default_factory=list)

    @property
    def active(self) -> list[ProgrammeItem]:
        return [i for i in self.items if i.prescription.ended_on is None]

    @property
    def ended(self) -> list[ProgrammeItem]:
        return [i for i in self.items if i.prescription.ended_on is not None]


def _changes_in(prescription: PrescriptionRow, start: date, end: date) -> list[DoseChange]:
    zone = clock.zone()
    doses = prescription.doses
    return [
        DoseChange(dose, previous, dosing.dose_diff(dosing.dose_of(previous), dosing.dose_of(dose)))
        for previous, dose in zip(doses, doses[1:], strict=False)
        if start <= dose.changed_at.astimezone(zone).date() <= end
    ]


def _programme_item(prescription: PrescriptionRow, start: date, end: date, today: date,
                    facts: list[tuple[int, dosing.SessionFact]], reported: dict[date, int]) -> ProgrammeItem:
    days = [f.performed_on for _, f in facts]
    adherence = dosing.weekly_adherence(dosing.weeks_between(start, end), _steps(prescription), days,
                                        reported, today, prescription.ended_on)
    return ProgrammeItem(
        prescription=prescription,
        adherence=adherence,
        changes=_changes_in(prescription, start, end),
        answers=dosing.answer_counts(f.response for _, f in facts),
    )


def current_programme(patient_id: int, start: date, end: date, include_ended: bool = False) -> Programme:
    """Bulk loader for dashboards and the handover summary; the caller has authorized the reader.

    Prescriptions running at some point in [start, end] (all of them with include_ended), each
    with its dose history, the dose changes made in the period, weekly adherence (logged
    sessions first, check-in counts for weeks without logs) and next-day answers, as plain rows.
    Three prebuilt statements, however many prescriptions, doses and sessions there are.
    """
    today = clock.today()
    first_week = dosing.week_start(start)
    facts = _session_facts(patient_id, first_week, end)
    reported = _reported_counts(patient_id, first_week, end)
    items = []
    for prescription in prescription_rows(patient_id):
        runs_in_period = prescription.started_on <= end and (
            prescription.ended_on is None or prescription.ended_on > start)
        if include_ended or runs_in_period:
            items.append(_programme_item(prescription, start, end, today, facts.get(prescription.id, []),
                                         reported.get(prescription.id, {})))
    return Programme(patient_id, start, end, items)


@dataclass
class ProgrammePage:
    patient: Patient
    programme: Programme


def programme(actor: User, patient_id: int) -> ProgrammePage:
    """The exercises tab: every prescription with its history and the last weeks' adherence."""
    patient = authorize(actor, patient_id, PART, Action.READ, object_type=PRESCRIPTION)
    end = clock.today()
    start = adherence_start(end)
    loaded = current_programme(patient.id, start, end, include_ended=True)
    audit.record("read", actor=actor, patient_id=patient.id, object_type=PRESCRIPTION)
    audit.commit_read()
    return ProgrammePage(patient, loaded)


# --- Reads for the API ------------------------------------------------------------------------


def list_prescriptions(actor: User, patient_id: int) -> list[ExercisePrescription]:
    patient = authorize(actor, patient_id, PART, Action.READ, object_type=PRESCRIPTION)
    prescriptions = _prescriptions(patient.id)
    audit.record("read", actor=actor, patient_id=patient.id, object_type=PRESCRIPTION)
    audit.commit_read()
    return prescriptions


def get_prescription(actor: User, patient_id: int, prescription_id: int) -> ExercisePrescription:
    patient = authorize(actor, patient_id, PART, Action.READ, object_type=PRESCRIPTION, object_id=prescription_id)
    prescription = _prescription(patient.id, prescription_id)
    audit.record("read", actor=actor, patient_id=patient.id, object_type=PRESCRIPTION, object_id=prescription.id)
    audit.commit_read()
    return prescription


def list_doses(actor: User, patient_id: int, prescription_id: int) -> list[ExerciseDose]:
    """The whole dose history, oldest first; rows are never changed once written."""
    return list(get_prescription(actor, patient_id, prescription_id).doses)


def list_sessions(actor: User, patient_id: int, prescription_id: int | None = None,
                  since: date | None = None, until: date | None = None) -> list[ExerciseSession]:
    """Logged sessions, newest first (default: the last eight weeks)."""
    patient = authorize(actor, patient_id, PART, Action.READ, object_type=SESSION)
    until = until or clock.today()
    since = since or until - timedelta(weeks=8)
    stmt = (
        select(ExerciseSession)
        .where(ExerciseSession.patient_id == patient.id, ExerciseSession.performed_on.between(since, until))
        .order_by(ExerciseSession.performed_on.desc(), ExerciseSession.id.desc())
    )
    if prescription_id is not None:
        stmt = stmt.where(ExerciseSession.prescription_id == prescription_id)
    sessions = list(db.session.scalars(stmt))
    audit.record("read", actor=actor, patient_id=patient.id, object_type=SESSION)
    audit.commit_read()
    return sessions


# --- The dose form and its evidence -----------------------------------------------------------


@dataclass
class DoseEvidence:
    weeks: list[dosing.WeekEvidence]
    suggestion: dosing.Suggestion  # the 24-hour rule over answers to sessions on the current dose
    worse_days: list[date]  # sessions the patient answered "worse" for, in the window

    @property
    def has_sessions(self) -> bool:
        return any(w.adherence.source != dosing.Source.NONE for w in self.weeks)


def dose_evidence(patient_id: int, prescription_id: int, weeks: int = EVIDENCE_WEEKS) -> DoseEvidence:
    """Per week: sessions done vs. prescribed, mean pain before/after and next-day answers.

    The caller has authorized the reader. Five queries, however much was logged.
    """
    return _evidence(_prescription(patient_id, prescription_id), weeks)


def _evidence(prescription: ExercisePrescription, weeks: int) -> DoseEvidence:
    patient_id = prescription.patient_id
    today = clock.today()
    week_starts = dosing.weeks_ending(today, weeks)
    facts = _session_facts(patient_id, week_starts[0], today).get(prescription.id, [])
    reported = _reported_counts(patient_id, week_starts[0], today).get(prescription.id, {})
    current_id = prescription.current_dose.id
    return DoseEvidence(
        weeks=dosing.weekly_evidence(week_starts, _steps(prescription), [f for _, f in facts], reported,
                                     today, prescription.ended_on),
        suggestion=dosing.suggest_from_answers(
            dosing.answer_counts(f.response for dose_id, f in facts if dose_id == current_id)),
        worse_days=[f.performed_on for _, f in facts if f.response == NextDayResponse.WORSE],
    )


@dataclass
class DosePage:
    patient: Patient
    prescription: ExercisePrescription
    evidence: DoseEvidence

    @property
    def current_dose(self) -> ExerciseDose:
        return self.prescription.current_dose


def dose_page(actor: User, patient_id: int, prescription_id: int) -> DosePage:
    """What a physiotherapist doses from: the current dose beside the last weeks' evidence."""
    patient = authorize(actor, patient_id, PART, Action.WRITE, object_type=PRESCRIPTION, object_id=prescription_id)
    prescription = _prescription(patient.id, prescription_id)
    evidence = _evidence(prescription, EVIDENCE_WEEKS)
    audit.record("read", actor=actor, patient_id=patient.id, object_type=PRESCRIPTION, object_id=prescription.id)
    audit.commit_read()
    return DosePage(patient, prescription, evidence)
