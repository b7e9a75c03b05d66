"""careteam: one shared record for a person with chronic pain and their care team."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask, g, has_request_context, request
from sqlalchemy import event

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
    app.config.update(load_config(app.instance_path))
    if config:
        app.config.update(config)
    _configure_logging(app)

    db.init_app(app)
    with app.app_context():
        for engine in db.engines.values():
            if engine.dialect.name == "sqlite":
                _configure_sqlite(engine)
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


def _configure_sqlite(engine) -> None:
    """Foreign keys on, WAL for concurrent readers, and real transactions with SAVEPOINT.

    pysqlite's own transaction handling begins transactions late and breaks SAVEPOINT;
    SQLAlchemy's documented fix is to turn it off and emit BEGIN ourselves. We emit BEGIN
    IMMEDIATE: nearly every request writes (at least its audit event), and a deferred
    transaction that reads and later needs the write lock fails at once with "database is
    locked" instead of waiting its turn.

    Once a GET or HEAD request has committed (its audit event is saved before anything is
    loaded), what follows only reads, so later transactions are deferred: holding the single
    write lock while a page renders or a PDF is drawn would queue every other request behind it.
    A write there must come first in its transaction (as the PDF's export event does), where
    SQLite waits for the lock as usual.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN" if _reads_only() else "BEGIN IMMEDIATE")

    @event.listens_for(engine, "commit")
    def _on_commit(_connection):
        if has_request_context() and request.method in ("GET", "HEAD"):
            g.sqlite_reads_only = True


def _reads_only() -> bool:
    return has_request_context() and g.get("sqlite_reads_only", False)
