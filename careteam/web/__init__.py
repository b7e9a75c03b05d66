"""HTML pages: one thin blueprint per feature."""

from __future__ import annotations

from flask import Flask


def register_web(app: Flask) -> None:
    from careteam.web import account, admin, auth, home, patients
    from careteam.web.gate import register_gate
    from careteam.web.hooks import register_hooks
    from careteam.web.login import register_login
    from careteam.web.templating import register_templating

    register_hooks(app)
    register_login(app)
    register_gate(app)
    register_templating(app)
    for blueprint in (auth.bp, home.bp, account.bp, patients.bp, admin.bp):
        app.register_blueprint(blueprint)
