"""HTML pages: one thin blueprint per feature."""

from __future__ import annotations

from importlib import import_module

from flask import Flask

# Each module defines `bp`. A feature adds its module here and nowhere else.
BLUEPRINT_MODULES = [
    "careteam.web.auth",
    "careteam.web.home",
    "careteam.web.account",
    "careteam.web.two_factor",
    "careteam.web.patients",
    "careteam.web.admin",
    "careteam.web.checkins",
    "careteam.web.alerts",
    "careteam.web.interventions",
    "careteam.web.goals",
    "careteam.web.notes",
    "careteam.web.questions",
    "careteam.web.exercises",
    "careteam.web.activity",
    "careteam.web.exposure",
    "careteam.web.flare",
    "careteam.web.protocols",
    "careteam.web.appointments",
    "careteam.web.summary",
    "careteam.web.questionnaires",
    "careteam.web.break_glass",
    "careteam.web.session_keeper",
    "careteam.web.notifications",
    "careteam.web.bundles",
    "careteam.web.alert_emails",
    "careteam.web.record_export",
]


def register_web(app: Flask) -> None:
    from careteam.web.gate import register_gate
    from careteam.web.hooks import register_hooks
    from careteam.web.input_guard import register_input_guard
    from careteam.web.login import register_login
    from careteam.web.mfa_gate import register_mfa_gate
    from careteam.web.templating import register_templating
    from careteam.web.write_limits import register_write_limits

    register_hooks(app)
    register_input_guard(app)
    register_login(app)
    register_mfa_gate(app)
    register_gate(app)
    register_write_limits(app)
    register_templating(app)
    for name in BLUEPRINT_MODULES:
        app.register_blueprint(import_module(name).bp)
