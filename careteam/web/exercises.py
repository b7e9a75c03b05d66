"""Exercise prescriptions and doses: the record tab, the dose form, and the patient's Today page."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import login_required

from careteam.domain import dosing
from careteam.domain.policy import Action, Part, Role
from careteam.domain.vocabulary import NEXT_DAY_LABELS, NextDayResponse
from careteam.services import access, clock, exercises, graded_activity, patients, questionnaires
from careteam.services.errors import Conflict, InvalidInput
from careteam.web.forms import readable_data, show_rule_problems, show_service_errors
from careteam.web.forms.exercises import (
    DoseChangeForm,
    EditDetailsForm,
    EndForm,
    LogSessionForm,
    NewExerciseForm,
    NextDayForm,
)
from careteam.web.login import actor
from careteam.web.templating import RecordTab, add_record_tab

bp = Blueprint("exercises", __name__)
add_record_tab(RecordTab("exercises.programme", "Exercises", Part.EXERCISE_DOSES, order=50))

# What the patient reads after answering the 24-hour question.
NEXT_DAY_THANKS = {
    NextDayResponse.YES: "Good: your body handled that dose.",
    NextDayResponse.NOT_YET: "Noted. Keep the same dose for now, until you are back to your usual level.",
    NextDayResponse.WORSE: ("Noted, and your physiotherapist will see it. Until you have talked, do an "
                            "easier version: fewer repetitions or less load."),
}


def _conflict_notice(conflict: Conflict) -> dict[str, str]:
    """"Priya Nair changed this exercise at 10:42 while you were editing", and what they changed."""
    last = (conflict.current or {}).get("last_change")
    if not last:
        return {"headline": "Someone changed this exercise while you were editing.", "change": ""}
    at = datetime.fromisoformat(last["at"]).astimezone(clock.zone())
    when = f"at {at:%H:%M}" if at.date() == clock.today() else f"on {at:%-d %b} at {at:%H:%M}"
    return {"headline": f"{last['by']} changed this exercise {when} while you were editing.",
            "change": last["summary"]}


# --- The record tab -----------------------------------------------------------------------------


@bp.route("/patients/<int:patient_id>/exercises")
@login_required
def programme(patient_id: int):
    user = actor()
    page = exercises.programme(user, patient_id)
    return render_template("exercises/programme.html", patient=page.patient, programme=page.programme,
                           may_prescribe=access.may(user, patient_id, Part.EXERCISE_DOSES, Action.WRITE),
                           next_day_labels=NEXT_DAY_LABELS, side_labels=dosing.SIDE_LABELS,
                           source_labels=dosing.SOURCE_LABELS, describe=_describe)


def _describe(dose) -> str:
    return dosing.describe(dosing.dose_of(dose))


def _new_page(patient_id: int, form: NewExerciseForm, status: int = 200):
    patient = exercises.patient_for_prescribing(actor(), patient_id)
    return render_template("exercises/new.html", patient=patient, form=form), status


@bp.route("/patients/<int:patient_id>/exercises/new")
@login_required
def new_exercise(patient_id: int):
    form = NewExerciseForm(formdata=None, effective_from=clock.today(), reason="Starting dose",
                           sets=3, reps=10, sessions_per_week=3)
    return _new_page(patient_id, form)


@bp.route("/patients/<int:patient_id>/exercises/new", methods=["POST"])
@login_required
def create_exercise(patient_id: int):
    form = NewExerciseForm()
    if form.validate_on_submit():
        try:
            prescription = exercises.create_prescription(actor(), patient_id, form.details(), form.dose_values(),
                                                         form.reason.data)
        except InvalidInput as error:
            show_service_errors(form, error)
        else:
            flash("Exercise added to the programme.", "success")
            return redirect(url_for("exercises.programme", patient_id=patient_id))
    elif form.is_submitted():  # the rules too, so that every problem shows in this one round
        show_rule_problems(form, exercises.new_prescription_problems(
            actor(), patient_id, _readable_details(form), readable_data(form, form.DOSE_NAMES),
            readable_data(form, ["reason"])["reason"] or ""))
    return _new_page(patient_id, form, 422)


def _readable_details(form: NewExerciseForm) -> dict:
    return {name: value or "" for name, value in readable_data(form, form.DETAIL_NAMES).items()}


# --- The dose form --------------------------------------------------------------------------------


def _dose_page(patient_id: int, prescription_id: int, form: DoseChangeForm | None = None, status: int = 200,
               conflict: dict[str, str] | None = None):
    page = exercises.dose_page(actor(), patient_id, prescription_id)
    if form is None:
        current = {name: getattr(page.current_dose, name) for name in dosing.DOSE_FIELDS}
        form = DoseChangeForm(formdata=None, **current, effective_from=clock.today(),
                              based_on_version=page.prescription.version)
    elif conflict:
        form.rebase(page.prescription.version)
    return render_template("exercises/dose.html", patient=page.patient, page=page, form=form, conflict=conflict,
                           describe=_describe, next_day_labels=NEXT_DAY_LABELS,
                           source_labels=dosing.SOURCE_LABELS), status


@bp.route("/patients/<int:patient_id>/exercises/<int:prescription_id>/dose")
@login_required
def dose_form(patient_id: int, prescription_id: int):
    return _dose_page(patient_id, prescription_id)


@bp.route("/patients/<int:patient_id>/exercises/<int:prescription_id>/dose", methods=["POST"])
@login_required
def change_dose(patient_id: int, prescription_id: int):
    form = DoseChangeForm()
    if form.validate_on_submit():
        try:
            dose = exercises.change_dose(actor(), patient_id, prescription_id, form.based_on_version.data,
                                         form.dose_values(), form.reason.data)
        except Conflict as conflict:
            return _dose_page(patient_id, prescription_id, form, 409, _conflict_notice(conflict))
        except InvalidInput as error:
            show_service_errors(form, error)
        else:
            flash("New dose saved.", "success")
            return redirect(url_for("exercises.programme", patient_id=patient_id))
    elif form.is_submitted():  # the rules too, so that every problem shows in this one round
        show_rule_problems(form, exercises.dose_change_problems(
            actor(), patient_id, prescription_id, readable_data(form, form.DOSE_NAMES),
            readable_data(form, ["reason"])["reason"] or ""))
    return _dose_page(patient_id, prescription_id, form, 422)


# --- Descriptive fields and ending ------------------------------------------------------------------


def _edit_page(patient_id: int, prescription_id: int, form: EditDetailsForm | None = None,
               end_form: EndForm | None = None, status: int = 200, conflict: dict[str, str] | None = None):
    patient, prescription = exercises.prescription_for_change(actor(), patient_id, prescription_id)
    if form is None:
        form = EditDetailsForm(formdata=None, obj=prescription, based_on_version=prescription.version, reason="")
    if end_form is None:
        end_form = EndForm(formdata=None, prefix="end", ended_on=clock.today(),
                           based_on_version=prescription.version)
    if conflict:
        form.rebase(prescription.version)
        end_form.rebase(prescription.version)
    return render_template("exercises/edit.html", patient=patient, prescription=prescription, form=form,
                           end_form=end_form, conflict=conflict), status


@bp.route("/patients/<int:patient_id>/exercises/<int:prescription_id>/edit")
@login_required
def edit_exercise(patient_id: int, prescription_id: int):
    return _edit_page(patient_id, prescription_id)


@bp.route("/patients/<int:patient_id>/exercises/<int:prescription_id>/edit", methods=["POST"])
@login_required
def update_exercise(patient_id: int, prescription_id: int):
    form = EditDetailsForm()
    if form.validate_on_submit():
        try:
            exercises.edit_prescription(actor(), patient_id, prescription_id, form.based_on_version.data,
                                        form.details(), form.reason.data or "")
        except Conflict as conflict:
            return _edit_page(patient_id, prescription_id, form, None, 409, _conflict_notice(conflict))
        except InvalidInput as error:
            show_service_errors(form, error)
        else:
            flash("Exercise details saved.", "success")
            return redirect(url_for("exercises.programme", patient_id=patient_id))
    elif form.is_submitted():  # the rules too, so that every problem shows in this one round
        show_rule_problems(form, dosing.prescription_problems(readable_data(form, form.DETAIL_NAMES)))
    return _edit_page(patient_id, prescription_id, form, None, 422)


@bp.route("/patients/<int:patient_id>/exercises/<int:prescription_id>/end", methods=["POST"])
@login_required
def end_exercise(patient_id: int, prescription_id: int):
    form = EndForm(prefix="end")
    if form.validate_on_submit():
        try:
            prescription = exercises.end_prescription(actor(), patient_id, prescription_id,
                                                      form.based_on_version.data, form.ended_on.data,
                                                      form.reason.data)
        except Conflict as conflict:
            return _edit_page(patient_id, prescription_id, None, form, 409, _conflict_notice(conflict))
        except InvalidInput as error:
            show_service_errors(form, error)
        else:
            flash("Exercise ended. Its doses and sessions stay in the record.", "success")
            return redirect(url_for("exercises.programme", patient_id=patient_id))
    elif form.is_submitted():
        readable = readable_data(form, ["ended_on", "reason"])
        show_rule_problems(form, exercises.end_problems(actor(), patient_id, prescription_id, readable["ended_on"],
                                                        readable["reason"] or ""))
    return _edit_page(patient_id, prescription_id, None, form, 422)


# --- The patient's Today page -----------------------------------------------------------------------


def _log_form(item: exercises.TodayItem, day) -> LogSessionForm:
    return LogSessionForm(formdata=None, prefix=f"p{item.prescription.id}", performed_on=day,
                          sets_done=item.dose.sets, reps_done=item.dose.reps)


def _today_page(patient_id: int, failed: tuple[int, LogSessionForm] | None = None, status: int = 200):
    activity_today = graded_activity.today_for(actor(), patient_id)
    page = exercises.today(actor(), patient_id)
    forms = {item.prescription.id: _log_form(item, page.day) for item in page.items}
    if failed is not None:
        forms[failed[0]] = failed[1]
    return render_template("exercises/today.html", patient=page.patient, page=page, log_forms=forms,
                           answer_form=NextDayForm(formdata=None), failed_id=failed[0] if failed else None,
                           next_day_labels=NEXT_DAY_LABELS, describe=_describe,
                           activity_today=activity_today,
                           questionnaires_due=questionnaires.due_questionnaires(page.patient.id, page.day)), status


@bp.route("/my-record/today")
@login_required
def today():
    user = actor()
    record = patients.own_record(user)
    if record is None:
        if user.role_enum != Role.PATIENT:
            return redirect(url_for("home.index"))
        return render_template("patients/no_record.html")
    return _today_page(record.id)


@bp.route("/patients/<int:patient_id>/exercises/<int:prescription_id>/sessions", methods=["POST"])
@login_required
def log_session(patient_id: int, prescription_id: int):
    form = LogSessionForm(prefix=f"p{prescription_id}")
    if form.validate_on_submit():
        try:
            exercises.log_session(actor(), patient_id, prescription_id, form.performed_on.data,
                                  form.sets_done.data, form.reps_done.data, form.pain_before.data,
                                  form.pain_after.data)
        except InvalidInput as error:
            show_service_errors(form, error)
        else:
            flash("Session logged. Tomorrow we will ask how you feel.", "success")
            return redirect(url_for("exercises.today"))
    return _today_page(patient_id, (prescription_id, form), 422)


@bp.route("/patients/<int:patient_id>/exercise-sessions/<int:session_id>/next-day", methods=["POST"])
@login_required
def answer_next_day(patient_id: int, session_id: int):
    form = NextDayForm()
    if form.validate_on_submit():
        try:
            exercises.answer_next_day(actor(), patient_id, session_id, form.response.data)
        except InvalidInput as error:
            flash(" ".join(m for messages in error.errors.values() for m in messages), "error")
        else:
            flash(NEXT_DAY_THANKS[NextDayResponse(form.response.data)], "success")
            return redirect(url_for("exercises.today"))
    else:
        flash("Choose yes, not yet or worse.", "error")
    return _today_page(patient_id, status=422)
