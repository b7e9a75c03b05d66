"""Exercise prescriptions and their dose history (physiotherapists), sessions and next-day
answers (the patient), and the evidence and programme views built from them.

A dose change carries the prescription version it was based on. A stale version is refused
before anything is written; a lost race between two changes is refused by the database
(UPDATE … WHERE version = … finds no row, or the unique dose number is taken). Both become
Conflict with the current state, so no change is ever silently lost.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from careteam.domain import dosing
from careteam.domain.policy import Action, Part
from careteam.domain.vocabulary import NextDayResponse, Side, values
from careteam.extensions import db
from careteam.models import (
    CheckinExerciseCount,
    ExerciseDose,
    ExercisePrescription,
    ExerciseSession,
    Patient,
    RecordEvent,
    User,
    WeeklyCheckin,
)
from careteam.services import audit, clock, timeline
from careteam.services.access import authorize
from careteam.services.errors import Conflict, InvalidInput, NotFound

PART = Part.EXERCISE_DOSES
PRESCRIPTION = "exercise_prescription"
DOSE = "exercise_dose"
SESSION = "exercise_session"
DETAIL_FIELDS = ("name", "instructions", "side", "equipment")
ADHERENCE_WEEKS = 4  # "the last 4 weeks": this week and the 3 before, on the Exercises tab and the overview
EVIDENCE_WEEKS = 6  # adherence and answers shown beside the dose form


# --- Loading ----------------------------------------------------------------------------------


def _with_doses():
    return selectinload(ExercisePrescription.doses).selectinload(ExerciseDose.changed_by)


def _prescription(patient_id: int, prescription_id: int) -> ExercisePrescription:
    """The prescription with its dose history, if it belongs to this patient."""
    prescription = db.session.scalar(
        select(ExercisePrescription)
        .where(ExercisePrescription.id == prescription_id, ExercisePrescription.patient_id == patient_id)
        .options(_with_doses())
        .execution_options(populate_existing=True)
    )
    if prescription is None:
        raise NotFound()
    return prescription


def _prescriptions(patient_id: int) -> list[ExercisePrescription]:
    return list(db.session.scalars(
        select(ExercisePrescription)
        .where(ExercisePrescription.patient_id == patient_id)
        .options(_with_doses())
        .order_by(ExercisePrescription.ended_on.is_not(None), ExercisePrescription.name, ExercisePrescription.id)
    ))


def adherence_start(today: date) -> date:
    """The Monday that starts "the last 4 weeks": one definition for every page that says so."""
    return dosing.week_start(today) - timedelta(weeks=ADHERENCE_WEEKS - 1)


def _steps(prescription: ExercisePrescription) -> list[dosing.DoseStep]:
    return [dosing.DoseStep(d.effective_from, d.sessions_per_week) for d in prescription.doses]


def _reported_counts(patient_id: int, start: date, end: date) -> dict[int, dict[date, int]]:
    """Check-in session counts: prescription id -> week start -> sessions the patient reported."""
    rows = db.session.execute(
        select(CheckinExerciseCount.prescription_id, WeeklyCheckin.week_start, CheckinExerciseCount.sessions_done)
        .join(WeeklyCheckin, WeeklyCheckin.id == CheckinExerciseCount.checkin_id)
        .where(WeeklyCheckin.patient_id == patient_id, WeeklyCheckin.week_start.between(start, end))
    )
    counts: dict[int, dict[date, int]] = {}
    for prescription_id, week, done in rows:
        counts.setdefault(prescription_id, {})[week] = done
    return counts


def _session_facts(patient_id: int, start: date, end: date, prescription_id: int | None = None
                   ) -> dict[int, list[tuple[int, dosing.SessionFact]]]:
    """Logged sessions: prescription id -> (dose id, facts), oldest first."""
    stmt = (
        select(ExerciseSession.prescription_id, ExerciseSession.dose_id, ExerciseSession.performed_on,
               ExerciseSession.pain_before, ExerciseSession.pain_after, ExerciseSession.next_day_response)
        .where(ExerciseSession.patient_id == patient_id, ExerciseSession.performed_on.between(start, end))
        .order_by(ExerciseSession.performed_on, ExerciseSession.id)
    )
    if prescription_id is not None:
        stmt = stmt.where(ExerciseSession.prescription_id == prescription_id)
    facts: dict[int, list[tuple[int, dosing.SessionFact]]] = {}
    for pid, dose_id, day, before, after, response in db.session.execute(stmt):
        facts.setdefault(pid, []).append((dose_id, dosing.SessionFact(day, before, after, response)))
    return facts


# --- The programme: prescriptions, doses, changes and adherence in a period --------------------


@dataclass
class DoseChange:
    dose: ExerciseDose
    previous: ExerciseDose
    diff: str


@dataclass
class ProgrammeItem:
    prescription: ExercisePrescription
    adherence: list[dosing.WeekAdherence]
    changes: list[DoseChange]  # dose changes made in the period, oldest first
    answers: dict[str, int]  # next-day answers to sessions in the period

    @property
    def current_dose(self) -> ExerciseDose:
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


def _changes_in(prescription: ExercisePrescription, start: date, end: date) -> list[DoseChange]:
    zone = clock.zone()
    doses = prescription.doses
    return [
        DoseChange(dose, previous, dosing.dose_diff(dosing.dose_of(previous), dosing.dose_of(dose)))
        for previous, dose in zip(doses, doses[1:], strict=False)
        if start <= dose.changed_at.astimezone(zone).date() <= end
    ]


def _programme_item(prescription: ExercisePrescription, start: date, end: date, today: date,
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
    sessions first, check-in counts for weeks without logs) and next-day answers. Five
    queries, however many prescriptions, doses and sessions there are.
    """
    today = clock.today()
    first_week = dosing.week_start(start)
    facts = _session_facts(patient_id, first_week, end)
    reported = _reported_counts(patient_id, first_week, end)
    items = []
    for prescription in _prescriptions(patient_id):
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
    facts = _session_facts(patient_id, week_starts[0], today, prescription.id).get(prescription.id, [])
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


