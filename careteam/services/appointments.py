"""Appointments: clinicians record them; the handover summary's period runs from the last one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from careteam.domain import appointments as rules
from careteam.domain.limits import CONTROL_MESSAGE, has_control_characters
from careteam.domain.policy import CLINICIAN_ROLES, Action, Part
from careteam.domain.vocabulary import APPOINTMENT_KIND_LABELS, AppointmentKind
from careteam.extensions import db
from careteam.models import Appointment, CareTeamMember, Patient, User
from careteam.services import audit, clock, timeline
from careteam.services.access import authorize, visible_patients
from careteam.services.errors import InvalidInput, NotFound

UPCOMING_DAYS = 7
MAX_AHEAD = timedelta(days=2 * 365)


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=clock.zone())


def team_clinicians(patient_id: int) -> list[User]:
    """Clinicians an appointment can be with: the patient's care team."""
    return list(db.session.scalars(
        select(User).join(CareTeamMember, CareTeamMember.clinician_id == User.id)
        .where(CareTeamMember.patient_id == patient_id).order_by(CareTeamMember.discipline, User.name)
    ))


def details_problems(place: str, duration_minutes: int, video_url: str | None) -> dict[str, str]:
    """Every problem with an appointment's place, length and video link, by field."""
    errors: dict[str, str] = {}
    if len(place) > rules.PLACE_MAX:
        errors["place"] = f"Keep the place to {rules.PLACE_MAX} characters."
    elif has_control_characters(place):
        errors["place"] = CONTROL_MESSAGE
    problem = rules.duration_problem(duration_minutes)
    if problem:
        errors["duration_minutes"] = problem
    problem = rules.video_link_problem(video_url) if video_url else None
    if problem:
        errors["video_url"] = problem
    return errors


def _problems(actor: User, patient_id: int, starts_at: datetime | None, kind: str | None,
              clinician_id: int | None, place: str, duration_minutes: int | None,
              video_url: str | None) -> tuple[dict[str, str], User | None]:
    """Every problem with a new appointment by field (None: a value the form could not read),
    and the clinician it is with."""
    errors = details_problems(place, duration_minutes if duration_minutes is not None else rules.DEFAULT_DURATION,
                              video_url)
    if kind is not None and kind not in {k.value for k in AppointmentKind}:
        errors["kind"] = "Choose the kind of appointment."
    if starts_at is not None:
        if starts_at.tzinfo is None:
            raise ValueError("starts_at must be timezone-aware")
        now = clock.now()
        if starts_at < now - MAX_AHEAD or starts_at > now + MAX_AHEAD:
            errors["starts_at"] = "Choose a date within two years of today."
    clinician_id = clinician_id or actor.id
    clinician = next((c for c in team_clinicians(patient_id) if c.id == clinician_id), None)
    if clinician is None or clinician.role_enum not in CLINICIAN_ROLES:
        errors["clinician_id"] = "Choose a clinician on this patient's care team."
    return errors, clinician


def schedule_problems(actor: User, patient_id: int, *, starts_at: datetime | None, kind: str | None,
                      clinician_id: int | None, place: str = "", duration_minutes: int | None = None,
                      video_url: str | None = None) -> dict[str, str]:
    """What `schedule` would refuse, for a form that failed its own checks: one round of errors."""
    patient = authorize(actor, patient_id, Part.APPOINTMENTS, Action.WRITE, object_type="appointment")
    return _problems(actor, patient.id, starts_at, kind, clinician_id, (place or "").strip(), duration_minutes,
                     (video_url or "").strip() or None)[0]


def schedule(actor: User, patient_id: int, starts_at: datetime, kind: str, clinician_id: int | None = None, *,
             place: str = "", duration_minutes: int = rules.DEFAULT_DURATION,
             video_url: str | None = None) -> Appointment:
    """`starts_at` is timezone-aware; `clinician_id` defaults to the actor."""
    patient = authorize(actor, patient_id, Part.APPOINTMENTS, Action.WRITE, object_type="appointment")
    place, video_url = (place or "").strip(), (video_url or "").strip() or None
    errors, clinician = _problems(actor, patient.id, starts_at, kind, clinician_id, place, duration_minutes, video_url)
    if errors:
        raise InvalidInput(errors)
    appointment = Appointment(patient_id=patient.id, clinician_id=clinician.id, starts_at=starts_at, kind=kind,
                              place=place, duration_minutes=duration_minutes, video_url=video_url,
                              created_by_id=actor.id)
    db.session.add(appointment)
    db.session.flush()
    when = starts_at.astimezone(clock.zone())
    audit.record("create", actor=actor, patient_id=patient.id, object_type="appointment", object_id=appointment.id)
    timeline.record_change(actor, patient.id, Part.APPOINTMENTS, "appointment", appointment.id,
                           f"Appointment on {when:%-d %b %Y, %H:%M} with {clinician.name} "
                           f"({APPOINTMENT_KIND_LABELS[AppointmentKind(kind)].lower()}, {duration_minutes} min)")
    db.session.commit()
    return appointment


