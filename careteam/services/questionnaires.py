"""Questionnaire use cases: assign (once or every N weeks), answer (the patient, or a clinician on
paper's behalf), read responses; and what is due, for the patient's pages and "My patients"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from careteam.domain import scoring
from careteam.domain.instruments import Instrument
from careteam.domain.policy import Action, Part, Role
from careteam.extensions import db
from careteam.models import QuestionnaireAnswer, QuestionnaireAssignment, QuestionnaireResponse, User
from careteam.queries import PATIENT_ID, rows
from careteam.services import alerts, audit, clock, timeline
from careteam.services.access import authorize
from careteam.services.errors import InvalidInput, NotFound
from careteam.services.instruments import catalogue, instrument

PART = Part.QUESTIONNAIRES
ASSIGNMENT = "questionnaire_assignment"
RESPONSE = "questionnaire_response"


@dataclass(frozen=True)
class AssignmentView:
    assignment: QuestionnaireAssignment
    instrument: Instrument
    state: str | None  # None, "due" or "overdue" today
    last_answered_on: date | None

    @property
    def schedule(self) -> str:
        every = self.assignment.every_weeks
        start = self.assignment.starts_on.strftime("%-d %b %Y")
        if not every:
            return f"once, from {start}"
        return f"every {'week' if every == 1 else f'{every} weeks'} from {start}"


def safety_flag_labels() -> dict[str, str]:
    """Labels of every safety flag any instrument defines, for alert lists."""
    return {f.id: f.label for i in catalogue() for f in i.flags if f.safety}


def _instrument_or_error(instrument_id: str | None, field: str = "instrument") -> Instrument:
    found = instrument(instrument_id or "")
    if found is None:
        raise InvalidInput({field: "Choose one of the instruments this clinic uses."})
    return found


# Prebuilt: the dashboard runs both on every read.
LAST_ANSWERED = (select(QuestionnaireResponse.instrument_id, func.max(QuestionnaireResponse.answered_on))
                 .where(QuestionnaireResponse.patient_id == PATIENT_ID)
                 .group_by(QuestionnaireResponse.instrument_id))
ASSIGNMENTS = (select(QuestionnaireAssignment).where(QuestionnaireAssignment.patient_id == PATIENT_ID)
               .options(selectinload(QuestionnaireAssignment.assigned_by))
               .order_by(QuestionnaireAssignment.starts_on, QuestionnaireAssignment.id))


def _last_answered(patient_id: int) -> dict[str, date]:
    return dict(rows(LAST_ANSWERED, patient_id=patient_id))


def _assignments(patient_id: int) -> list[QuestionnaireAssignment]:
    return list(db.session.scalars(ASSIGNMENTS, {"patient_id": patient_id}))


def assignment_views(patient_id: int, today: date | None = None) -> list[AssignmentView]:
    """Every assignment with today's state; the caller has authorized reading the record."""
    today = today or clock.today()
    last = _last_answered(patient_id)
    views = []
    for row in _assignments(patient_id):
        found = instrument(row.instrument_id)
        if found is None:  # a clinic file removed since: keep the data, show nothing to answer
            continue
        views.append(AssignmentView(row, found, scoring.due_state(today, row.starts_on, row.every_weeks,
                                                                  last.get(row.instrument_id), row.ended_on),
                                    last.get(row.instrument_id)))
    return views


def due_questionnaires(patient_id: int, today: date | None = None) -> list[AssignmentView]:
    """Due and overdue questionnaires, one per instrument, for the patient's home and Today pages."""
    seen, due = set(), []
    for view in assignment_views(patient_id, today):
        if view.state and view.instrument.id not in seen:
            seen.add(view.instrument.id)
            due.append(view)
    return due


def overdue_counts(patient_ids: list[int], today: date | None = None) -> dict[int, int]:
    """Overdue questionnaires per patient, for a list the caller has filtered by access (two queries)."""
    ids = list(dict.fromkeys(patient_ids))
    counts = dict.fromkeys(ids, 0)
    if not ids:
        return counts
    today = today or clock.today()
    last = {(p, i): d for p, i, d in db.session.execute(
        select(QuestionnaireResponse.patient_id, QuestionnaireResponse.instrument_id,
               func.max(QuestionnaireResponse.answered_on))
        .where(QuestionnaireResponse.patient_id.in_(ids))
        .group_by(QuestionnaireResponse.patient_id, QuestionnaireResponse.instrument_id))}
    overdue = set()
    for patient_id, instrument_id, starts_on, every_weeks, ended_on in db.session.execute(
            select(QuestionnaireAssignment.patient_id, QuestionnaireAssignment.instrument_id,
                   QuestionnaireAssignment.starts_on, QuestionnaireAssignment.every_weeks,
                   QuestionnaireAssignment.ended_on)
            .where(QuestionnaireAssignment.patient_id.in_(ids))):
        state = scoring.due_state(today, starts_on, every_weeks, last.get((patient_id, instrument_id)), ended_on)
        if state == "overdue":
            overdue.add((patient_id, instrument_id))
    for patient_id, _ in overdue:
        counts[patient_id] += 1
    return counts


def list_assignments(actor: User, patient_id: int) -> list[AssignmentView]:
    patient = authorize(actor, patient_id, PART, Action.READ, object_type=ASSIGNMENT)
    audit.record("read", actor=actor, patient_id=patient.id, object_type=ASSIGNMENT)
    audit.commit_read()
    return assignment_views(patient.id)


