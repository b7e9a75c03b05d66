"""Where each role starts, and a health check."""

from __future__ import annotations

from flask import Blueprint, redirect, url_for
from flask_login import current_user, login_required

from careteam.domain.policy import Role

bp = Blueprint("home", __name__)

START_PAGES = {
    Role.PATIENT: "patients.my_record",
    Role.PHYSICIAN: "patients.my_patients",
    Role.PHYSIOTHERAPIST: "patients.my_patients",
    Role.PSYCHOLOGIST: "patients.my_patients",
    Role.ADMIN: "admin.accounts",
}


@bp.route("/")
@login_required
def index():
    return redirect(url_for(START_PAGES[current_user.role_enum]))


@bp.route("/healthz")
def healthz():
    return {"status": "ok"}
