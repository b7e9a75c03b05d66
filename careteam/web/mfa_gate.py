"""With CARETEAM_REQUIRE_MFA on, a clinician or admin without a second factor can only set one up.

Judged from the database on every request, so it holds for sessions that began before the
setting was turned on, and cannot be skipped by going to another address.
"""

from __future__ import annotations

from flask import Flask, flash, redirect, request, url_for
from flask_login import current_user

from careteam.services.two_factor import mfa_required_for
from careteam.web.login import bearer_token

OPEN_ENDPOINTS = {"two_factor.enrol", "two_factor.confirm", "two_factor.verify", "auth.logout",
                  "auth.login", "auth.set_password", "home.healthz", "static"}
MESSAGE = "Your clinic requires two-factor sign-in. Set it up to continue."


def register_mfa_gate(app: Flask) -> None:
    @app.before_request
    def second_factor_required():
        if bearer_token() is not None or request.endpoint in OPEN_ENDPOINTS:
            return None  # API tokens are refused in services/api_tokens.py
        if not current_user.is_authenticated:
            return None
        user = current_user._get_current_object()
        if not mfa_required_for(user) or user.has_mfa:
            return None
        from careteam.web.errors import error_response, wants_json

        if wants_json():
            return error_response(403, MESSAGE)
        flash(MESSAGE, "info")
        return redirect(url_for("two_factor.enrol"))