def assign(actor: User, patient_id: int, instrument_id: str, starts_on: date | None,
           every_weeks: int | None) -> QuestionnaireAssignment:
    """A clinician on the team assigns an instrument once or every N weeks from a start date."""
    patient = authorize(actor, patient_id, PART, Action.WRITE, object_type=ASSIGNMENT)
    found = _instrument_or_error(instrument_id)
    today = clock.today()
    problems = scoring.schedule_problems(starts_on, every_weeks, today)
    if not found.assignable:
        problems["instrument"] = f"{found.short_title} is asked in the weekly check-in; it needs no assignment."
    if problems:
        raise InvalidInput(problems)
    row = QuestionnaireAssignment(patient_id=patient.id, instrument_id=found.id, starts_on=starts_on or today,
                                  every_weeks=every_weeks, assigned_by_id=actor.id)
    db.session.add(row)
    db.session.flush()
    audit.record("create", actor=actor, patient_id=patient.id, object_type=ASSIGNMENT, object_id=row.id)
    view = AssignmentView(row, found, None, None)
    timeline.record_change(actor, patient.id, PART, ASSIGNMENT, row.id,
                           summary=f"{found.short_title} assigned, {view.schedule}")
    db.session.commit()
    return row


@dataclass(frozen=True)
class Submitted:
    response: QuestionnaireResponse
    instrument: Instrument
    result: scoring.Result
    safety_flags: list[str]


def submit_response(actor: User, patient_id: int, instrument_id: str | None, answers: list[dict],
                    answered_on: date | None = None) -> Submitted:
    """The patient answers an assigned questionnaire, or a clinician on the team enters answers given
    on paper (recorded as on the patient's behalf). Nothing is saved when anything is wrong."""
    is_patient = actor.role_enum == Role.PATIENT
    patient = authorize(actor, patient_id, PART, Action.LOG if is_patient else Action.WRITE, object_type=RESPONSE)
    found = _instrument_or_error(instrument_id)
    problems = scoring.answer_problems(found, answers)
    today = clock.today()
    answered_on = answered_on or today
    if answered_on > today:
        problems["answered_on"] = "The answers cannot be from the future."
    if found.answered_in:
        problems["instrument"] = f"{found.short_title} is answered in the weekly check-in."
    elif is_patient and not any(v.instrument.id == found.id and v.state for v in assignment_views(patient.id, today)):
        problems["instrument"] = f"{found.short_title} is not assigned to you for now."
    if problems:
        raise InvalidInput(problems)
    values = {str(a["linkId"]): a.get("value") for a in answers}
    result = scoring.score(found, values)
    assignment_id = next((v.assignment.id for v in assignment_views(patient.id, today)
                          if v.instrument.id == found.id and v.state), None)
    response = QuestionnaireResponse(
        patient_id=patient.id, instrument_id=found.id, instrument_version=found.version, assignment_id=assignment_id,
        answered_on=answered_on, entered_by_id=actor.id, on_behalf=not is_patient, score=result.score,
        band=result.band, subscores=result.subscores, flags=result.flags,
        answers=[QuestionnaireAnswer(link_id=k, value=v) for k, v in values.items() if v is not None],
    )
    db.session.add(response)
    db.session.flush()
    audit.record("create", actor=actor, patient_id=patient.id, object_type=RESPONSE, object_id=response.id)
    shown = "no total" if result.score is None else f"{result.score:g}" + (f", {result.band}" if result.band else "")
    timeline.record_change(actor, patient.id, PART, RESPONSE, response.id,
                           summary=f"{found.short_title} answered ({shown})" + (" — entered on paper" if not is_patient else ""))
    safety = scoring.safety_flags(found, result.flags)
    if safety:
        alerts.raise_safety_alert(actor, patient.id, response.id, safety,
                                  "; ".join(scoring.flag_label(found, f) for f in safety))
    db.session.commit()
    return Submitted(response, found, result, safety)


def list_responses(actor: User, patient_id: int, instrument_id: str | None = None) -> list[QuestionnaireResponse]:
    """Newest first, each with its item answers."""
    patient = authorize(actor, patient_id, PART, Action.READ, object_type=RESPONSE)
    audit.record("read", actor=actor, patient_id=patient.id, object_type=RESPONSE)
    audit.commit_read()
    stmt = (select(QuestionnaireResponse).where(QuestionnaireResponse.patient_id == patient.id)
            .options(selectinload(QuestionnaireResponse.answers), selectinload(QuestionnaireResponse.entered_by))
            .order_by(QuestionnaireResponse.answered_on.desc(), QuestionnaireResponse.id.desc()))
    if instrument_id:
        stmt = stmt.where(QuestionnaireResponse.instrument_id == instrument_id)
    return list(db.session.scalars(stmt))


def answer_form(actor: User, patient_id: int, instrument_id: str) -> tuple[Instrument, AssignmentView | None]:
    """What the answer page needs: the instrument, and the assignment it answers (if any)."""
    patient = authorize(actor, patient_id, PART, Action.LOG if actor.role_enum == Role.PATIENT else Action.WRITE,
                        object_type=RESPONSE)
    found = instrument(instrument_id)
    if found is None or found.answered_in:
        raise NotFound()
    view = next((v for v in due_questionnaires(patient.id) if v.instrument.id == found.id), None)
    audit.commit_read()
    return found, view
