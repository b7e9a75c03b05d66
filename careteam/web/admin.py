"""The clinic admin's pages: accounts, patient records, care teams, the audit trail.

Every service called here refuses non-admins; an admin never sees clinical content.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required

from careteam.services import accounts, audit_log, auth, patients, two_factor
from careteam.services.errors import Conflict, InvalidInput
from careteam.web.forms import ActionForm, options, show_service_errors
from careteam.web.forms.admin import (ROLE_LABELS, AccountEditForm, AccountForm, AuditFilterForm,
                                      PatientRecordForm)
from careteam.web.login import actor

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/accounts", endpoint="accounts")
@login_required
def accounts_list():
    page = accounts.list_accounts(
        actor(),
        query=request.args.get("q", ""),
        role=request.args.get("role", ""),
        page=request.args.get("page", 1, type=int),
    )
    return render_template("admin/accounts.html", page=page, role_labels=ROLE_LABELS,
                           q=request.args.get("q", ""), role=request.args.get("role", ""))


@bp.route("/accounts/new", methods=["GET", "POST"])
@login_required
def new_account():
    accounts.check_admin(actor())
    form = AccountForm()
    if form.validate_on_submit():
        try:
            user = accounts.create_account(actor(), form.email.data, form.name.data, form.role.data)
        except InvalidInput as error:
            show_service_errors(form, error)
        else:
            flash("Account created. Issue a set-password link so they can sign in.",
                  "success")
            return redirect(url_for("admin.account", user_id=user.id))
    status = 422 if form.is_submitted() else 200
    return render_template("admin/account_new.html", form=form), status


def _account_page(user_id: int, *, link: str | None = None, emailed: bool = False,
                  record_form: PatientRecordForm | None = None, edit_form: AccountEditForm | None = None,
                  status: int = 200):
    user, record = accounts.get_account(actor(), user_id)
    if edit_form is None:
        edit_form = AccountEditForm(formdata=None, obj=user)
    return render_template(
        "admin/account.html",
        user=user,
        record=record,
        link=link,
        emailed=emailed,
        record_form=record_form or PatientRecordForm(formdata=None),
        edit_form=edit_form,
        action_form=ActionForm(),
        role_labels=ROLE_LABELS,
    ), status


@bp.route("/accounts/<int:user_id>")
@login_required
def account(user_id: int):
    return _account_page(user_id)


@bp.route("/accounts/<int:user_id>/edit", methods=["POST"])
@login_required
def edit_account(user_id: int):
    form = AccountEditForm()
    values = dict(name=form.name.data or "", email=form.email.data or "", role=form.role.data or "")
    if form.validate_on_submit():
        try:
            accounts.update_account(actor(), user_id, **values)
        except InvalidInput as error:
            show_service_errors(form, error)
        except Conflict as error:  # the e-mail address is taken
            show_service_errors(form, InvalidInput(error.errors))
            return _account_page(user_id, edit_form=form, status=409)
        else:
            flash("Account details saved.", "success")
            return redirect(url_for("admin.account", user_id=user_id))
    else:
        # The service's own checks too, so every problem shows in this one round.
        problems = accounts.account_change_problems(actor(), user_id, **values)
        show_service_errors(form, InvalidInput({k: v for k, v in problems.items() if not form[k].errors}))
    return _account_page(user_id, edit_form=form, status=422)


@bp.route("/accounts/<int:user_id>/deactivate", methods=["POST"])
@login_required
def deactivate(user_id: int):
    try:
        user = accounts.set_active(actor(), user_id, False)
    except InvalidInput as error:
        for messages in error.errors.values():
            for message in messages:
                flash(message, "error")
    else:
        flash("The account is deactivated and signed out everywhere.", "success")
    return redirect(url_for("admin.account", user_id=user_id))


@bp.route("/accounts/<int:user_id>/reactivate", methods=["POST"])
@login_required
def reactivate(user_id: int):
    user = accounts.set_active(actor(), user_id, True)
    flash("The account can sign in again.", "success")
    return redirect(url_for("admin.account", user_id=user_id))


@bp.route("/accounts/<int:user_id>/set-password-link", methods=["POST"])
@login_required
def set_password_link(user_id: int):
    try:
        link, emailed = auth.issue_set_password_link(actor(), user_id)
    except InvalidInput as error:
        for messages in error.errors.values():
            for message in messages:
                flash(message, "error")
        return redirect(url_for("admin.account", user_id=user_id))
    if link is None:  # a reset link: it went to the owner only
        flash("A password reset link was e-mailed to the account's owner. It is not shown here.", "success")
        return redirect(url_for("admin.account", user_id=user_id))
    # Shown in this response only, never put in the session cookie.
    return _account_page(user_id, link=link, emailed=emailed, status=201)


@bp.route("/accounts/<int:user_id>/reset-two-factor", methods=["POST"])
@login_required
def reset_two_factor(user_id: int):
    ActionForm()  # CSRF is checked for every POST before the view runs
    two_factor.reset_second_factor(actor(), user_id)
    flash("Two-factor sign-in reset: the person is signed out everywhere, their API tokens ended, "
          "and they are told by e-mail where e-mail is configured. They set it up again at their next sign-in.",
          "success")
    return redirect(url_for("admin.account", user_id=user_id))


@bp.route("/accounts/<int:user_id>/patient-record", methods=["POST"])
@login_required
def create_patient_record(user_id: int):
    form = PatientRecordForm()
    if form.validate_on_submit():
        try:
            patients.create_patient_record(actor(), user_id, form.date_of_birth.data)
        except InvalidInput as error:
            show_service_errors(form, error)
        else:
            flash("Patient record created. Add the care team next.", "success")
            return redirect(url_for("admin.account", user_id=user_id))
    return _account_page(user_id, record_form=form, status=422)


@bp.route("/patients", endpoint="patients")
@login_required
def patients_list():
    return render_template("admin/patients.html", patients=patients.list_patients_for_admin(actor()),
                           role_labels=ROLE_LABELS)


@bp.route("/audit")
@login_required
def audit():
    form = AuditFilterForm(request.args)
    form.action.choices = options([("", "Any")] + [(a, a) for a in audit_log.known_actions(actor())])
    if not form.validate():
        # Listing the unfiltered trail under filters that were not applied would mislead.
        return render_template("admin/audit.html", form=form, page=None, args={}), 422
    patient_id = (form.patient_id.data or "").strip()
    filters = audit_log.AuditFilter(
        user_email=form.user_email.data or "",
        patient_id=int(patient_id) if patient_id else None,
        action=form.action.data or "",
        outcome=form.outcome.data or "",
        since=form.since.data,
        until=form.until.data,
    )
    page = audit_log.search(actor(), filters, request.args.get("page", 1, type=int))
    args = {k: v for k, v in request.args.items() if k != "page"}
    return render_template("admin/audit.html", form=form, page=page, args=args)
