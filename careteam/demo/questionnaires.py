"""Maria's questionnaires: STarT Back at intake, PHQ-9 and GAD-7 every 4 weeks easing as the plan takes
hold (PEG comes from her check-ins), and one PHQ-9 with item 9 = 1, acknowledged by the psychologist.
Tom has a PHQ-9 assigned at intake and not answered: overdue on "My patients"."""

from __future__ import annotations

from datetime import date, timedelta

from careteam.demo.record import WEEKS, _event, at
from careteam.domain import scoring
from careteam.domain.checkins import week_start_of
from careteam.domain.policy import Part
from careteam.extensions import db
from careteam.models import (
    Note,
    Patient,
    QuestionnaireAnswer,
    QuestionnaireAssignment,
    QuestionnaireResponse,
    RedFlagAlert,
    User,
)
from careteam.services.instruments import load_catalogue
from careteam.services.notes import change_summary

# Item answers every 4 weeks from intake: moderate depression and anxiety easing to mild / minimal.
PHQ9_COURSE = [
    [2, 2, 3, 2, 1, 2, 1, 1, 0],  # 14 moderate
    [2, 2, 2, 2, 1, 2, 1, 0, 1],  # 13 moderate, item 9 = 1: safety alert (week 4)
    [1, 2, 2, 2, 1, 1, 1, 0, 0],  # 10 moderate
    [1, 1, 2, 2, 1, 1, 1, 0, 0],  # 9 mild
    [1, 1, 1, 1, 1, 1, 1, 0, 0],  # 7 mild
    [1, 1, 1, 1, 0, 1, 0, 0, 0],  # 5 mild
    [0, 1, 1, 1, 0, 0, 0, 0, 0],  # 3 minimal
]
GAD7_COURSE = [
    [2, 2, 2, 2, 1, 2, 1],  # 12 moderate
    [2, 2, 2, 2, 1, 1, 1],  # 11
    [2, 1, 2, 1, 1, 1, 1],  # 9 mild
    [1, 1, 2, 1, 1, 1, 1],  # 8
    [1, 1, 1, 1, 0, 1, 1],  # 6
    [1, 1, 1, 1, 0, 1, 0],  # 5
    [1, 0, 1, 1, 0, 1, 0],  # 4 minimal
]
STARTBACK_INTAKE = [1, 0, 1, 1, 1, 1, 1, 0, 3]  # total 7, psychosocial 4: high risk
SAFETY_WEEK = 1  # the second PHQ-9


def _respond(instruments, patient: Patient, maria: User, assignment: QuestionnaireAssignment, values: list[int],
             day: date) -> QuestionnaireResponse:
    instrument = instruments.get(assignment.instrument_id)
    answers = {item.link_id: value for item, value in zip(instrument.items, values, strict=True)}
    result = scoring.score(instrument, answers)
    response = QuestionnaireResponse(
        patient_id=patient.id, instrument_id=instrument.id, instrument_version=instrument.version,
        assignment_id=assignment.id, answered_on=day, submitted_at=at(day, 19), entered_by_id=maria.id,
        score=result.score, band=result.band, subscores=result.subscores, flags=result.flags,
        answers=[QuestionnaireAnswer(link_id=k, value=v) for k, v in answers.items()])
    db.session.add(response)
    db.session.flush()
    _event(patient, maria, response.submitted_at, Part.QUESTIONNAIRES, "questionnaire_response", response.id,
           f"{instrument.short_title} answered ({result.score:g}" + (f", {result.band})" if result.band else ")"))
    return response


def add_questionnaire_history(users: dict[str, User], records: dict[str, Patient], today: date) -> None:
    instruments = load_catalogue(None)  # the shipped definitions; a clinic folder adds nothing here
    maria, patient, psychologist = users["patient_a"], records["patient_a"], users["psychologist"]
    first_week = week_start_of(today) - timedelta(weeks=WEEKS)
    every_four = {
        key: QuestionnaireAssignment(patient_id=patient.id, instrument_id=key, starts_on=first_week, every_weeks=4,
                                     assigned_by_id=psychologist.id, assigned_at=at(first_week, 9))
        for key in ("phq9", "gad7")
    }
    intake = QuestionnaireAssignment(patient_id=patient.id, instrument_id="startback", starts_on=first_week,
                                     assigned_by_id=users["physiotherapist"].id, assigned_at=at(first_week, 9))
    db.session.add_all([*every_four.values(), intake])
    db.session.flush()
    _respond(instruments, patient, maria, intake, STARTBACK_INTAKE, first_week + timedelta(days=1))
    for round_, (phq, gad) in enumerate(zip(PHQ9_COURSE, GAD7_COURSE, strict=True)):
        day = first_week + timedelta(weeks=4 * round_, days=1)
        if day > today:
            break
        phq9 = _respond(instruments, patient, maria, every_four["phq9"], phq, day)
        _respond(instruments, patient, maria, every_four["gad7"], gad, day)
        if round_ == SAFETY_WEEK:
            _safety_alert(users, patient, phq9)
    tom = records["patient_b"]
    db.session.add(QuestionnaireAssignment(patient_id=tom.id, instrument_id="phq9",
                                           starts_on=week_start_of(today) - timedelta(weeks=3), every_weeks=4,
                                           assigned_by_id=users["physician_b"].id))


def _safety_alert(users, patient: Patient, response: QuestionnaireResponse) -> None:
    psychologist = users["psychologist"]
    raised = response.submitted_at
    alert = RedFlagAlert(patient_id=patient.id, flags=["self_harm_thoughts"], kind="questionnaire_safety",
                         questionnaire_response_id=response.id, raised_at=raised,
                         acknowledged_at=raised + timedelta(hours=15), acknowledged_by_id=psychologist.id)
    db.session.add(alert)
    db.session.flush()
    # The timeline (which the patient reads too) says only what was done; the detail is in a psychologists' note.
    reason = "Phoned Maria the next morning; safety plan agreed."
    detail = ("Phoned Maria the next morning: passive thoughts during the flare-up weeks, no plan or intent. "
              "Safety plan agreed; she has the clinic and crisis numbers. Review at Thursday's session.")
    _event(patient, users["patient_a"], raised, Part.ALERTS, "red_flag_alert", alert.id,
           "Safety alert raised: Thoughts of being better off dead or of self-harm (PHQ-9 item 9)")
    _event(patient, psychologist, alert.acknowledged_at, Part.ALERTS, "red_flag_alert", alert.id,
           "Safety alert acknowledged", reason)
    note = Note(patient_id=patient.id, author_id=psychologist.id, author_role=psychologist.role,
                visibility="psychologists", body="PHQ-9 item 9 answered 'several days'. " + detail,
                created_at=alert.acknowledged_at + timedelta(minutes=20))
    db.session.add(note)
    db.session.flush()
    _event(patient, psychologist, note.created_at, Part.NOTES_PSYCHOLOGISTS, "note", note.id,
           change_summary(psychologist, "psychologists", is_addendum=False))
