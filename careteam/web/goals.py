"""Functional goals: pages (the goals with their progress, one goal with its scores)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import login_required

from careteam.domain.goals import ALLOWED_TRANSITIONS, REOPENED_FROM, STATUS_LABELS
from careteam.domain.policy import Action, Part
from careteam.domain.vocabulary import GoalStatus
from careteam.services import access, goals
from careteam.services.errors import Conflict, InvalidInput
from careteam.summary.charts import PALETTE, LineChart, Series, render_line_chart
from careteam.web.forms import distinct_ids, options, readable_data, show_rule_problems, show_service_errors
from careteam.web.forms.goals import EditGoalForm, GoalForm, GoalScoreForm, GoalStatusForm
from careteam.web.login import actor
from careteam.web.templating import RecordTab, add_record_tab

bp = Blueprint("goals", __name__)
add_record_tab(RecordTab("goals.index", "Goals", Part.GOALS, order=40))

SCORE_SOURCES = {"checkin": "weekly check-in", "patient": "the patient", "physician": "physician",
                 "physiotherapist": "physiotherapist", "psychologist": "psychologist"}
STATUS_ACTIONS = {GoalStatus.PAUSED: "Pause", GoalStatus.ACHIEVED: "Mark as achieved", GoalStatus.DROPPED: "Drop"}


@bp.app_template_global()
def goal_status_label(value: str) -> str:
    return STATUS_LABELS.get(value, value)


@bp.app_template_global()
def score_source(value: str) -> str:
    return SCORE_SOURCES.get(value, value)


def _may(patient_id: int, action: Action) -> bool:
    return access.may(actor(), patient_id, Part.GOALS, action)


def _may_score(patient_id: int) -> bool:
    return _may(patient_id, Action.WRITE) or _may(patient_id, Action.LOG)


def _score_chart(goal: goals.GoalProgress):
    if not goal.scores:
        return None
    count = len(goal.scores)
    return render_line_chart(LineChart(
        title=f"Ability scores: {goal.activity}",
        description=f"Scores from 0 (unable) to 10 (as before the pain); baseline {goal.baseline_score}, "
                    f"target {goal.target_score}.",
        x_labels=[s.scored_on.strftime("%-d %b") for s in goal.scores],
        series=[
            Series("Score", [s.score for s in goal.scores]),
            Series("Baseline", [goal.baseline_score] * count, dashed=True, show_points=False),
            Series("Target", [goal.target_score] * count, color=PALETTE[4], dashed=True, show_points=False),
        ],
        y_label="Ability 0–10, higher is better",
    ))


@bp.route("/patients/<int:patient_id>/goals")
@login_required
def index(patient_id: int):
    patient, progress = goals.list_goals(actor(), patient_id)
    return render_template("goals/index.html", patient=patient, goals=progress,
                           can_write=_may(patient_id, Action.WRITE), can_score=_may_score(patient_id))


@bp.route("/patients/<int:patient_id>/goals/new", methods=["GET", "POST"])
@login_required
def new(patient_id: int):
    patient = goals.patient_for_adding(actor(), patient_id)
    form = GoalForm()
    if form.validate_on_submit():
        try:
            goals.create_goal(actor(), patient_id, form.values())
        except InvalidInput as error:
            show_service_errors(form, error)
        else:
            flash("Goal added.", "success")
            return redirect(url_for("goals.index", patient_id=patient_id))
    elif form.is_submitted():  # the goal rules too, so that every problem shows in this one round
        readable = readable_data(form, ("activity", "baseline_score", "target_score", "target_date"))
        show_rule_problems(form, goals.new_goal_problems(actor(), patient_id, readable))
    status = 422 if form.is_submitted() else 200
    return render_template("goals/new.html", patient=patient, form=form), status


def _status_form(goal: goals.GoalProgress, form: GoalStatusForm | None) -> GoalStatusForm:
    form = form or GoalStatusForm(formdata=None, data={"version": goal.version})
    current = GoalStatus(goal.status)
    if current in REOPENED_FROM:
        form.reason.description = "Needed to reopen the goal: why is it active again?"
    form.status.choices = options((s.value, _action_label(current, s))
                                  for s in GoalStatus if s in ALLOWED_TRANSITIONS[current])
    return form


def _action_label(current: GoalStatus, new: GoalStatus) -> str:
    if new == GoalStatus.ACTIVE:
        return "Resume" if current == GoalStatus.PAUSED else "Reopen"
    return STATUS_ACTIONS[new]


def _detail_page(patient_id: int, goal_id: int, *, edit_form=None, status_form=None, score_form=None,
                 conflict: dict | None = None, status: int = 200):
    patient, goal = goals.get_goal(actor(), patient_id, goal_id)
    can_write = _may(patient_id, Action.WRITE)
    return render_template(
        "goals/detail.html", patient=patient, goal=goal, chart=_score_chart(goal), conflict=conflict,
        edit_form=distinct_ids(edit_form or EditGoalForm(formdata=None, obj=goal), "edit") if can_write else None,
        status_form=distinct_ids(_status_form(goal, status_form), "status") if can_write else None,
        score_form=distinct_ids(score_form or GoalScoreForm(formdata=None), "score") if _may_score(patient_id) else None,
    ), status


@bp.route("/patients/<int:patient_id>/goals/<int:goal_id>")
@login_required
def detail(patient_id: int, goal_id: int):
    return _detail_page(patient_id, goal_id)


def _saved(patient_id: int, goal_id: int, message: str):
    flash(message, "success")
    return redirect(url_for("goals.detail", patient_id=patient_id, goal_id=goal_id))


@bp.route("/patients/<int:patient_id>/goals/<int:goal_id>/edit", methods=["POST"])
@login_required
def edit(patient_id: int, goal_id: int):
    form = EditGoalForm()
    if form.validate_on_submit():
        try:
            goals.edit_goal(actor(), patient_id, goal_id, form.version.data, form.values(), form.reason.data or "")
        except InvalidInput as error:
            show_service_errors(form, error)
        except Conflict as conflict:
            form.rebase(conflict.current["version"])
            return _detail_page(patient_id, goal_id, edit_form=form, conflict=conflict.current, status=409)
        else:
            return _saved(patient_id, goal_id, "Goal saved.")
    else:  # the goal rules too, so that every problem shows in this one round
        readable = readable_data(form, ("activity", "baseline_score", "target_score", "target_date"))
        show_rule_problems(form, goals.new_goal_problems(actor(), patient_id, readable))
    return _detail_page(patient_id, goal_id, edit_form=form, status=422)


@bp.route("/patients/<int:patient_id>/goals/<int:goal_id>/status", methods=["POST"])
@login_required
def change_status(patient_id: int, goal_id: int):
    form = GoalStatusForm()
    if form.validate_on_submit():
        try:
            goals.change_status(actor(), patient_id, goal_id, form.version.data, form.status.data,
                                form.reason.data or "")
        except InvalidInput as error:
            show_service_errors(form, error)
        except Conflict as conflict:
            form.rebase(conflict.current["version"])
            return _detail_page(patient_id, goal_id, status_form=form, conflict=conflict.current, status=409)
        else:
            return _saved(patient_id, goal_id, f"Goal is now {goal_status_label(form.status.data).lower()}.")
    return _detail_page(patient_id, goal_id, status_form=form, status=422)


@bp.route("/patients/<int:patient_id>/goals/<int:goal_id>/scores", methods=["POST"])
@login_required
def add_score(patient_id: int, goal_id: int):
    form = GoalScoreForm()
    if form.validate_on_submit():
        try:
            goals.add_score(actor(), patient_id, goal_id, form.score.data, form.scored_on.data)
        except InvalidInput as error:
            show_service_errors(form, error)
        else:
            return _saved(patient_id, goal_id, "Score added.")
    else:
        show_rule_problems(form, goals.score_problems(None, readable_data(form, ("scored_on",))["scored_on"]))
    return _detail_page(patient_id, goal_id, score_form=form, status=422)
