"""Where each role starts, and a health check."""

from __future__ import annotations

from flask import Blueprint, redirect, url_for
from flask_login import current_user, login_required

from careteam.domain.policy import Role
from careteam.readiness import readiness
from careteam.web.errors import RETRY_AFTER_SECONDS

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


@bp.route("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico whatever the page links; the icon is an SVG."""
    return redirect(url_for("static", filename="favicon.svg"), code=301)


@bp.route("/healthz")
def healthz():
    """Liveness: the process answers. Touches nothing else, so it stays cheap."""
    return {"status": "ok"}


@bp.route("/readyz")
def readyz():
    """Readiness: every dependency in careteam/readiness.py answers; 503 while one does not."""
    checks = readiness()
    ready = all(checks.values())
    body = {"status": "ready" if ready else "unavailable", "checks": checks}
    headers = {} if ready else {"Retry-After": str(RETRY_AFTER_SECONDS)}
    return body, 200 if ready else 503, headers
