"""JSON API v1 (flask-smorest): every blueprint documents itself in /api/v1/openapi.json."""

from __future__ import annotations

from importlib import import_module

from flask import Flask
from flask_login import current_user
from flask_smorest import Blueprint
from flask_smorest.utils import resolve_schema_instance
from webargs.flaskparser import FlaskParser

from careteam.api.contract import ContractApi, document_responses
from careteam.api.fast_dump import accelerated
from careteam.extensions import login_manager

API_PREFIX = "/api/v1"


class StrictParser(FlaskParser):
    """Query strings follow their schema's `unknown` too (RAISE for InputSchema): a misspelt
    parameter is a 422, not a silently ignored filter."""

    DEFAULT_UNKNOWN_BY_LOCATION = {**FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION, "query": None, "querystring": None}


class ApiBlueprint(Blueprint):
    ARGUMENTS_PARSER = StrictParser()

    def response(self, status_code, schema=None, **kwargs):
        """As flask-smorest's, with the output schema's dump compiled (api/fast_dump.py)."""
        return super().response(status_code, accelerated(resolve_schema_instance(schema)), **kwargs)


def api_blueprint(name: str, import_name: str, description: str) -> Blueprint:
    """A smorest blueprint whose every route requires a signed-in user or a Bearer token."""
    blp = ApiBlueprint(name, import_name, description=description)

    @blp.before_request
    def require_authentication():
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        return None

    return blp


# module -> URL prefix under /api/v1. Each module defines `blp`; a feature adds one line here.
API_MODULES = {
    "careteam.api.me": "/me",
    "careteam.api.patients": "/patients",
    "careteam.api.admin": "/admin",
    "careteam.api.checkins": "/patients",
    "careteam.api.alerts": "/patients",
    "careteam.api.interventions": "/patients",
    "careteam.api.goals": "/patients",
    "careteam.api.notes": "/patients",
    "careteam.api.questions": "/patients",
    "careteam.api.exercises": "/patients",
    "careteam.api.activity": "/patients",
    "careteam.api.exposure": "/patients",
    "careteam.api.flare": "/patients",
    "careteam.api.protocols": "",
    "careteam.api.appointments": "",  # /patients/<id>/appointments and /appointments/upcoming
    "careteam.api.summary": "/patients",
    "careteam.api.record_export": "/patients",
    "careteam.api.fhir": "/patients",
    "careteam.api.questionnaires": "",  # /instruments and /patients/<id>/questionnaire-*
}


def register_api(app: Flask) -> None:
    api = ContractApi(
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
    for name, prefix in API_MODULES.items():
        api.register_blueprint(import_module(name).blp, url_prefix=f"{API_PREFIX}{prefix}")
    document_responses(api)
    app.extensions["careteam_api"] = api
