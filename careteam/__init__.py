"""careteam: one shared record for a person with chronic pain and their care team."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask

from careteam import sqlite
from careteam.config import load_config
from careteam.extensions import csrf, db, limiter, login_manager, migrate

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(PROJECT_ROOT / "instance"),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    from careteam.json import OrjsonProvider

    app.json = OrjsonProvider(app)
    app.config.update(load_config(app.instance_path))
    if config:
        app.config.update(config)
    _configure_logging(app)

    db.init_app(app)
    with app.app_context():
        for engine in db.engines.values():
            if engine.dialect.name == "sqlite":
                sqlite.configure(engine)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)

    from careteam.web import register_web

    register_web(app)

    from careteam.api import register_api

    register_api(app)

    from careteam.web.errors import register_error_handlers

    register_error_handlers(app)  # after the API, so that ours answer for every route

    from careteam.metrics import register_metrics

    register_metrics(app)  # off unless CARETEAM_METRICS=1

    from careteam.cli import register_cli

    register_cli(app)
    return app


def _configure_logging(app: Flask) -> None:
    logger = logging.getLogger("careteam")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(logging.WARNING if app.testing else logging.INFO)
