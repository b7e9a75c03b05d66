"""The clinician's opt-in morning digest: an e-mail with only a link, and behind sign-in a page
of counts per patient of what is new since the last digest."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import func, select

from careteam.domain import notifications as kinds
from careteam.domain import reminders as rules
from careteam.domain.policy import CLINICIAN_ROLES
from careteam.domain.vocabulary import NextDayResponse
from careteam.extensions import db
from careteam.models import (ActivityLog, Appointment, ExerciseSession, GradedActivityPlan, Notification, Patient, Question,
                             RedFlagAlert, ReminderSettings, User, WeeklyCheckin)
from careteam.services import access, audit, clock, outbox
from careteam.services.errors import NotFound
from careteam.services.reminders import zone_of

QUIET_DAYS = 14


def add_due(now: datetime) -> int:
    """One digest per opted-in clinician per local day, at their time."""
    rows = db.session.execute(
        select(User.id, User.timezone, ReminderSettings)
        .join(ReminderSettings, ReminderSettings.user_id == User.id)
        .where(ReminderSettings.digest_enabled.is_(True), User.active.is_(True),
               User.role.in_([role.value for role in CLINICIAN_ROLES]))
    ).all()
    added = 0
    for user_id, zone_name, settings in rows:
        zone = zone_of(zone_name)
        local_day = now.astimezone(zone).date()
        at = rules.parse_time(settings.digest_time) or rules.parse_time("07:00")
        if not rules.is_due(rules.at_local(local_day, at, zone), now):
            continue
        since = settings.last_digest_at or now - timedelta(days=1)
        key = f"{kinds.DIGEST}:{user_id}:{local_day.isoformat()}"
        if db.session.scalar(select(func.count()).where(Notification.dedupe_key == key)):
            continue
        outbox.notify(user_id, kinds.DIGEST, f"/digest?since={since.strftime('%Y-%m-%dT%H:%M:%SZ')}", dedupe_key=key)
        settings.last_digest_at = now
        added += 1
    db.session.commit()
    return added


@dataclass
class PatientCounts:
    patient_id: int
    name: str
    new_checkins: int = 0
    worse_next_day: int = 0
    open_alerts: int = 0
    open_questions: int = 0
    no_checkin_for_two_weeks: bool = False
    appointments_today: int = 0

    @property
    def anything(self) -> bool:
        return bool(self.new_checkins or self.worse_next_day or self.open_alerts or self.open_questions
                    or self.no_checkin_for_two_weeks or self.appointments_today)


def digest_for(actor: User, since: datetime) -> list[PatientCounts]:
    """Counts per patient on the actor's care teams since `since`; only patients with something."""
    if not actor.is_clinician:
        raise NotFound()
    now = clock.now()
    patients = db.session.execute(
        access.visible_patients(actor).join(User, User.id == Patient.user_id)
        .with_only_columns(Patient.id, User.name).order_by(User.name)).all()
    audit.record("read", actor=actor, patient_id=None, object_type="digest")
    db.session.commit()
    counts = {pid: PatientCounts(pid, name) for pid, name in patients}
    if not counts:
        return []
    ids = list(counts)

    def per_patient(stmt):
        return dict(db.session.execute(stmt).all())

    for pid, n in per_patient(select(WeeklyCheckin.patient_id, func.count()).where(
            WeeklyCheckin.patient_id.in_(ids), WeeklyCheckin.submitted_at > since).group_by(WeeklyCheckin.patient_id)).items():
        counts[pid].new_checkins = n
    worse = NextDayResponse.WORSE.value
    for pid, n in per_patient(select(ExerciseSession.patient_id, func.count()).where(
            ExerciseSession.patient_id.in_(ids), ExerciseSession.next_day_response == worse,
            ExerciseSession.responded_at > since).group_by(ExerciseSession.patient_id)).items():
        counts[pid].worse_next_day += n
    for pid, n in per_patient(select(GradedActivityPlan.patient_id, func.count()).join(ActivityLog.plan).where(
            GradedActivityPlan.patient_id.in_(ids), ActivityLog.next_day_response == worse,
            ActivityLog.created_at > since).group_by(GradedActivityPlan.patient_id)).items():
        counts[pid].worse_next_day += n
    for pid, n in per_patient(select(RedFlagAlert.patient_id, func.count()).where(
            RedFlagAlert.patient_id.in_(ids), RedFlagAlert.acknowledged_at.is_(None)).group_by(RedFlagAlert.patient_id)).items():
        counts[pid].open_alerts = n
    for pid, n in per_patient(select(Question.patient_id, func.count()).where(
            Question.patient_id.in_(ids), Question.answered_at.is_(None)).group_by(Question.patient_id)).items():
        counts[pid].open_questions = n
    recent = set(db.session.scalars(select(WeeklyCheckin.patient_id).where(
        WeeklyCheckin.patient_id.in_(ids), WeeklyCheckin.submitted_at > now - timedelta(days=QUIET_DAYS))))
    for pid in ids:
        counts[pid].no_checkin_for_two_weeks = pid not in recent
    day_start = rules.at_local(clock.today(), time(0), clock.zone())
    for pid, n in per_patient(select(Appointment.patient_id, func.count()).where(
            Appointment.patient_id.in_(ids), Appointment.starts_at >= day_start,
            Appointment.starts_at < day_start + timedelta(days=1)).group_by(Appointment.patient_id)).items():
        counts[pid].appointments_today = n
    return [c for c in counts.values() if c.anything]
