"""My patients, my record, the record overview, its care team and its access log."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required

from careteam.domain import graded_activity as activity_rules
from careteam.domain.policy import Action, Part, Role
from careteam.services import access, audit_log, break_glass, patient_list, patients, teams
from careteam.services import record as record_view
from careteam.services.errors import InvalidInput
from careteam.web.forms import ActionForm, options, show_service_errors
from careteam.web.forms.admin import ROLE_LABELS, AddTeamMemberForm
from careteam.web.gate import admins_too
from careteam.web.login import actor

bp = Blueprint("patients", __name__)


@bp.route("/patients")
@login_required
def my_patients():
    user = actor()
    if user.role_enum == Role.PATIENT:
        return redirect(url_for("patients.my_record"))
    if user.role_enum == Role.ADMIN:
        return redirect(url_for("admin.patients"))
    sort = request.args.get("sort", "name")
    return render_template("patients/list.html", rows=patient_list.my_patients(user, sort), sort=sort)


@bp.route("/my-record")
@login_required
def my_record():
    record = patients.own_record(actor())
    if record is None:
        if actor().role_enum != Role.PATIENT:
            return redirect(url_for("home.index"))
        return render_template("patients/no_record.html")
    return redirect(url_for("patients.record", patient_id=record.id))


@bp.route("/patients/<int:patient_id>")
@login_required
def record(patient_id: int):
    board = record_view.dashboard(actor(), patient_id)
    return render_template("patients/record.html", patient=board.patient, board=board,
                           readable={part.value for part in board.readable}, amount=activity_rules.amount)


def _team_page(patient_id: int, form: AddTeamMemberForm | None = None, status: int = 200):
    user = actor()
    patient, members = teams.get_team(user, patient_id)
    can_invite = access.may(user, patient_id, Part.TEAM, Action.INVITE)
    if can_invite and form is None:
        form = AddTeamMemberForm(formdata=None)
    if can_invite:
        form.clinician_id.choices = options([(0, "Choose a clinician…")] + [
            (c.id, f"{c.name} — {ROLE_LABELS[c.role_enum]}") for c in teams.addable_clinicians(user, patient_id)
        ])
    return render_template(
        "patients/team.html",
        patient=patient,
        members=members,
        add_form=form if can_invite else None,
        can_remove=access.may(user, patient_id, Part.TEAM, Action.WRITE),
        action_form=ActionForm(),
        role_labels=ROLE_LABELS,
    ), status


@bp.route("/patients/<int:patient_id>/team")
@login_required
@admins_too
def team(patient_id: int):
    return _team_page(patient_id)


@bp.route("/patients/<int:patient_id>/team", methods=["POST"])
@login_required
@admins_too
def add_team_member(patient_id: int):
    form = AddTeamMemberForm()
    form.clinician_id.choices = None  # validated by the service against the database
    form.clinician_id.validate_choice = False
    if form.validate_on_submit():
        try:
            member = teams.add_member(actor(), patient_id, form.clinician_id.data)
        except InvalidInput as error:
            show_service_errors(form, error)
        else:
            flash("The clinician joined the care team.", "success")
            return redirect(url_for("patients.team", patient_id=patient_id))
    return _team_page(patient_id, form, status=422)


@bp.route("/patients/<int:patient_id>/team/<int:clinician_id>/remove", methods=["POST"])
@login_required
@admins_too
def remove_team_member(patient_id: int, clinician_id: int):
    teams.remove_member(actor(), patient_id, clinician_id)
    flash("Removed from the care team.", "success")
    return redirect(url_for("patients.team", patient_id=patient_id))


@bp.route("/patients/<int:patient_id>/access-log")
@login_required
@admins_too
def access_log(patient_id: int):
    show_all = request.args.get("all") == "1"
    log = audit_log.access_log(actor(), patient_id, request.args.get("page", 1, type=int), include_patient=show_all)
    return render_template("patients/access_log.html", patient=log.patient, page=log.page, show_all=show_all,
                           patient_own_hidden=log.patient_own_hidden,
                           emergency_grants=break_glass.grants_for_record(actor(), patient_id))
