"""Two-factor sign-in pages: the code step after the password, and enrolment.

Between the password and the code the browser holds only `mfa_pending` in its session (who,
which session generation, since when): Flask-Login knows nobody, so nothing else opens.
"""

from __future__ import annotations

import time

from flask import Blueprint, current_app, flash, redirect, render_template, session, url_for
from flask_login import current_user, login_required, login_user

from careteam.extensions import limiter
from careteam.services import two_factor
from careteam.services.errors import InvalidInput
from careteam.web.forms import show_service_errors
from careteam.web.forms.auth import SecondFactorForm
from careteam.web.hooks import start_session
from careteam.web.login import actor

bp = Blueprint("two_factor", __name__)

PENDING_SECONDS = 300  # the code must follow the password within five minutes


def begin_code_step(user, next_url: str | None) -> None:
    """Called by the sign-in view once the password is right for an account with a second factor."""
    session.clear()
    session["mfa_pending"] = {"u": user.id, "s": user.session_token, "at": time.time(), "next": next_url}


def _pending() -> dict | None:
    pending = session.get("mfa_pending")
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    return pending


def _limit_key() -> str:
    """Code attempts are limited per account: the half-signed-in one, or the enrolling one."""
    pending = _pending()
    if pending:
        return f"mfa:{pending['u']}"
    return f"mfa:{current_user.get_id().partition(':')[0] if current_user.is_authenticated else 'anon'}"


def _failed(response) -> bool:
    return response.status_code not in (201, 302)


_code_limit = limiter.limit(lambda: current_app.config["CARETEAM_MFA_LIMIT_PER_ACCOUNT"],
                            key_func=_limit_key, methods=["POST"], deduct_when=_failed)


@bp.route("/login/code", methods=["GET", "POST"])
@_code_limit
def verify():
    pending = _pending()
    user = two_factor.user_awaiting_code(pending["u"], pending["s"]) if pending else None
    if user is None:
        session.pop("mfa_pending", None)
        flash("Sign in again: the code must follow the password within five minutes.", "info")
        return redirect(url_for("auth.login"))
    form = SecondFactorForm()
    if form.validate_on_submit():
        try:
            method = two_factor.verify_second_factor(user, form.code.data)
        except InvalidInput as error:
            show_service_errors(form, error)
        else:
            session.clear()
            login_user(user)
            start_session()
            if method == "recovery_code":
                flash(f"You signed in with a recovery code; {two_factor.remaining_recovery_codes(user)} "
                      "remain. Each works once.", "info")
            return redirect(pending.get("next") or url_for("home.index"))
    status = 422 if form.is_submitted() else 200
    return render_template("two_factor/verify.html", form=form), status


@bp.route("/account/two-factor", methods=["GET"])
@login_required
def enrol():
    user = actor()
    if user.has_mfa:
        return render_template("two_factor/status.html",
                               remaining=two_factor.remaining_recovery_codes(user))
    return _enrol_page(SecondFactorForm(formdata=None))


def _enrol_page(form, status=200):
    return render_template("two_factor/enrol.html", form=form,
                           enrolment=two_factor.pending_enrolment(actor()),
                           required=two_factor.mfa_required_for(actor())), status


@bp.route("/account/two-factor", methods=["POST"])
@login_required
@_code_limit
def confirm():
    user = actor()
    if user.has_mfa:
        return redirect(url_for("two_factor.enrol"))
    form = SecondFactorForm()
    if form.validate_on_submit():
        try:
            codes = two_factor.confirm_enrolment(user, form.code.data)
        except InvalidInput as error:
            show_service_errors(form, error)
        else:
            # Shown in this response only: never stored in plain text, never put in the session.
            return render_template("two_factor/recovery_codes.html", codes=codes), 201
    return _enrol_page(form, status=422)
