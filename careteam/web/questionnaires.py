"""Questionnaires: the Measures tab (scores, trends, assignments), the answer page and a response."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import login_required
from markupsafe import Markup

from careteam.domain.policy import Action, Part, Role
from careteam.services import access, measures, questionnaires
from careteam.services.errors import InvalidInput, NotFound
from careteam.services.instruments import catalogue
from careteam.summary.charts import LineChart, Series, nice_ticks, render_small_multiples
from careteam.web.forms import ActionForm, options, show_service_errors
from careteam.web.forms.questionnaires import AssignForm
from careteam.web.login import actor
from careteam.web.templating import RecordTab, add_record_tab

bp = Blueprint("questionnaires", __name__)
add_record_tab(RecordTab("questionnaires.measures", "Measures", Part.QUESTIONNAIRES, order=45))


def _measure_chart(measure: dict) -> LineChart:
    points = measure["points"]
    low, high = measure["score_range"]
    direction = "higher is worse" if measure.get("higher_is_worse", True) else "higher is better"
    return LineChart(
        title=f"{measure['short_title']} over time", heading=measure["short_title"],
        y_label=f"{_plain(low)}–{_plain(high)}, {direction}", x_labels=[p["on"].strftime("%-d %b") for p in points],
        series=[Series(measure["short_title"], [p["score"] for p in points])], y_min=low, y_max=high,
        y_ticks=nice_ticks(low, high), point_word="scores",
        description=f"{measure['short_title']} scores from {points[0]['on']:%-d %b %Y} to {points[-1]['on']:%-d %b %Y}",
    )


def _plain(number: float) -> str:
    return f"{number:g}"


@bp.app_template_global()
def measure_charts(measures: list[dict], leave_out: tuple[str, ...] = ()) -> Markup:
    """The trend of every measure with two or more scores, one small chart each with its own axis
    and direction, for the tab, the summary page and the PDF; `leave_out`: instruments charted
    elsewhere on the page (the summary's trends show the PEG)."""
    charts = [_measure_chart(m) for m in measures
              if m["instrument"] not in leave_out and sum(p["score"] is not None for p in m["points"]) > 1]
    return render_small_multiples(charts, "Measures over time") if charts else Markup("")


@bp.app_template_global()
def crisis_contacts() -> dict:
    config = current_app.config
    return {"phone": config["CARETEAM_CLINIC_PHONE"], "hours": config["CARETEAM_CLINIC_HOURS"],
            "emergency": config["CARETEAM_EMERGENCY_NUMBER"]}


def _assign_form(form: AssignForm | None = None) -> AssignForm:
    form = form or AssignForm(formdata=None)
    form.instrument.choices = options([("", "Choose…")] + [(i.id, i.title) for i in catalogue() if i.assignable])
    return form


def _measures_page(patient_id: int, form: AssignForm | None = None, status: int = 200):
    user = actor()
    views = questionnaires.list_assignments(user, patient_id)
    responses = questionnaires.list_responses(user, patient_id)
    may_assign = access.may(user, patient_id, Part.QUESTIONNAIRES, Action.WRITE)
    patient = access.authorize(user, patient_id, Part.QUESTIONNAIRES, Action.READ)
    return render_template(
        "questionnaires/measures.html", patient=patient, measures=measures.measures_overview(patient.id),
        assignments=views, responses=responses[:20], instruments=catalogue(),
        assign_form=_assign_form(form) if may_assign else None, may_assign=may_assign,
        own=user.role_enum == Role.PATIENT,
    ), status


@bp.route("/patients/<int:patient_id>/measures", endpoint="measures")
@login_required
def measures_tab(patient_id: int):
    return _measures_page(patient_id)


@bp.route("/patients/<int:patient_id>/questionnaires/assignments", methods=["POST"])
@login_required
def assign(patient_id: int):
    form = _assign_form(AssignForm())
    form.instrument.validate_choice = False  # the service names an unknown instrument
    if form.validate_on_submit():
        try:
            questionnaires.assign(actor(), patient_id, form.instrument.data, form.starts_on.data, form.every_weeks.data)
        except InvalidInput as error:
            show_service_errors(form, error)
        else:
            flash("Questionnaire assigned.", "success")
            return redirect(url_for("questionnaires.measures", patient_id=patient_id))
    return _measures_page(patient_id, form, status=422)


def _parse_answers(found) -> tuple[list[dict], dict[str, str]]:
    answers, missing = [], {}
    for item in found.items:
        raw = request.form.get(f"item-{item.link_id}", "")
        if raw == "":
            missing[item.link_id] = "Choose an answer."
            continue
        try:
            answers.append({"linkId": item.link_id, "value": int(raw)})
        except ValueError:
            missing[item.link_id] = "Choose one of the answers shown."
    return answers, missing


def _answer_page(patient_id: int, found, view, chosen: dict, errors: dict, status: int = 200):
    patient = access.authorize(actor(), patient_id, Part.QUESTIONNAIRES, Action.READ)
    return render_template("questionnaires/answer.html", patient=patient, instrument=found, assignment=view,
                           chosen=chosen, errors=errors, form=ActionForm(),
                           on_behalf=actor().role_enum != Role.PATIENT,
                           answered_on=request.form.get("answered_on", "")), status


@bp.route("/patients/<int:patient_id>/questionnaires/<instrument_id>/answer", methods=["GET", "POST"])
@login_required
def answer(patient_id: int, instrument_id: str):
    user = actor()
    found, view = questionnaires.answer_form(user, patient_id, instrument_id)
    if request.method == "GET":
        return _answer_page(patient_id, found, view, {}, {})
    if not ActionForm().validate_on_submit():
        return _answer_page(patient_id, found, view, {}, {"_": "The form expired; please send it again."}, 400)
    answers, errors = _parse_answers(found)
    chosen = {a["linkId"]: a["value"] for a in answers}
    answered_on = None
    if user.role_enum != Role.PATIENT and request.form.get("answered_on"):
        try:
            answered_on = date.fromisoformat(request.form["answered_on"])
        except ValueError:
            errors["answered_on"] = "Give the date the answers were given."
    if not errors:
        try:
            done = questionnaires.submit_response(user, patient_id, found.id, answers, answered_on)
        except InvalidInput as error:
            errors = {key.removeprefix("answers."): " ".join(messages) for key, messages in error.errors.items()}
        else:
            return redirect(url_for("questionnaires.response", patient_id=patient_id, response_id=done.response.id))
    return _answer_page(patient_id, found, view, chosen, errors, 422)


@bp.route("/patients/<int:patient_id>/questionnaires/responses/<int:response_id>")
@login_required
def response(patient_id: int, response_id: int):
    user = actor()
    found = next((r for r in questionnaires.list_responses(user, patient_id) if r.id == response_id), None)
    instrument = found and catalogue().get(found.instrument_id)
    if found is None or instrument is None:
        raise NotFound()
    patient = access.authorize(user, patient_id, Part.QUESTIONNAIRES, Action.READ)
    safety = [f for f in found.flags if any(fl.id == f and fl.safety for fl in instrument.flags)]
    return render_template("questionnaires/response.html", patient=patient, response=found, instrument=instrument,
                           answers={a.link_id: a.value for a in found.answers}, safety=safety,
                           own=user.role_enum == Role.PATIENT)
