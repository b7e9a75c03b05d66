"""Appointments of a patient, and a clinician's upcoming appointments with their handover PDFs."""

from __future__ import annotations

from datetime import date, datetime

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required

from careteam.domain.appointments import DEFAULT_DURATION
from careteam.domain.policy import Action, Part
from careteam.services import access, appointments, clock
from careteam.services.errors import InvalidInput, NotFound
from careteam.summary.export import day_bundle_pdf
from careteam.web.forms import ActionForm, options, show_service_errors
from careteam.web.forms.admin import ROLE_LABELS
from careteam.web.forms.appointments import AppointmentForm
from careteam.web.login import actor
from careteam.web.summary import pdf_response
from careteam.web.templating import RecordTab, add_record_tab

bp = Blueprint("appointments", __name__)


@bp.app_template_filter("clock_time")
def clock_time(value: datetime) -> str:
    """The local time of day, e.g. 14:30 (the clinic's time zone)."""
    return value.astimezone(clock.zone()).strftime("%H:%M")

add_record_tab(RecordTab("appointments.index", "Appointments", Part.APPOINTMENTS, order=115))


def _page(patient_id: int, form: AppointmentForm | None = None, status: int = 200):
    user = actor()
    patient, items = appointments.list_appointments(user, patient_id)
    can_write = access.may(user, patient_id, Part.APPOINTMENTS, Action.WRITE)
    if can_write:
        form = form or AppointmentForm(formdata=None, clinician_id=user.id, day=clock.today())
        form.clinician_id.choices = options((c.id, f"{c.name} ({ROLE_LABELS.get(c.role, c.role)})")
                                            for c in appointments.team_clinicians(patient.id))
    return render_template("appointments/index.html", patient=patient, items=items, form=form if can_write else None,
                           action_form=ActionForm(), now=clock.now()), status


@bp.route("/patients/<int:patient_id>/appointments")
@login_required
def index(patient_id: int):
    return _page(patient_id)


@bp.route("/patients/<int:patient_id>/appointments", methods=["POST"])
@login_required
def create(patient_id: int):
    form = AppointmentForm()
    form.clinician_id.choices = None
    form.clinician_id.validate_choice = False
    if form.validate_on_submit():
        starts_at = datetime.combine(form.day.data, form.at.data, tzinfo=clock.zone())
        try:
            appointments.schedule(actor(), patient_id, starts_at, form.kind.data, form.clinician_id.data,
                                  place=form.place.data or "",
                                  duration_minutes=form.duration_minutes.data or DEFAULT_DURATION,
                                  video_url=form.video_url.data)
        except InvalidInput as error:
            show_service_errors(form, error)
        else:
            flash("Appointment recorded.", "success")
            return redirect(url_for("appointments.index", patient_id=patient_id))
    elif form.is_submitted():
        _add_service_problems(form, patient_id)
    return _page(patient_id, form, status=422)


def _add_service_problems(form: AppointmentForm, patient_id: int) -> None:
    """The service's checks on whatever the form could read, so every problem shows at once."""
    def usable(name: str):
        return None if form[name].errors else form[name].data

    day, at = usable("day"), usable("at")
    starts_at = datetime.combine(day, at, tzinfo=clock.zone()) if day and at else None
    problems = appointments.schedule_problems(
        actor(), patient_id, starts_at=starts_at, kind=usable("kind"), clinician_id=usable("clinician_id"),
        place=usable("place") or "", duration_minutes=usable("duration_minutes"), video_url=usable("video_url"))
    show_service_errors(form, InvalidInput({name: message for name, message in problems.items()
                                            if name not in form.errors}))


@bp.route("/patients/<int:patient_id>/appointments/<int:appointment_id>/cancel", methods=["POST"])
@login_required
def cancel(patient_id: int, appointment_id: int):
    appointments.cancel(actor(), patient_id, appointment_id)
    flash("Appointment cancelled.", "success")
    return redirect(url_for("appointments.index", patient_id=patient_id))


@bp.route("/appointments/upcoming")
@login_required
def upcoming():
    days = min(max(request.args.get("days", appointments.UPCOMING_DAYS, type=int), 1), 60)
    return render_template("appointments/upcoming.html", days=appointments.upcoming(actor(), days), span=days)


@bp.route("/appointments/<day>/handover.pdf")
@login_required
def day_bundle(day: str):
    try:
        chosen = date.fromisoformat(day)
    except ValueError:
        raise NotFound() from None
    return pdf_response(*day_bundle_pdf(actor(), chosen))
