"""Flare-up plan: the plan and its versions, the clinicians' edit form, the patient's one tap."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import login_required

from careteam.domain.policy import Action, Part, Role
from careteam.domain.vocabulary import RED_FLAG_LABELS, TIER_LABELS
from careteam.services import access, patients
from careteam.services import flare as service
from careteam.services.errors import Conflict, InvalidInput
from careteam.web.forms import ActionForm, options, readable_data, show_rule_problems, show_service_errors
from careteam.web.forms.flare import FlarePlanForm
from careteam.web.login import actor
from careteam.web.templating import RecordTab, add_record_tab

bp = Blueprint("flare", __name__)
add_record_tab(RecordTab("flare.plan", "Flare-up plan", Part.FLARE_PLAN, order=80))


@bp.route("/patients/<int:patient_id>/flare-plan")
@login_required
def plan(patient_id: int):
    patient, versions = service.plan_versions(actor(), patient_id)
    return render_template(
        "flare/plan.html", patient=patient, current=versions[0] if versions else None,
        versions=versions, tools_in_order=service.tools_in_order, tier_labels=TIER_LABELS,
        red_flags=list(RED_FLAG_LABELS.values()),
        can_edit=access.may(actor(), patient_id, Part.FLARE_PLAN, Action.WRITE),
    )


def _form_for(editor: service.PlanEditor) -> FlarePlanForm:
    current = editor.current
    form = FlarePlanForm(formdata=None, obj=current)
    form.based_on_version.data = editor.based_on_version
    form.tool_ids.data = [t.id for t in current.tools] if current else []
    form.reason.data = ""
    if not form.seek_help.data:
        form.seek_help.data = service.default_seek_help()
    return form


def _edit_page(patient_id: int, form: FlarePlanForm | None = None, conflict: dict | None = None,
               status: int = 200):
    editor = service.editor(actor(), patient_id)
    form = form or _form_for(editor)
    form.tool_ids.choices = options((t.id, service.tool_label(t)) for t in editor.tool_options)
    return render_template("flare/edit.html", patient=editor.patient, editor=editor, form=form,
                           conflict=conflict), status


@bp.route("/patients/<int:patient_id>/flare-plan/edit")
@login_required
def edit_plan(patient_id: int):
    return _edit_page(patient_id)


@bp.route("/patients/<int:patient_id>/flare-plan/edit", methods=["POST"])
@login_required
def save_plan(patient_id: int):
    form = FlarePlanForm()
    if form.validate_on_submit():
        try:
            service.save_plan(actor(), patient_id, based_on_version=form.based_on_version.data,
                              **form.service_values())
        except InvalidInput as error:
            show_service_errors(form, error)
        except Conflict as conflict:
            # The person's input stays in the fields; saving again builds on what they now see.
            form.rebase(conflict.current["version"] if conflict.current else 0)
            return _edit_page(patient_id, form, conflict=conflict.current, status=409)
        else:
            flash("The flare-up plan is saved as a new version.", "success")
            return redirect(url_for("flare.plan", patient_id=patient_id))
    elif form.is_submitted():  # the plan's rules too, so that every problem shows in this one round
        readable = readable_data(form, ("early_warning_signs", "minimum_activity", "return_to_plan", "seek_help",
                                        "reason", "tool_ids"))
        show_rule_problems(form, service.plan_problems(actor(), patient_id, **readable))
    return _edit_page(patient_id, form, status=422)


@bp.route("/my-record/flare")
@login_required
def flare_now():
    if actor().role_enum != Role.PATIENT:
        return redirect(url_for("home.index"))
    now = service.flare_now(actor())
    return render_template("flare/now.html", now=now, red_flags=list(RED_FLAG_LABELS.values()),
                           default_seek_help=service.default_seek_help(), action_form=ActionForm())


@bp.route("/my-record/flare/day", methods=["POST"])
@login_required
def record_day():
    record = patients.own_record(actor())
    if record is None:
        return redirect(url_for("home.index"))
    service.record_flare_day(actor(), record.id)  # the page then confirms it where the button was
    return redirect(url_for("flare.flare_now", _anchor="flare-day"))