# --- Changes by the physiotherapist -----------------------------------------------------------


def patient_for_prescribing(actor: User, patient_id: int) -> Patient:
    """The patient, for the new-exercise form: only whoever may prescribe gets it."""
    return authorize(actor, patient_id, PART, Action.WRITE, object_type=PRESCRIPTION)


def prescription_for_change(actor: User, patient_id: int, prescription_id: int
                            ) -> tuple[Patient, ExercisePrescription]:
    """The prescription as it is now, for a form that changes it."""
    patient = authorize(actor, patient_id, PART, Action.WRITE, object_type=PRESCRIPTION, object_id=prescription_id)
    prescription = _prescription(patient.id, prescription_id)
    audit.record("read", actor=actor, patient_id=patient.id, object_type=PRESCRIPTION, object_id=prescription.id)
    audit.commit_read()
    return patient, prescription


def _clean_details(details: Mapping[str, Any]) -> dict[str, Any]:
    cleaned = {name: details[name] for name in DETAIL_FIELDS if name in details}
    for name in ("name", "instructions", "equipment"):
        if isinstance(cleaned.get(name), str):
            cleaned[name] = cleaned[name].strip()
    return cleaned


def _dose_values(values: Mapping[str, Any], reason: str) -> dict[str, Any]:
    """The dose as the domain checks it: defaults filled in, text trimmed."""
    return {
        "sets": values.get("sets"),
        "reps": values.get("reps"),
        "hold_seconds": values.get("hold_seconds") or 0,
        "load_kg": values.get("load_kg"),
        "load_band": (values.get("load_band") or "").strip(),
        "rest_seconds": values.get("rest_seconds") or 0,
        "sessions_per_week": values.get("sessions_per_week"),
        "target_effort": values.get("target_effort"),
        "effective_from": values.get("effective_from") or clock.today(),
        "reason": (reason or "").strip(),
    }


def _new_dose(prescription: ExercisePrescription, number: int, values: dict[str, Any], actor: User) -> ExerciseDose:
    dose = ExerciseDose(prescription=prescription, number=number, changed_by=actor, changed_at=clock.now(),
                        **values)
    db.session.add(dose)
    return dose


def _new_prescription(details: Mapping[str, Any], dose_values: Mapping[str, Any], reason: str
                      ) -> tuple[dict, dict, dict[str, str]]:
    details = {"instructions": "", "side": Side.NOT_APPLICABLE.value, "equipment": "", **_clean_details(details)}
    values = _dose_values(dose_values, reason)
    return details, values, {**dosing.prescription_problems(details), **dosing.dose_problems(values, clock.today())}


def new_prescription_problems(actor: User, patient_id: int, details: Mapping[str, Any],
                              dose_values: Mapping[str, Any], reason: str) -> dict[str, str]:
    """What create_prescription would refuse, without changing anything."""
    authorize(actor, patient_id, PART, Action.WRITE, object_type=PRESCRIPTION)
    return _new_prescription(details, dose_values, reason)[2]