def cancel(actor: User, patient_id: int, appointment_id: int) -> None:
    patient = authorize(actor, patient_id, Part.APPOINTMENTS, Action.WRITE, object_type="appointment",
                        object_id=appointment_id)
    appointment = db.session.get(Appointment, appointment_id)
    if appointment is None or appointment.patient_id != patient.id:
        raise NotFound()
    when = appointment.starts_at.astimezone(clock.zone())
    db.session.delete(appointment)
    audit.record("delete", actor=actor, patient_id=patient.id, object_type="appointment", object_id=appointment_id)
    timeline.record_change(actor, patient.id, Part.APPOINTMENTS, "appointment", appointment_id,
                           f"Cancelled the appointment on {when:%-d %b %Y, %H:%M}",
                           changes={"cancelled": (False, True)})
    db.session.commit()


def list_appointments(actor: User, patient_id: int) -> tuple[Patient, list[Appointment]]:
    """Upcoming first (soonest first), then past ones (latest first)."""
    patient = authorize(actor, patient_id, Part.APPOINTMENTS, Action.READ, object_type="appointment")
    audit.record("read", actor=actor, patient_id=patient.id, object_type="appointment")
    db.session.commit()  # before loading: a commit expires what was loaded
    rows = list(db.session.scalars(
        select(Appointment).where(Appointment.patient_id == patient.id)
        .options(selectinload(Appointment.clinician)).order_by(Appointment.starts_at)
    ))
    now = clock.now()
    upcoming = [a for a in rows if a.starts_at >= now]
    past = [a for a in rows if a.starts_at < now]
    return patient, upcoming + past[::-1]


def last_appointment_before(patient_id: int, moment: datetime) -> Appointment | None:
    return db.session.scalar(
        select(Appointment).where(Appointment.patient_id == patient_id, Appointment.starts_at < moment)
        .order_by(Appointment.starts_at.desc()).limit(1)
    )


def next_appointment_after(patient_id: int, moment: datetime) -> Appointment | None:
    return db.session.scalar(
        select(Appointment).where(Appointment.patient_id == patient_id, Appointment.starts_at >= moment)
        .order_by(Appointment.starts_at).limit(1)
    )


@dataclass(frozen=True)
class DayOfAppointments:
    day: date
    appointments: list[Appointment]


def upcoming(actor: User, days: int = UPCOMING_DAYS) -> list[DayOfAppointments]:
    """The actor's own appointments from today for `days` days, with patients they may still see."""
    today = clock.today()
    found = _days(actor, _local_midnight(today), _local_midnight(today + timedelta(days=days)))
    audit.record_list(actor, "upcoming_appointments", sum(len(d.appointments) for d in found),
                      start=today.isoformat(), days=days)
    return found


def on_day(actor: User, day: date) -> list[Appointment]:
    """The actor's appointments on one local day (for the day's bundle of PDFs)."""
    found = _days(actor, _local_midnight(day), _local_midnight(day + timedelta(days=1)))
    return found[0].appointments if found else []


def _days(actor: User, start: datetime, end: datetime) -> list[DayOfAppointments]:
    visible = visible_patients(actor).with_only_columns(Patient.id)
    rows = db.session.scalars(
        select(Appointment)
        .where(Appointment.clinician_id == actor.id, Appointment.starts_at >= start, Appointment.starts_at < end,
               Appointment.patient_id.in_(visible))
        .options(selectinload(Appointment.patient).selectinload(Patient.user))
        .order_by(Appointment.starts_at)
    )
    by_day: dict[date, list[Appointment]] = {}
    for appointment in rows:
        by_day.setdefault(appointment.starts_at.astimezone(clock.zone()).date(), []).append(appointment)
    return [DayOfAppointments(day, items) for day, items in by_day.items()]
