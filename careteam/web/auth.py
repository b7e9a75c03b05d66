"""Signing in and out, and setting a password from a link."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from careteam.domain.redirects import safe_next
from careteam.extensions import limiter
from careteam.services import auth as auth_service
from careteam.services.errors import AuthenticationFailed, InvalidInput
from careteam.web.forms import ActionForm, show_service_errors
from careteam.web.forms.auth import LoginForm, SetPasswordForm
from careteam.web.hooks import start_session
from careteam.web.login import actor
from careteam.web.two_factor import begin_code_step

bp = Blueprint("auth", __name__)


def _account_key() -> str:
    return "signin:" + auth_service.normalise_email(request.form.get("email", ""))[:254]


def _failed(response) -> bool:
    return response.status_code != 302


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["CARETEAM_SIGNIN_LIMIT_PER_ADDRESS"],
               methods=["POST"], deduct_when=_failed)
@limiter.limit(lambda: current_app.config["CARETEAM_SIGNIN_LIMIT_PER_ACCOUNT"],
               key_func=_account_key, methods=["POST"], deduct_when=_failed)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = auth_service.sign_in(form.email.data, form.password.data)
        except AuthenticationFailed as error:
            form.form_errors.append(error.message)
        else:
            next_url = safe_next(request.args.get("next"))
            if user.has_mfa:  # half-signed-in: only the code page opens
                begin_code_step(user, next_url)
                return redirect(url_for("two_factor.verify"))
            session.clear()  # nothing from before sign-in carries over
            login_user(user)
            start_session()
            return redirect(next_url or url_for("home.index"))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    ActionForm()  # CSRF is checked for every POST before the view runs
    auth_service.sign_out(actor())
    logout_user()
    session.clear()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/set-password/<token>", methods=["GET", "POST"])
def set_password(token: str):
    user = auth_service.user_for_link(token)
    if user is None:
        return render_template("auth/link_expired.html"), 404
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            auth_service.set_password_from_link(token, form.password.data)
        except InvalidInput as error:
            show_service_errors(form, error)
        else:
            if current_user.is_authenticated:
                logout_user()
            session.clear()
            flash("Your password is set. Sign in with it now.", "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/set_password.html", form=form, user=user)
