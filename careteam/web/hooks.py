"""What every request goes through: request id, session limits, CSRF, headers, access log."""

from __future__ import annotations

import logging
import re
import time
import uuid
from datetime import datetime, timedelta, timezone

from urllib.parse import urlsplit

from flask import Flask, current_app, flash, g, redirect, request, session, url_for
from flask_login import current_user, logout_user

from careteam.domain.redirects import safe_next
from careteam.domain.sessions import SessionState, session_state
from careteam.extensions import csrf, login_manager
from careteam.services.audit import write_pending_denials
from careteam.web.login import bearer_token, is_api_request

access_logger = logging.getLogger("careteam.access")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9-]{8,36}$")
_SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
_LAST_SEEN_RESOLUTION = 30  # seconds; fewer cookie rewrites

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def _now() -> float:
    """Wall-clock seconds; one place for tests to move the clock of session limits."""
    return time.time()


def start_session() -> None:
    """Stamp a freshly signed-in session with its start time."""
    now = _now()
    session["signed_in_at"] = now
    session["last_seen_at"] = now


def touch_session() -> None:
    """The person is here ("Stay signed in"): the idle timeout starts again."""
    session["last_seen_at"] = _now()


def _form_page() -> str | None:
    """The page a form was sent from, if it is on this site (for going back after sign-in)."""
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc and referrer.netloc != request.host:
        return None
    return safe_next(referrer.path + (f"?{referrer.query}" if referrer.query else ""))


def _enforce_session_limits() -> bool:
    """End a session past its limits; True if this request ended it."""
    if "_user_id" not in session:
        return False
    now = _now()
    signed_in_at = session.get("signed_in_at")
    last_seen_at = session.get("last_seen_at", signed_in_at)
    config = current_app.config
    state = SessionState.LIFETIME_EXPIRED
    if signed_in_at is not None:
        state = session_state(
            now=datetime.fromtimestamp(now, timezone.utc),
            signed_in_at=datetime.fromtimestamp(signed_in_at, timezone.utc),
            last_seen_at=datetime.fromtimestamp(last_seen_at, timezone.utc),
            idle_timeout=timedelta(minutes=config["CARETEAM_IDLE_TIMEOUT_MINUTES"]),
            lifetime=timedelta(hours=config["CARETEAM_SESSION_LIFETIME_HOURS"]),
        )
    if state != SessionState.ACTIVE:
        logout_user()
        session.clear()
        flash("Your session ended. Please sign in again.", "info")
        return True
    if now - last_seen_at >= _LAST_SEEN_RESOLUTION:
        session["last_seen_at"] = now
    return False


# One-click unsubscribe (RFC 8058): a mail client posts it without cookies or a form token;
# the signed link itself is the authority.
CSRF_EXEMPT_ENDPOINTS = {"notifications.unsubscribe"}


def register_hooks(app: Flask) -> None:
    @app.before_request
    def assign_request_id():
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        g.started = time.perf_counter()

    @app.before_request
    def enforce_session_limits():
        if bearer_token() is None and _enforce_session_limits() and request.method not in _SAFE_METHODS:
            # A form sent into an ended session: nothing is done (no one is signed in), and
            # instead of "this form has expired" the person signs in and returns to the form's
            # page, where the browser puts back what was typed (static/js/session_keeper.js).
            if request.path.startswith("/api/"):
                return None  # the API answers 401 as for any request without credentials
            return redirect(url_for("auth.login", next=_form_page()), code=303)
        return None

    @app.before_request
    def check_csrf():
        # Cookies ride along with cross-site requests; a Bearer header cannot.
        if request.method in _SAFE_METHODS or bearer_token() is not None:
            return
        if request.endpoint in CSRF_EXEMPT_ENDPOINTS:
            return
        if is_api_request() and request.url_rule is not None and not current_user.is_authenticated:
            return login_manager.unauthorized()  # no credentials at all: 401 before CSRF
        if current_app.config.get("WTF_CSRF_ENABLED", True):
            csrf.protect()

    @app.after_request
    def keep_denials(response):
        try:
            write_pending_denials()
        except Exception:  # the response stands; the failure is logged, never sent
            current_app.logger.exception("could not write denial audit events")
        return response

    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers["X-Content-Type-Options"] = "nosniff"
        headers["X-Frame-Options"] = "DENY"
        headers["Referrer-Policy"] = "same-origin"
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        if current_app.config["CARETEAM_HTTPS"]:
            headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        if request.endpoint != "static":
            # Pages and API answers may hold patient data: never store them anywhere.
            headers["Cache-Control"] = "no-store"
            headers["Pragma"] = "no-cache"
        if "request_id" in g:
            headers["X-Request-ID"] = g.request_id
        return response

    @app.after_request
    def log_access(response):
        # The rule, never the URL: paths can carry set-password tokens.
        rule = request.url_rule.rule if request.url_rule else "<no route>"
        elapsed = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
        access_logger.info(
            "%s %s %s %.1fms rid=%s", request.method, rule, response.status_code, elapsed,
            g.get("request_id"),
        )
        return response
