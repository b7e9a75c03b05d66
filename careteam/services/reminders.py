"""Patients' reminders: the worker's minute adds the due ones to the outbox, once each (a dedupe
key per person and period), skipping a week whose check-in exists and sessions already answered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select

from sqlalchemy import func

from careteam.domain import notifications as kinds
from careteam.domain import reminders as rules
from careteam.domain import scoring
from careteam.extensions import db
from careteam.models import (ActivityLog, Appointment, ExerciseSession, GradedActivityPlan, Patient,
                             QuestionnaireAssignment, QuestionnaireResponse, ReminderSettings, User, WeeklyCheckin)
from careteam.services import outbox


@dataclass(frozen=True)
class Person:
    user_id: int
    patient_id: int
    zone: ZoneInfo
    settings: ReminderSettings | None

    def on(self, name: str) -> bool:
        return True if self.settings is None else getattr(self.settings, name)

    def at(self, name: str, default: str) -> time:
        text = default if self.settings is None else getattr(self.settings, name)
        return rules.parse_time(text) or rules.parse_time(default)


def zone_of(name: str | None) -> ZoneInfo:
    fallback = current_app.config["CARETEAM_TIMEZONE"]
    return ZoneInfo(name if name and rules.valid_zone(name) else fallback)


def _patients() -> list[Person]:
    rows = db.session.execute(
        select(User.id, Patient.id, User.timezone, ReminderSettings)
        .join(Patient, Patient.user_id == User.id)
        .outerjoin(ReminderSettings, ReminderSettings.user_id == User.id)
        .where(User.active.is_(True))
    ).all()
    return [Person(user_id, patient_id, zone_of(zone), settings) for user_id, patient_id, zone, settings in rows]


def add_due(now: datetime) -> int:
    """Add every reminder due now; returns how many were added (or found added by another worker)."""
    people = _patients()
    added = (_checkin_reminders(people, now) + _next_day_questions(people, now) + _appointment_reminders(people, now)
             + _questionnaire_reminders(people, now))
    db.session.commit()
    return added


def _checkin_reminders(people: list[Person], now: datetime) -> int:
    due = [(person, reminder) for person in people if person.on("checkin_enabled")
           for reminder in rules.due_checkin_reminders(now, person.zone, _weekday(person), person.at("checkin_time", "18:00"))]
    if not due:
        return 0
    done = set(db.session.execute(
        select(WeeklyCheckin.patient_id, WeeklyCheckin.week_start).where(
            WeeklyCheckin.patient_id.in_(list({p.patient_id for p, _ in due})),
            WeeklyCheckin.week_start.in_(list({r.week_start for _, r in due})))).all())
    added = 0
    for person, reminder in due:
        if (person.patient_id, reminder.week_start) in done:
            continue  # the week's check-in exists
        outbox.notify(person.user_id, reminder.kind, "/my-record/check-in",
                      dedupe_key=f"{reminder.kind}:{person.user_id}:{reminder.week_start.isoformat()}")
        added += 1
    return added


def _weekday(person: Person) -> int:
    return 6 if person.settings is None else person.settings.checkin_weekday


def _next_day_questions(people: list[Person], now: datetime) -> int:
    asking = {p.patient_id: p for p in people if p.on("next_day_enabled")
              and rules.next_day_question_due(now, p.zone, p.at("next_day_time", "08:00"),
                                              rules.sessions_day_asked_about(now, p.zone))}
    if not asking:
        return 0
    days = {rules.sessions_day_asked_about(now, p.zone) for p in asking.values()}
    unanswered = set(db.session.execute(
        select(ExerciseSession.patient_id, ExerciseSession.performed_on).where(
            ExerciseSession.patient_id.in_(list(asking)), ExerciseSession.performed_on.in_(list(days)),
            ExerciseSession.next_day_response.is_(None))).all())
    unanswered |= set(db.session.execute(
        select(GradedActivityPlan.patient_id, ActivityLog.performed_on).join(ActivityLog.plan).where(
            GradedActivityPlan.patient_id.in_(list(asking)), ActivityLog.performed_on.in_(list(days)),
            ActivityLog.is_baseline.is_(False), ActivityLog.next_day_response.is_(None))).all())
    added = 0
    for patient_id, performed_on in unanswered:
        person = asking[patient_id]
        if performed_on != rules.sessions_day_asked_about(now, person.zone):
            continue
        outbox.notify(person.user_id, kinds.NEXT_DAY_QUESTION, "/my-record/today",
                      dedupe_key=f"{kinds.NEXT_DAY_QUESTION}:{person.user_id}:{performed_on.isoformat()}")
        added += 1
    return added


def _appointment_reminders(people: list[Person], now: datetime) -> int:
    by_patient = {p.patient_id: p for p in people if p.on("appointment_enabled")}
    if not by_patient:
        return 0
    upcoming = db.session.execute(
        select(Appointment.id, Appointment.patient_id, Appointment.starts_at).where(
            Appointment.patient_id.in_(list(by_patient)), Appointment.starts_at > now,
            Appointment.starts_at <= now + timedelta(days=2))).all()
    added = 0
    for appointment_id, patient_id, starts_at in upcoming:
        person = by_patient[patient_id]
        if rules.appointment_reminder_due(now, person.zone, starts_at):
            outbox.notify(person.user_id, kinds.APPOINTMENT_REMINDER, f"/patients/{patient_id}/appointments",
                          dedupe_key=f"{kinds.APPOINTMENT_REMINDER}:{person.user_id}:{appointment_id}")
            added += 1
    return added


def _questionnaire_reminders(people: list[Person], now: datetime) -> int:
    """Due questionnaires the patient has not answered since they fell due. The link opens her
    home page, which lists them: an instrument's name in a URL would say too much in a mailbox."""
    by_patient = {p.patient_id: p for p in people if p.on("questionnaire_enabled")}
    if not by_patient:
        return 0
    ids = list(by_patient)
    last = {(p, i): d for p, i, d in db.session.execute(
        select(QuestionnaireResponse.patient_id, QuestionnaireResponse.instrument_id,
               func.max(QuestionnaireResponse.answered_on))
        .where(QuestionnaireResponse.patient_id.in_(ids))
        .group_by(QuestionnaireResponse.patient_id, QuestionnaireResponse.instrument_id))}
    added = 0
    for assignment in db.session.scalars(select(QuestionnaireAssignment).where(QuestionnaireAssignment.patient_id.in_(ids))):
        person = by_patient[assignment.patient_id]
        local_today = now.astimezone(person.zone).date()
        # The follow-up is three days after the due date, so look back that far for the occurrence.
        for day in {local_today, local_today - timedelta(days=rules.QUESTIONNAIRE_FOLLOW_UP_AFTER_DAYS)}:
            occurrence = scoring.occurrence_on(day, assignment.starts_on, assignment.every_weeks)
            answered_on = last.get((assignment.patient_id, assignment.instrument_id))
            if (occurrence is None or (answered_on is not None and answered_on >= occurrence)
                    or (assignment.ended_on is not None and local_today >= assignment.ended_on)):
                continue
            for kind in rules.due_questionnaire_reminders(now, person.zone, person.at("checkin_time", "18:00"), occurrence):
                outbox.notify(person.user_id, kind, "/my-record",
                              dedupe_key=f"{kind}:{person.user_id}:{assignment.id}:{occurrence.isoformat()}")
                added += 1
    return added
