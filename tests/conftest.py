"""Test fixtures: one schema per run, one rolled-back transaction per test.

SQLite by default; PostgreSQL when CARETEAM_TEST_DATABASE_URL is set. With CI=true a test
that would be skipped (no PostgreSQL, no Chromium) fails instead.
"""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from types import SimpleNamespace

import pytest
from sqlalchemy import event, text
from sqlalchemy.engine import Engine

from careteam import create_app
from careteam.config import normalise_database_url
from careteam.extensions import db, limiter
from careteam.models import User
from tests import factories

pytest_plugins = ["tests.support.smtp"]  # smtp and smtp_inbox: a real SMTP server on loopback

IN_CI = os.environ.get("CI", "").lower() == "true"
TEST_DATABASE_URL = os.environ.get("CARETEAM_TEST_DATABASE_URL", "")
ON_POSTGRES = TEST_DATABASE_URL.startswith(("postgres", "postgresql"))


def pytest_collection_modifyitems(config, items):
    """Tests for the other database are not part of a run: deselect them rather than skip."""
    other_database = "sqlite_only" if ON_POSTGRES else "postgres_only"
    selected, deselected = [], []
    for item in items:
        (deselected if item.get_closest_marker(other_database) else selected).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, which counts as a failure: {report.longrepr}"


def _worker_suffix() -> str:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    return f"_{worker}" if worker else ""


def _postgres_url_for_worker() -> str:
    """The configured database, created if missing; each xdist worker gets one of its own."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    url = make_url(normalise_database_url(TEST_DATABASE_URL))
    name = f"{url.database}{_worker_suffix()}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first()
        if not exists:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    if ON_POSTGRES:
        return _postgres_url_for_worker()
    return f"sqlite:///{tmp_path_factory.mktemp('db')}/test.sqlite"


FILES_DIR = tempfile.mkdtemp(prefix="careteam-test-files-")


def make_config(database_url: str, **overrides) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        # The limiter is on, as in production; all test requests share one address.
        "RATELIMIT_ENABLED": True,
        "CARETEAM_SIGNIN_LIMIT_PER_ADDRESS": "1000 per minute",
        # Tests that walk every route write far faster than a person; tests of the limit lower it.
        "CARETEAM_WRITE_LIMIT_PER_USER": "10000 per minute",
        "SERVER_NAME": "careteam.test",
        "CARETEAM_CLINIC_PHONE": "+1 555 0100",
        "CARETEAM_CLINIC_HOURS": "Monday to Friday, 8:00-18:00",
        # Every API response's compiled dump is compared with marshmallow's (api/fast_dump.py).
        "VERIFY_FAST_DUMP": True,
        "CARETEAM_FILES_DIR": FILES_DIR,  # per test process: one worker's clean-up never sees another's files
        **overrides,
    }


@pytest.fixture(scope="session")
def app(database_url):
    app = create_app(make_config(database_url))
    with app.app_context():
        db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.session.commit()
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _rollback(request, app):
    """Run each test inside one outer transaction that is rolled back afterwards.

    Every session (the test's own and each request's) runs on that one connection, and their
    commits become SAVEPOINT releases (join_transaction_mode), so services behave exactly as
    in production while nothing outlives the test. No app context stays pushed during the
    test: each request must get its own, as in production.
    """
    if request.node.get_closest_marker("no_rollback"):
        yield
        return
    with app.app_context():
        engines = db.engines
        engine = engines[None]
        connection = engine.connect()
        transaction = connection.begin()
        engines[None] = connection
        factory_kw = db.session.session_factory.kw
        factory_kw["join_transaction_mode"] = "create_savepoint"
    try:
        yield
    finally:
        if transaction.is_active:
            transaction.rollback()
        connection.close()
        engines[None] = engine
        factory_kw.pop("join_transaction_mode", None)
        limiter.reset()


@pytest.fixture
def ctx(app):
    """An app context for a test that talks to services directly (and makes no requests)."""
    with app.test_request_context():
        yield


@pytest.fixture
def count_queries():
    """with count_queries() as statements: ... -> the SQL statements run, savepoints left out."""

    @contextmanager
    def counter():
        statements: list[str] = []

        def before(_conn, _cursor, statement, *_args):
            if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO")):
                statements.append(statement)

        event.listen(Engine, "before_cursor_execute", before)
        try:
            yield statements
        finally:
            event.remove(Engine, "before_cursor_execute", before)

    return counter


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def clinic(app):
    """The standard cast: patient A's team, patient B's team, clinicians on neither."""
    with app.app_context():
        return factories.detached(factories.clinic())


@pytest.fixture
def login_as(client):
    def _login(user):
        factories.sign_in_session(client, user)
        return client

    return _login


@pytest.fixture
def api(app, clinic):
    """A JSON client per person, authenticated by a personal API token."""
    with app.app_context():
        tokens = {name: factories.api_token_for(user) for name, user in vars(clinic).items()
                  if isinstance(user, User)}

    def _client(who: str):
        return factories.JsonClient(app.test_client(), tokens[who])

    return SimpleNamespace(**{name: _client(name) for name in tokens}, as_=_client)
