"""Every user's own account: password and personal API tokens (two-factor: web/two_factor.py)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import login_required, login_user

from careteam.services import api_tokens
from careteam.services import auth as auth_service
from careteam.services.errors import InvalidInput
from careteam.web.forms import ActionForm, show_service_errors
from careteam.web.forms.auth import ApiTokenForm, ChangePasswordForm
from careteam.web.hooks import start_session
from careteam.web.login import actor

bp = Blueprint("account", __name__, url_prefix="/account")


def _page(password_form=None, token_form=None, new_token=None, status=200):
    user = actor()
    return render_template(
        "account/index.html",
        password_form=password_form or ChangePasswordForm(formdata=None),
        token_form=token_form or ApiTokenForm(formdata=None, expires_in_days=api_tokens.lifetime_limits()[0]),
        tokens=api_tokens.list_tokens(user),
        token_expiry=api_tokens.expiry,
        token_ended=api_tokens.ended_because,
        max_token_days=api_tokens.lifetime_limits()[1],
        new_token=new_token,
        action_form=ActionForm(),
    ), status


@bp.route("")
@login_required
def index():
    return _page()


@bp.route("/password", methods=["POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = actor()
        try:
            auth_service.change_password(user, form.current_password.data, form.new_password.data)
        except InvalidInput as error:
            show_service_errors(form, error)
        else:
            login_user(user)  # this device stays signed in with the new session token
            start_session()
            flash("Password changed. Every other session has been signed out.", "success")
            return redirect(url_for("account.index"))
    return _page(password_form=form, status=422)


@bp.route("/tokens", methods=["POST"])
@login_required
def create_token():
    form = ApiTokenForm()
    if form.validate_on_submit():
        try:
            _token, plaintext = api_tokens.create_token(actor(), form.name.data, form.expires_in_days.data)
        except InvalidInput as error:
            show_service_errors(form, error)
        else:
            # Shown in this response only: never stored in plain text, never put in the session.
            return _page(new_token=plaintext, status=201)
    return _page(token_form=form, status=422)


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(token_id: int):
    api_tokens.revoke_token(actor(), token_id)
    flash("Token revoked.", "success")
    return redirect(url_for("account.index"))
