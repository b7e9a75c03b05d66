"""Per-user limits on writes: no one account can grow a record without bound.

Every write (POST, PUT, PATCH, DELETE) by a signed-in person, by page or by API token, counts
against one budget per user, CARETEAM_WRITE_LIMIT_PER_USER: questions, notes, flare days,
check-ins, sessions, exposure attempts and the rest alike. Past it the answer is 429 with a
message saying what to do, as a page or as JSON {"errors": ...}. Signing out is never limited.

The count lives in the rate limiter's storage (Redis in production, shared by the workers), with
the limiter's in-process fallback while that storage is away.
"""

from __future__ import annotations

from flask import Flask, current_app, request
from flask_limiter import RateLimitExceeded
from flask_login import current_user

from careteam.extensions import limiter

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
NEVER_LIMITED = frozenset({"auth.logout", "auth.login", "auth.set_password"})
MESSAGE = ("You have saved a lot in a short time, so careteam is pausing your changes for a moment. "
           "Nothing you sent just now was saved; please wait a few minutes and send it again.")
RETRY_AFTER_SECONDS = 60


def _user_key() -> str:
    return f"user:{current_user.get_id()}"


_record_writes = limiter.shared_limit(
    lambda: current_app.config["CARETEAM_WRITE_LIMIT_PER_USER"], scope="record-writes",
    key_func=_user_key,
)


def register_write_limits(app: Flask) -> None:
    @app.before_request
    def limit_writes_per_user():
        if request.method not in WRITE_METHODS or request.endpoint in NEVER_LIMITED:
            return None
        if request.endpoint is None or not current_app.config["CARETEAM_WRITE_LIMIT_PER_USER"]:
            return None
        if not current_user.is_authenticated:
            return None  # the route itself answers 401 or sends to sign-in
        try:
            with _record_writes:
                return None
        except RateLimitExceeded:
            from careteam.web.errors import error_response

            return error_response(429, MESSAGE, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
