"""careteam: one shared record for a person with chronic pain and their care team."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from careteam import log_safety, sqlite
from careteam.config import load_config
from careteam.database import check_idle_connections, end_reads_with_commit, engine_options
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
    app.config.setdefault(
        "SQLALCHEMY_ENGINE_OPTIONS", engine_options(app.config["SQLALCHEMY_DATABASE_URI"], app.config)
    )
    _configure_logging(app)
    from careteam.services.instruments import load_catalogue

    # A broken questionnaire definition stops start-up with the file's name and the problem.
    app.extensions["careteam_instruments"] = load_catalogue(app.config["CARETEAM_INSTRUMENTS_DIR"])
    proxies = app.config["CARETEAM_TRUSTED_PROXIES"]
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)

    db.init_app(app)
    with app.app_context():
        for engine in db.engines.values():
            if engine.dialect.name == "sqlite":
                sqlite.configure(engine, app.config["CARETEAM_SQLITE_BUSY_TIMEOUT_SECONDS"])
            check_idle_connections(engine, app.config["CARETEAM_DB_PING_AFTER_IDLE_SECONDS"])
    end_reads_with_commit(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)

    from careteam.web import register_web
    from careteam.web.converters import register_converters

    register_converters(app)
    register_web(app)

    from careteam.api import register_api

    register_api(app)

    from careteam.web.errors import register_error_handlers

    register_error_handlers(app)  # after the API, so that ours answer for every route

    from careteam import jobs

    jobs.init_app(app)
    from careteam.metrics import register_metrics

    register_metrics(app)  # off unless CARETEAM_METRICS=1

    from careteam.cli import register_cli

    register_cli(app)
    return app


def _configure_logging(app: Flask) -> None:
    log_safety.install()
    logger = logging.getLogger("careteam")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(logging.WARNING if app.testing else logging.INFO)
