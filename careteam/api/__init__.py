"""JSON API v1 (flask-smorest): every blueprint documents itself in /api/v1/openapi.json."""

from __future__ import annotations

from flask import Flask
from flask_login import current_user
from flask_smorest import Api, Blueprint

from careteam.extensions import login_manager

API_PREFIX = "/api/v1"


def api_blueprint(name: str, import_name: str, description: str) -> Blueprint:
    """A smorest blueprint whose every route requires a signed-in user or a Bearer token."""
    blp = Blueprint(name, import_name, description=description)

    @blp.before_request
    def require_authentication():
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        return None

    return blp


def register_api(app: Flask) -> None:
    from careteam.api import admin, me, patients

    api = Api(
        app,
        spec_kwargs={
            "info": {
                "description": (
                    "careteam JSON API. Authenticate with a personal API token "
                    "(`Authorization: Bearer ct_...`, made on the Account page) or with the "
                    "session cookie plus an `X-CSRFToken` header for writes. Errors are "
                    '`{"errors": {"field": ["message"]}}`, with "_" for the whole request. '
                    "Patients you may not see answer 404."
                )
            },
            "security": [{"bearerAuth": []}, {"sessionCookie": []}],
        },
    )
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    api.spec.components.security_scheme(
        "sessionCookie", {"type": "apiKey", "in": "cookie", "name": app.config["SESSION_COOKIE_NAME"]}
    )
    api.register_blueprint(me.blp, url_prefix=f"{API_PREFIX}/me")
    api.register_blueprint(patients.blp, url_prefix=f"{API_PREFIX}/patients")
    api.register_blueprint(admin.blp, url_prefix=f"{API_PREFIX}/admin")
    app.extensions["careteam_api"] = api