def create_prescription(actor: User, patient_id: int, details: Mapping[str, Any], dose_values: Mapping[str, Any],
                        reason: str) -> ExercisePrescription:
    """A new exercise with its first dose."""
    patient = authorize(actor, patient_id, PART, Action.WRITE, object_type=PRESCRIPTION)
    details, values, problems = _new_prescription(details, dose_values, reason)
    if problems:
        raise InvalidInput(problems)
    prescription = ExercisePrescription(patient_id=patient.id, created_by=actor, **details)
    db.session.add(prescription)
    first = _new_dose(prescription, 1, values, actor)
    db.session.flush()
    audit.record("create", actor=actor, patient_id=patient.id, object_type=PRESCRIPTION, object_id=prescription.id)
    timeline.record_change(actor, patient.id, PART, PRESCRIPTION, prescription.id,
                           summary=f"New exercise {prescription.name}: {dosing.describe(dosing.dose_of(first))}",
                           reason=first.reason)
    db.session.commit()
    return prescription


def _last_change(patient_id: int, prescription_id: int) -> dict[str, Any] | None:
    event = db.session.scalar(
        select(RecordEvent)
        .where(RecordEvent.patient_id == patient_id, RecordEvent.object_type == PRESCRIPTION,
               RecordEvent.object_id == prescription_id)
        .options(joinedload(RecordEvent.actor))
        .order_by(RecordEvent.id.desc())
        .limit(1)
    )
    if event is None:
        return None
    return {"by": event.actor.name, "at": event.occurred_at.isoformat(), "summary": event.summary}


def dose_state(dose: ExerciseDose) -> dict[str, Any]:
    """A dose as JSON-able values, shaped like the API's dose output."""
    return {
        "id": dose.id,
        "number": dose.number,
        **{name: getattr(dose, name) for name in dosing.DOSE_FIELDS},
        "effective_from": dose.effective_from.isoformat(),
        "reason": dose.reason,
        "changed_by": {"id": dose.changed_by.id, "name": dose.changed_by.name},
        "changed_at": dose.changed_at.isoformat(),
        "description": dosing.describe(dosing.dose_of(dose)),
    }


def prescription_state(prescription: ExercisePrescription) -> dict[str, Any]:
    """A prescription and its current dose as JSON-able values, shaped like the API's output."""
    return {
        "id": prescription.id,
        **{name: getattr(prescription, name) for name in DETAIL_FIELDS},
        "started_on": prescription.started_on.isoformat(),
        "ended_on": prescription.ended_on.isoformat() if prescription.ended_on else None,
        "version": prescription.version,
        "current_dose": dose_state(prescription.current_dose),
    }


def _conflict(patient_id: int, prescription_id: int) -> Conflict:
    """Someone changed the prescription first: what it is now, and who changed it last."""
    prescription = _prescription(patient_id, prescription_id)
    current = {**prescription_state(prescription), "last_change": _last_change(patient_id, prescription_id)}
    return Conflict(current=current)


def _changeable(actor: User, patient_id: int, prescription_id: int, based_on_version: int
                ) -> tuple[Patient, ExercisePrescription]:
    """Authorize a change and load the prescription, refusing a stale version."""
    patient = authorize(actor, patient_id, PART, Action.WRITE, object_type=PRESCRIPTION, object_id=prescription_id)
    prescription = _prescription(patient.id, prescription_id)
    if based_on_version != prescription.version:
        raise _conflict(patient.id, prescription.id)
    if prescription.ended_on is not None:
        raise InvalidInput({"_": "This exercise has ended; it can no longer be changed."})
    return patient, prescription


@contextmanager
def _refused_if_overtaken(patient_id: int, prescription_id: int, based_on_version: int) -> Iterator[None]:
    """Around flush and commit: a change that lost the race to another one becomes Conflict."""
    try:
        yield
    except (StaleDataError, IntegrityError):
        db.session.rollback()
        conflict = _conflict(patient_id, prescription_id)
        if conflict.current["version"] == based_on_version:
            raise  # nothing else changed it: a genuine error, not a lost race
        raise conflict from None


def dose_change_problems(actor: User, patient_id: int, prescription_id: int, dose_values: Mapping[str, Any],
                         reason: str) -> dict[str, str]:
    """What change_dose would refuse in these values, without changing anything (for a form
    that failed its own checks, so every problem shows at once)."""
    patient = authorize(actor, patient_id, PART, Action.WRITE, object_type=PRESCRIPTION, object_id=prescription_id)
    current = _prescription(patient.id, prescription_id).current_dose
    return dosing.dose_problems(_dose_values(dose_values, reason), clock.today(), current.effective_from)


