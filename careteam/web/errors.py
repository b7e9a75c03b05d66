"""Errors as an HTML page or as JSON `{"errors": {...}}`, by what the client accepts.

Field errors are `{"field": ["message", ...]}`; an error about the whole request uses "_".
No traceback, SQL or exception text ever reaches the client.
"""

from __future__ import annotations

from flask import Flask, current_app, g, jsonify, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from werkzeug.exceptions import HTTPException

from careteam.extensions import db, login_manager
from careteam.services import audit
from careteam.services.errors import Conflict, Forbidden, InvalidInput, NotFound, ServiceError
from careteam.summary.pdf import PdfError, PdfTimeout

TITLES = {
    400: "Bad request",
    401: "Please sign in",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    409: "Changed in the meantime",
    413: "Too large",
    422: "Please check your input",
    429: "Too many attempts",
    500: "Something went wrong",
    503: "Temporarily unavailable",
}
MESSAGES = {
    400: "The request could not be understood.",
    401: "Sign in to continue.",
    403: Forbidden.message,
    404: NotFound.message,
    405: "This address does not accept that kind of request.",
    409: Conflict.message,
    413: "What you sent is too large.",
    422: InvalidInput.message,
    429: "Too many attempts. Please wait a few minutes and try again.",
    500: "Something went wrong on our side. It has been logged; please try again.",
    503: "careteam cannot reach its database right now. Please try again in a moment.",
}
RETRY_AFTER_SECONDS = 5
DATABASE_AWAY = (OperationalError, InterfaceError, DisconnectionError, PoolTimeoutError)


def wants_json() -> bool:
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def error_response(status: int, message: str | None = None, errors: dict | None = None,
                   headers: dict | None = None, extra: dict | None = None,
                   template: str = "errors/error.html"):
    message = message or MESSAGES.get(status, MESSAGES[500])
    if wants_json():
        body = {"errors": errors or {"_": [message]}}
        if extra:
            body.update(extra)
        response = jsonify(body)
    else:
        try:
            page = render_template(template, status=status, title=TITLES.get(status, "Error"),
                                   message=message, request_id=g.get("request_id"))
        except DATABASE_AWAY:
            # Any error page (a 404 for someone signed in) asks the database who is signed in:
            # with the database away that must still end in the outage page, not a bare 500.
            return outage_response()
        response = current_app.response_class(page, mimetype="text/html")
    response.status_code = status
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def outage_response():
    """The 503 page for a database that is away, made without the database."""
    try:
        db.session.rollback()
    except Exception:
        pass
    # Not even who is signed in: Flask-Login's template context would load the user again, fail
    # again, and end in a bare 500.
    g._login_user = login_manager.anonymous_user()
    return error_response(503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
                          template="errors/unavailable.html")


def _flatten_webargs_messages(messages) -> dict:
    """webargs reports {"json": {"field": [...]}}; clients want {"field": [...]}."""
    if not isinstance(messages, dict):
        return {"_": [str(messages)]}
    flat: dict = {}
    for location, fields in messages.items():
        if isinstance(fields, dict):
            flat.update(fields)
        else:
            flat[location] = fields
    return flat


def register_error_handlers(app: Flask) -> None:
    # Flask's own log line names request.path, which can carry a set-password token; the 500
    # handler below logs the same exception by request id instead.
    app.log_exception = lambda exc_info: None

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        status = error.code or 500
        data = getattr(error, "data", None) or {}
        errors = _flatten_webargs_messages(data["messages"]) if "messages" in data else None
        headers = {}
        if status == 405 and error.valid_methods:
            headers["Allow"] = ", ".join(error.valid_methods)
        if status == 429:
            headers["Retry-After"] = "60"
        message = MESSAGES.get(status) or error.description
        if status in (403, 404):
            audit.record_unaudited_refusal(current_user, status)
        return error_response(status, message, errors, headers)

    @app.errorhandler(CSRFError)
    def csrf_error(_error):
        return error_response(
            400, "This form has expired or did not come from careteam. Reload the page and try again."
        )

    @app.errorhandler(ServiceError)
    def service_error(error: ServiceError):
        errors = getattr(error, "errors", None)
        extra = None
        if error.status in (403, 404):
            audit.record_unaudited_refusal(current_user, error.status)
        if getattr(error, "current", None) is not None:
            extra = {"current": error.current}
        return error_response(error.status, error.message, errors, extra=extra)

    @app.errorhandler(PdfError)
    def pdf_failed(error: PdfError):
        current_app.logger.error("PDF failed rid=%s: %s", g.get("request_id"), error, exc_info=error.__cause__)
        message = f"{error} Please try again in a moment, or choose a shorter period."
        if isinstance(error, PdfTimeout):
            return error_response(503, message, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
        return error_response(500, message)

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    @app.errorhandler(DisconnectionError)
    @app.errorhandler(PoolTimeoutError)
    def database_unavailable(error):
        current_app.logger.error("database unavailable: %s rid=%s", type(error).__name__, g.get("request_id"))
        return outage_response()

    @app.errorhandler(500)
    def internal_error(error):
        original = getattr(error, "original_exception", None)
        if original is not None:
            current_app.logger.error("unhandled error rid=%s", g.get("request_id"), exc_info=original)
        audit.record_error(current_user, original)  # rolls back first; never raises
        return error_response(500)
