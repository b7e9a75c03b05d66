"""Every route with a `patient_id` in its URL passes the record gate first (pages and API).

Admins are refused by default; a view that serves them too (care team, access log) says so
with `@admins_too` (or `admins_allowed = True` on a MethodView class).
"""

from __future__ import annotations

from flask import Flask, current_app, request
from flask_login import current_user

from careteam.services.access import require_on_record


def admins_too(view):
    view.admins_allowed = True
    return view


def _admins_allowed(endpoint: str | None) -> bool:
    view = current_app.view_functions.get(endpoint) if endpoint else None
    if view is None:
        return False
    return bool(getattr(view, "admins_allowed", False)
                or getattr(getattr(view, "view_class", None), "admins_allowed", False))


def register_gate(app: Flask) -> None:
    @app.before_request
    def patient_record_gate():
        patient_id = (request.view_args or {}).get("patient_id")
        if patient_id is None or not current_user.is_authenticated:
            return  # anonymous requests are turned away by login_required
        require_on_record(current_user._get_current_object(), patient_id,
                          admins_allowed=_admins_allowed(request.endpoint))