def change_dose(actor: User, patient_id: int, prescription_id: int, based_on_version: int,
                dose_values: Mapping[str, Any], reason: str) -> ExerciseDose:
    """Append a new dose (number = previous + 1) and move the prescription to its next version."""
    patient, prescription = _changeable(actor, patient_id, prescription_id, based_on_version)
    current = prescription.current_dose
    values = _dose_values(dose_values, reason)
    problems = dosing.dose_problems(values, clock.today(), current.effective_from)
    if problems:
        raise InvalidInput(problems)
    dose = _new_dose(prescription, current.number + 1, values, actor)
    flag_modified(prescription, "name")  # an UPDATE … WHERE version = based_on_version, bumping it
    diff = dosing.dose_diff(dosing.dose_of(current), dosing.dose_of(dose))
    with _refused_if_overtaken(patient.id, prescription.id, based_on_version):
        db.session.flush()
        audit.record("create", actor=actor, patient_id=patient.id, object_type=DOSE, object_id=dose.id)
        before, after = dosing.dose_of(current), dosing.dose_of(dose)
        timeline.record_change(actor, patient.id, PART, PRESCRIPTION, prescription.id,
                               summary=f"Dose of {prescription.name}: {diff}", reason=dose.reason,
                               changes={name: (getattr(before, name), getattr(after, name))
                                        for name in dosing.DOSE_FIELDS})
        db.session.commit()
    return dose


def edit_prescription(actor: User, patient_id: int, prescription_id: int, based_on_version: int,
                      details: Mapping[str, Any], reason: str = "") -> ExercisePrescription:
    """Change the descriptive fields given (name, instructions, side, equipment)."""
    patient, prescription = _changeable(actor, patient_id, prescription_id, based_on_version)
    changes = {k: v for k, v in _clean_details(details).items() if getattr(prescription, k) != v}
    merged = {name: changes.get(name, getattr(prescription, name)) for name in DETAIL_FIELDS}
    problems = dosing.prescription_problems(merged)
    if problems:
        raise InvalidInput(problems)
    if not changes:
        return prescription
    old_name = prescription.name
    replaced = {name: (getattr(prescription, name), value) for name, value in changes.items()}
    for name, value in changes.items():
        setattr(prescription, name, value)
    audit.record("update", actor=actor, patient_id=patient.id, object_type=PRESCRIPTION, object_id=prescription.id)
    timeline.record_change(actor, patient.id, PART, PRESCRIPTION, prescription.id,
                           summary=f"{old_name}: changed {', '.join(changes)}", reason=(reason or "").strip(),
                           changes=replaced)
    with _refused_if_overtaken(patient.id, prescription.id, based_on_version):
        db.session.commit()
    return prescription


def end_problems(actor: User, patient_id: int, prescription_id: int, ended_on: date | None,
                 reason: str) -> dict[str, str]:
    """What end_prescription would refuse, without changing anything."""
    patient = authorize(actor, patient_id, PART, Action.WRITE, object_type=PRESCRIPTION, object_id=prescription_id)
    prescription = _prescription(patient.id, prescription_id)
    return dosing.end_problems(ended_on or clock.today(), prescription.started_on, clock.today(), reason or "")


def end_prescription(actor: User, patient_id: int, prescription_id: int, based_on_version: int,
                     ended_on: date | None, reason: str) -> ExercisePrescription:
    """Stop an exercise; its doses and sessions stay in the record."""
    patient, prescription = _changeable(actor, patient_id, prescription_id, based_on_version)
    ended_on = ended_on or clock.today()
    problems = dosing.end_problems(ended_on, prescription.started_on, clock.today(), reason)
    if problems:
        raise InvalidInput(problems)
    replaced = {"ended_on": (prescription.ended_on, ended_on)}
    prescription.ended_on = ended_on
    audit.record("end", actor=actor, patient_id=patient.id, object_type=PRESCRIPTION, object_id=prescription.id)
    timeline.record_change(actor, patient.id, PART, PRESCRIPTION, prescription.id,
                           summary=f"Ended {prescription.name}", reason=reason.strip(), changes=replaced)
    with _refused_if_overtaken(patient.id, prescription.id, based_on_version):
        db.session.commit()
    return prescription


# --- The patient's day ------------------------------------------------------------------------


