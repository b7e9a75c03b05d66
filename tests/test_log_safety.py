"""No log line carries record data: not a request body, not a query string, not the text a
database error quotes back (PostgreSQL's DETAIL lines, SQLAlchemy's parameters)."""

from __future__ import annotations

import io
import logging

import pytest
from flask import Blueprint, request
from sqlalchemy import text

from careteam import create_app
from careteam.extensions import db
from careteam.log_safety import safe_traceback
from tests.conftest import make_config

MARKER = "MARKER-note-text-7f3a"
LOGGERS = ["", "careteam", "careteam.access", "flask-limiter", "sqlalchemy", "sqlalchemy.engine",
           "sqlalchemy.pool", "werkzeug"]


@pytest.fixture
def failing_app(database_url):
    """An app with routes whose database statement fails while quoting the marker."""
    app = create_app(make_config(database_url, PROPAGATE_EXCEPTIONS=False))
    bp = Blueprint("failing", __name__)

    @bp.route("/_fail/cast", methods=["POST"])
    def cast():
        # PostgreSQL: 'invalid input syntax for type integer: "MARKER…"'; SQLite: no such table,
        # whose SQLAlchemy message would list the parameters if they were not hidden.
        statement = ("SELECT CAST(:value AS INTEGER)" if db.engine.dialect.name == "postgresql"
                     else "SELECT :value FROM no_such_table")
        db.session.execute(text(statement), {"value": request.form["text"]})
        return "unreachable"

    @bp.route("/_fail/duplicate", methods=["POST"])
    def duplicate():
        # PostgreSQL: 'DETAIL:  Key (x)=(MARKER…) already exists.'
        db.session.execute(text("CREATE TEMPORARY TABLE marker_test (x VARCHAR(100) UNIQUE)"))
        for _ in range(2):
            db.session.execute(text("INSERT INTO marker_test (x) VALUES (:x)"), {"x": request.form["text"]})
        return "unreachable"

    app.register_blueprint(bp)
    return app


@pytest.fixture
def every_log_line(caplog):
    """Everything logged, as the handlers would write it: caplog at DEBUG, plus every stream
    handler (careteam's stderr handler included) pointed at a buffer for the test."""
    buffer = io.StringIO()
    swapped = []
    levels = {}
    for name in LOGGERS:
        logger = logging.getLogger(name)
        levels[name] = logger.level
        caplog.set_level(logging.DEBUG, logger=name)
        for handler in logger.handlers:
            if isinstance(handler, logging.StreamHandler) and not isinstance(handler, logging.FileHandler):
                swapped.append((handler, handler.setStream(buffer)))

    def lines() -> str:
        formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
        return "\n".join(formatter.format(record) for record in caplog.records) + buffer.getvalue()

    yield lines
    for handler, stream in swapped:
        handler.setStream(stream)


@pytest.mark.no_rollback
@pytest.mark.parametrize("route", ["/_fail/cast", "/_fail/duplicate"])
def test_a_failing_statement_leaves_no_data_in_any_log_line(failing_app, every_log_line, route):
    client = failing_app.test_client()
    response = client.post(f"{route}?q={MARKER}", data={"text": MARKER})
    assert response.status_code in (500, 503)
    assert MARKER.encode() not in response.data
    logged = every_log_line()
    assert f"rid={response.headers['X-Request-ID']}" in logged  # the failure itself is logged
    if response.status_code == 500:  # with a traceback that still says what failed where
        assert "Traceback" in logged and "test_log_safety.py" in logged and "statement:" in logged
    assert MARKER not in logged


def test_the_error_is_still_diagnosable_without_its_message(app):
    from sqlalchemy.exc import IntegrityError

    class FakeDriverError(Exception):
        sqlstate = "23505"

    try:
        try:
            raise FakeDriverError(f"Key (email)=({MARKER}) already exists.")
        except FakeDriverError as driver_error:
            raise IntegrityError("INSERT INTO users (email) VALUES (%(email)s)", {"email": MARKER},
                                 driver_error) from driver_error
    except IntegrityError as error:
        rendered = safe_traceback(error)
    assert "IntegrityError" in rendered and "SQLSTATE 23505" in rendered
    assert "INSERT INTO users (email)" in rendered and "test_log_safety.py" in rendered
    assert MARKER not in rendered


def test_gunicorn_writes_no_access_log_with_urls():
    import runpy
    from pathlib import Path

    settings = runpy.run_path(str(Path(__file__).resolve().parent.parent / "gunicorn.conf.py"))
    assert settings["accesslog"] is None  # careteam's own access log names the route, never the URL
    assert "access_log_format" not in settings
