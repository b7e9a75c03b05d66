"""Graded-activity plans: pages.

One plan page serves everyone: the patient sees today's quota, logs what they did and answers
the next-day question (phone first); physiotherapists and psychologists see the engine's
suggestion and accept or override it; the physician reads.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required

from careteam.domain import graded_activity as rules
from careteam.domain.graded_activity import SuggestionKind
from careteam.domain.policy import Action, Part, Relation
from careteam.domain.redirects import safe_next
from careteam.domain.vocabulary import ActivityMode, NextDayResponse
from careteam.services import access, activity_progress, clock
from careteam.services import graded_activity as activity
from careteam.services.errors import Conflict, InvalidInput
from careteam.web.forms import readable_data, show_rule_problems, show_service_errors
from careteam.web.forms.activity import (
    AcceptForm,
    EditPlanForm,
    EndPlanForm,
    NextDayForm,
    OverrideForm,
    PlanForm,
    SessionForm,
    StartForm,
)
from careteam.web.login import actor
from careteam.web.templating import RecordTab, add_record_tab

bp = Blueprint("activity", __name__)
add_record_tab(RecordTab("activity.index", "Graded activity", Part.GRADED_ACTIVITY, order=60))

RECENT = 8  # sessions and quota changes shown before "earlier" folds away


def short_date(value: date) -> str:
    """"20 Nov" this year, "20 Nov 2025" otherwise: short enough for a phone's table."""
    return rules.short_day(value) if value.year == clock.today().year else f"{rules.short_day(value)} {value.year}"


# What the templates need to word amounts, modes and suggestions.
WORDS = {
    "short_date": short_date,
    "recent": RECENT,
    "kind_badges": {SuggestionKind.PROGRESS: "ok", SuggestionKind.STEP_BACK: "danger",
                    SuggestionKind.SCHEDULE: "accent", SuggestionKind.HOLD: ""},
    "amount": rules.amount,
    "number": rules.number,
    "quota_phrase": rules.quota_phrase,
    "mode_labels": rules.MODE_LABELS,
    "mode_hints": rules.MODE_HINTS,
    "suggestion_labels": rules.SUGGESTION_LABELS,
    "status_labels": activity_progress.STATUS_LABELS,
    "visible_steps": rules.visible_steps,
}


def _may(patient_id: int, action: Action) -> bool:
    return access.may(actor(), patient_id, Part.GRADED_ACTIVITY, action)


def _may_log(patient_id: int) -> bool:
    return _may(patient_id, Action.LOG) or _may(patient_id, Action.WRITE)


@bp.route("/patients/<int:patient_id>/activity")
@login_required
def index(patient_id: int):
    patient, plans = activity.list_plans(actor(), patient_id)
    return render_template("activity/index.html", patient=patient, plans=plans,
                           can_write=_may(patient_id, Action.WRITE),
                           patient_view=access.relation_to(actor(), patient_id) == Relation.SELF, **WORDS)


@bp.route("/patients/<int:patient_id>/activity/new", methods=["GET", "POST"])
@login_required
def new_plan(patient_id: int):
    patient = activity.patient_for_new_plan(actor(), patient_id)
    form = PlanForm()
    if form.validate_on_submit():
        try:
            plan = activity.create_plan(actor(), patient_id, activity.PlanInput(**form.values()))
        except InvalidInput as error:
            show_service_errors(form, error)
        else:
            flash("Plan created. Next: at least three baseline sessions.", "success")
            return redirect(url_for("activity.plan", patient_id=patient_id, plan_id=plan.id))
    elif form.is_submitted():  # the plan rules too, so that every problem shows in this one round
        _show_plan_rules(form, patient_id)
    status = 422 if form.is_submitted() else 200
    return render_template("activity/new.html", patient=patient, form=form), status


def _unit_words(unit: str) -> str:
    return rules.UNIT_WORDS[rules.ActivityUnit(unit)][1]


def _session_form(prefix: str, unit: str, given: SessionForm | None, label: str) -> SessionForm:
    form = given or SessionForm(formdata=None, prefix=prefix, data={"performed_on": clock.today()})
    form.done.label.text = label.format(unit=_unit_words(unit))
    return form


