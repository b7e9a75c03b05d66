"""Weekly check-ins: the patient's form (phone first), the team's list of weeks and a week's detail."""

from __future__ import annotations

import json
from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required

from careteam.domain.checkins import (
    days_used_key,
    goal_score_key,
    is_week_start,
    needs_emergency_care,
    parse_week,
    rating_key,
    week_start_of,
)
from careteam.domain.policy import Action, Part, Role
from careteam.domain.vocabulary import EFFECT_LABELS, RED_FLAG_LABELS
from careteam.services import access, checkins, patients
from careteam.services.errors import InvalidInput, NotFound
from careteam.web.forms import show_service_errors
from careteam.web.forms.checkins import SHORT_EFFECT_WORDS, checkin_form, previous_answers, signed
from careteam.web.login import actor
from careteam.web.templating import RecordTab, add_record_tab

bp = Blueprint("checkins", __name__)
add_record_tab(RecordTab("checkins.index", "Check-ins", Part.CHECKINS, order=20))



def answers_json(answers: dict, fields) -> str:
    """Last week's answers to these fields as JSON, for checkin.js (a plain str: WTForms escapes it)."""
    return json.dumps({f.name: answers[f.name] for f in fields if answers.get(f.name) is not None})


LABELS = {"effects": EFFECT_LABELS, "effect_words": SHORT_EFFECT_WORDS, "red_flags": RED_FLAG_LABELS,
          "signed": signed, "answers_json": answers_json}
# The names of the form's per-row fields, as the service names its errors.
FIELD_KEYS = {"rating": rating_key, "days_used": days_used_key, "goal_score": goal_score_key}


def _week(text: str) -> date:
    week_start = parse_week(text)
    if week_start is None:
        raise NotFound()
    return week_start


def _week_url(endpoint: str, patient_id: int, week_start: date) -> str:
    return url_for(endpoint, patient_id=patient_id, week=week_start.isoformat())


@bp.route("/my-record/check-in")
@login_required
def current():
    """The patient's "Weekly check-in": this week's form, which lists the missed weeks still open."""
    user = actor()
    if user.role_enum != Role.PATIENT:
        return redirect(url_for("home.index"))
    record = patients.own_record(user)
    if record is None:
        return render_template("patients/no_record.html")
    return redirect(_week_url("checkins.week", record.id, checkins.current_week()))


@bp.route("/patients/<int:patient_id>/check-ins")
@login_required
def index(patient_id: int):
    data = checkins.checkin_index(actor(), patient_id, request.args.get("page", 1, type=int))
    return render_template("checkins/index.html", patient=data.patient, index=data,
                           may_fill=access.may(actor(), patient_id, Part.CHECKINS, Action.WRITE), labels=LABELS)


@bp.route("/patients/<int:patient_id>/check-ins/<week>")
@login_required
def week(patient_id: int, week: str):
    week_start = _week(week)
    if not is_week_start(week_start):
        return redirect(_week_url("checkins.week", patient_id, week_start_of(week_start)))
    if access.may(actor(), patient_id, Part.CHECKINS, Action.WRITE) and checkins.week_window(week_start).editable:
        context = checkins.form_context(actor(), patient_id, week_start)
        return _form_page(context, checkin_form(context, submitted=False))
    return _detail_page(checkins.get_checkin(actor(), patient_id, week_start))


@bp.route("/patients/<int:patient_id>/check-ins/<week>", methods=["POST"])
@login_required
def save(patient_id: int, week: str):
    week_start = _week(week)
    context = checkins.form_context(actor(), patient_id, week_start)
    form = checkin_form(context, submitted=True)
    if form.validate_on_submit():
        try:
            saved = checkins.save_checkin(actor(), patient_id, week_start, form.values())
        except InvalidInput as error:
            show_service_errors(form, error)
        else:
            flash(f"Thank you. Your check-in for the week of {week_start:%-d %B} is saved.", "success")
            return redirect(_week_url("checkins.saved", patient_id, saved.checkin.week_start))
    return _form_page(context, form, status=422)


@bp.route("/patients/<int:patient_id>/check-ins/<week>/saved")
@login_required
def saved(patient_id: int, week: str):
    """The confirmation after saving; with red flags ticked, what to do now comes first."""
    return _detail_page(checkins.get_checkin(actor(), patient_id, _week(week)), just_saved=True)


def _form_page(context: checkins.CheckinContext, form, status: int = 200):
    return render_template("checkins/form.html", patient=context.patient, context=context, form=form,
                           previous_answers=previous_answers(context), keys=FIELD_KEYS, labels=LABELS), status


def _detail_page(detail: checkins.CheckinDetail, just_saved: bool = False):
    user = actor()
    return render_template(
        "checkins/detail.html",
        patient=detail.patient,
        detail=detail,
        checkin=detail.checkin,
        just_saved=just_saved,
        is_patient=user.id == detail.patient.user_id,
        may_edit=detail.window.editable and access.may(user, detail.patient.id, Part.CHECKINS, Action.WRITE),
        emergency=needs_emergency_care(detail.checkin.red_flags),
        labels=LABELS,
    )