@dataclass
class TodayItem:
    prescription: ExercisePrescription
    dose: ExerciseDose  # the dose in effect today
    logged_today: list[ExerciseSession]

    @property
    def in_plain_words(self) -> str:
        return dosing.in_plain_words(dosing.dose_of(self.dose))


@dataclass
class TodayPage:
    patient: Patient
    day: date
    items: list[TodayItem]
    awaiting_answer: list[ExerciseSession]  # earlier sessions still waiting for the 24-hour answer


def today(actor: User, patient_id: int) -> TodayPage:
    """The patient's logging page: today's exercises with their doses, what was logged today,
    and earlier sessions still waiting for the next-day answer. Only the patient logs."""
    patient = authorize(actor, patient_id, PART, Action.LOG, object_type=PRESCRIPTION)
    day = clock.today()
    recent = list(db.session.scalars(
        select(ExerciseSession)
        .where(ExerciseSession.patient_id == patient.id,
               ExerciseSession.performed_on >= day - timedelta(days=dosing.ANSWER_DAYS_BACK))
        .options(joinedload(ExerciseSession.prescription))
        .order_by(ExerciseSession.performed_on, ExerciseSession.id)
    ))
    items = [
        TodayItem(p, dosing.dose_in_effect(p.doses, day),
                  [s for s in recent if s.prescription_id == p.id and s.performed_on == day])
        for p in _prescriptions(patient.id)
        if dosing.is_active_on(day, p.started_on, p.ended_on)
    ]
    awaiting = [s for s in recent if dosing.awaits_answer(s.performed_on, day, s.next_day_response)]
    audit.record("read", actor=actor, patient_id=patient.id, object_type=PRESCRIPTION)
    audit.commit_read()
    return TodayPage(patient, day, items, awaiting)


def log_session(actor: User, patient_id: int, prescription_id: int, performed_on: date | None,
                sets_done: int | None, reps_done: int | None, pain_before: int | None = None,
                pain_after: int | None = None) -> ExerciseSession:
    """The patient logs a session they did (today, or up to a week back)."""
    patient = authorize(actor, patient_id, PART, Action.LOG, object_type=SESSION)
    prescription = _prescription(patient.id, prescription_id)
    values = {"performed_on": performed_on or clock.today(), "sets_done": sets_done, "reps_done": reps_done,
              "pain_before": pain_before, "pain_after": pain_after}
    problems = dosing.session_problems(values, clock.today(), prescription.started_on, prescription.ended_on)
    if problems:
        raise InvalidInput(problems)
    session = ExerciseSession(
        prescription=prescription, patient_id=patient.id, logged_by_id=actor.id,
        dose=dosing.dose_in_effect(prescription.doses, values["performed_on"]), **values,
    )
    db.session.add(session)
    db.session.flush()
    audit.record("create", actor=actor, patient_id=patient.id, object_type=SESSION, object_id=session.id)
    db.session.commit()
    return session


def answer_next_day(actor: User, patient_id: int, session_id: int, response: str) -> ExerciseSession:
    """The 24-hour answer. "Worse" puts an entry on the timeline for the physiotherapist."""
    patient = authorize(actor, patient_id, PART, Action.LOG, object_type=SESSION, object_id=session_id)
    session = db.session.scalar(
        select(ExerciseSession)
        .where(ExerciseSession.id == session_id, ExerciseSession.patient_id == patient.id)
        .options(joinedload(ExerciseSession.prescription))
    )
    if session is None:
        raise NotFound()
    if response not in values(NextDayResponse):
        raise InvalidInput({"response": "Choose yes, not yet or worse."})
    problem = dosing.next_day_problem(session.performed_on, clock.today(), session.next_day_response is not None)
    if problem:
        raise InvalidInput({"response": problem})
    answered = db.session.execute(  # only the first of two racing answers counts
        update(ExerciseSession)
        .where(ExerciseSession.id == session.id, ExerciseSession.next_day_response.is_(None))
        .values(next_day_response=response, responded_at=clock.now())
        .execution_options(synchronize_session="fetch")
    )
    if answered.rowcount != 1:
        raise InvalidInput({"response": "You already answered for this session."})
    audit.record("update", actor=actor, patient_id=patient.id, object_type=SESSION, object_id=session.id)
    if dosing.classify_next_day(response).tell_physiotherapist:
        timeline.record_change(actor, patient.id, PART, SESSION, session.id,
                               summary=f"Next day worse after {session.prescription.name}",
                               reason=f"Session on {session.performed_on:%-d %b %Y}; flagged for the physiotherapist")
    db.session.commit()
    return session