def _plan_page(patient_id: int, plan_id: int, *, status: int = 200, conflict: Conflict | None = None, **given):
    detail = activity.get_plan(actor(), patient_id, plan_id)
    progress, plan = detail.progress, detail.plan
    can_write, can_log = _may(patient_id, Action.WRITE), _may_log(patient_id)
    patient_view = access.relation_to(actor(), patient_id) == Relation.SELF
    version = {"version": progress.version}
    forms = {}
    if can_log:
        forms["baseline_form"] = _session_form("baseline", plan.unit, given.get("baseline_form"),
                                               "How many {unit}?")
        forms["log_form"] = _session_form("log", plan.unit, given.get("log_form"),
                                          "How many {unit} did you do?" if patient_view else "{unit} done".capitalize())
        forms["next_day_form"] = given.get("next_day_form") or NextDayForm(formdata=None, prefix="next_day")
    if can_write:
        suggested = progress.suggestion.quota if progress.suggestion else None
        forms["start_form"] = given.get("start_form") or StartForm(
            formdata=None, prefix="start", data={**version, "started_on": clock.today()})
        forms["accept_form"] = given.get("accept_form") or AcceptForm(
            formdata=None, prefix="accept", data={**version, "quota": suggested})
        forms["override_form"] = given.get("override_form") or OverrideForm(
            formdata=None, prefix="override", data=version)
        forms["edit_form"] = given.get("edit_form") or EditPlanForm(formdata=None, prefix="edit", data={
            **version, "activity": plan.activity, "unit": plan.unit, "mode": plan.mode,
            "start_percent": round(plan.start_fraction * 100), "increment": int(plan.increment),
            "increment_every": plan.increment_every, "goal_value": int(plan.goal_value),
            "goal_date": plan.goal_date})
        forms["end_form"] = given.get("end_form") or EndPlanForm(
            formdata=None, prefix="end", data={**version, "ended_on": clock.today()})
    return render_template(
        "activity/plan.html", patient=detail.patient, plan=plan, p=progress, conflict=conflict,
        chart=activity_progress.progress_chart(progress), can_write=can_write, can_log=can_log,
        patient_view=patient_view, today=clock.today(), open_form=given.get("open"),
        in_clinic={log.id for log in plan.logs if log.logged_by_id != detail.patient.user_id},
        **forms, **WORDS,
    ), status


@bp.route("/patients/<int:patient_id>/activity/<int:plan_id>")
@login_required
def plan(patient_id: int, plan_id: int):
    return _plan_page(patient_id, plan_id)


def _done(patient_id: int, plan_id: int, message: str, category: str = "success"):
    flash(message, category)
    target = safe_next(request.form.get("next"))
    return redirect(target or url_for("activity.plan", patient_id=patient_id, plan_id=plan_id))


def _show_plan_rules(form, patient_id: int, check_goal_date: bool = True) -> None:
    readable = readable_data(form, ("activity", "unit", "mode", "start_percent", "increment",
                                    "increment_every", "goal_value", "goal_date"))
    percent = readable.pop("start_percent")
    readable["start_fraction"] = None if percent is None else percent / 100
    problems = activity.new_plan_problems(actor(), patient_id, readable, check_goal_date=check_goal_date)
    show_rule_problems(form, {"start_percent" if k == "start_fraction" else k: v for k, v in problems.items()})


def _submit(patient_id: int, plan_id: int, form, name: str, call, message: str):
    """Validate `form`, call the service, and redirect with `message`; else show the page again
    with the input kept: 422 for bad input, 409 with the current values for a stale version."""
    if form.validate_on_submit():
        try:
            result = call()
        except InvalidInput as error:
            show_service_errors(form, error)
        except Conflict as conflict:
            if hasattr(form, "rebase"):
                form.rebase(conflict.current["version"])
            return _plan_page(patient_id, plan_id, status=409, conflict=conflict,
                              **{name: form, "open": name})
        else:
            return _done(patient_id, plan_id, message(result) if callable(message) else message)
    elif isinstance(form, EditPlanForm) and form.is_submitted():  # every problem in this one round
        _show_plan_rules(form, patient_id, check_goal_date=False)
    return _plan_page(patient_id, plan_id, status=422, **{name: form, "open": name})


@bp.route("/patients/<int:patient_id>/activity/<int:plan_id>/edit", methods=["POST"])
@login_required
def edit_plan(patient_id: int, plan_id: int):
    form = EditPlanForm(prefix="edit")
    return _submit(patient_id, plan_id, form, "edit_form", lambda: activity.update_plan(
        actor(), patient_id, plan_id, form.version.data, form.values()), "Plan saved.")


@bp.route("/patients/<int:patient_id>/activity/<int:plan_id>/end", methods=["POST"])
@login_required
def end_plan(patient_id: int, plan_id: int):
    form = EndPlanForm(prefix="end")
    return _submit(patient_id, plan_id, form, "end_form", lambda: activity.update_plan(
        actor(), patient_id, plan_id, form.version.data, {"ended_on": form.ended_on.data}), "Plan ended.")


@bp.route("/patients/<int:patient_id>/activity/<int:plan_id>/baseline", methods=["POST"])
@login_required
def add_baseline(patient_id: int, plan_id: int):
    form = SessionForm(prefix="baseline")
    return _submit(patient_id, plan_id, form, "baseline_form", lambda: activity.add_baseline(
        actor(), patient_id, plan_id, form.performed_on.data, form.done.data), "Baseline session saved.")


@bp.route("/patients/<int:patient_id>/activity/<int:plan_id>/start", methods=["POST"])
@login_required
def start(patient_id: int, plan_id: int):
    form = StartForm(prefix="start")

    def started(plan) -> str:
        return "Plan started. Today's quota is on this page."

    return _submit(patient_id, plan_id, form, "start_form", lambda: activity.start_plan(
        actor(), patient_id, plan_id, form.version.data, form.started_on.data), started)


@bp.route("/patients/<int:patient_id>/activity/<int:plan_id>/logs", methods=["POST"])
@login_required
def log_session(patient_id: int, plan_id: int):
    form = SessionForm(prefix="log")

    def logged(log) -> str:
        tomorrow = " Tomorrow we will ask how you were." if log.performed_on == clock.today() else ""
        return f"Saved: {rules.number(log.done)} of {rules.amount(log.quota, log.plan.unit)}.{tomorrow}"

    return _submit(patient_id, plan_id, form, "log_form", lambda: activity.log_session(
        actor(), patient_id, plan_id, form.performed_on.data, form.done.data), logged)


@bp.route("/patients/<int:patient_id>/activity/<int:plan_id>/logs/<int:log_id>/next-day", methods=["POST"])
@login_required
def next_day(patient_id: int, plan_id: int, log_id: int):
    form = NextDayForm(prefix="next_day")

    def answered(log) -> str:
        if log.next_day_response == NextDayResponse.YES:
            return ("Thank you, your answer is saved. Your quota goes up once your physiotherapist "
                    "confirms the next step.")
        if log.next_day_response != NextDayResponse.WORSE:
            return "Thank you, your answer is saved."
        if log.plan.mode == ActivityMode.SYMPTOM_GUIDED:
            return ("Thank you. Your physiotherapist will see this and adjust the quota. Scale down for "
                    "now, but keep moving: your flare-up plan has what helps.")
        return "Thank you, your answer is saved and your care team will see it."

    return _submit(patient_id, plan_id, form, "next_day_form", lambda: activity.answer_next_day(
        actor(), patient_id, plan_id, log_id, *form.answer()), answered)


@bp.route("/patients/<int:patient_id>/activity/<int:plan_id>/accept", methods=["POST"])
@login_required
def accept(patient_id: int, plan_id: int):
    form = AcceptForm(prefix="accept")
    return _submit(patient_id, plan_id, form, "accept_form", lambda: activity.decide(
        actor(), patient_id, plan_id, version=form.version.data, accept=True, quota=form.quota.data),
        "Suggestion accepted: today's quota is set.")


@bp.route("/patients/<int:patient_id>/activity/<int:plan_id>/override", methods=["POST"])
@login_required
def override(patient_id: int, plan_id: int):
    form = OverrideForm(prefix="override")
    return _submit(patient_id, plan_id, form, "override_form", lambda: activity.decide(
        actor(), patient_id, plan_id, version=form.version.data, accept=False, quota=form.quota.data,
        reason=form.reason.data), "Quota set, with your reason on the timeline.")
