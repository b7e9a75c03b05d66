"""Browser tests: Debian's Chromium, driven by Playwright, against a live server.

The live server is a separate app with its own database (holding the demo clinic), real CSRF
and the rate limiter on; it is not touched by the per-test rollback of tests/conftest.py, so
what a test changes through the browser stays for the rest of the session.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import sync_playwright
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url
from werkzeug.serving import make_server

from careteam import create_app
from careteam.config import normalise_database_url
from careteam.demo import load_demo_data
from careteam.extensions import db
from careteam.models import Patient, User

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
TIMEOUT_MS = 10_000
TEST_DATABASE_URL = os.environ.get("CARETEAM_TEST_DATABASE_URL", "")
ON_POSTGRES = TEST_DATABASE_URL.startswith(("postgres", "postgresql"))


@pytest.hookimpl(tryfirst=True)  # mark before `-m browser` selects
def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.browser)


@dataclass
class LiveServer:
    url: str
    app: Flask

    def patient_id(self, email: str) -> int:
        """The id of the patient record whose account has this e-mail."""
        with self.app.app_context():
            return db.session.scalar(
                select(Patient.id).join(User, Patient.user_id == User.id).where(User.email == email)
            )


def _browser_database_url(tmp_path_factory) -> str:
    if not ON_POSTGRES:
        return f"sqlite:///{tmp_path_factory.mktemp('browser-db')}/browser.sqlite"
    url = make_url(normalise_database_url(TEST_DATABASE_URL))
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    name = f"{url.database}_browser" + (f"_{worker}" if worker else "")
    # CREATE DATABASE refuses transactions; connect to the maintenance database, which always exists
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        if connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first() is None:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    app = create_app({
        "TESTING": False,
        "SECRET_KEY": "browser-test-secret-key",
        "SQLALCHEMY_DATABASE_URI": _browser_database_url(tmp_path_factory),
        "WTF_CSRF_ENABLED": True,
        "RATELIMIT_ENABLED": True,
        "CARETEAM_SIGNIN_LIMIT_PER_ADDRESS": "1000 per minute",
        "CARETEAM_SIGNIN_LIMIT_PER_ACCOUNT": "100 per minute",
        "CARETEAM_CLINIC_PHONE": "+1 555 0100",
        "CARETEAM_CLINIC_HOURS": "Monday to Friday, 8:00-18:00",
        "CARETEAM_WRITE_LIMIT_PER_USER": "10000 per minute",  # browser tests write fast
        "CARETEAM_FILES_DIR": str(tmp_path_factory.mktemp("files")),
    })
    with app.app_context():
        db.drop_all()
        db.create_all()
        load_demo_data()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield LiveServer(url=f"http://127.0.0.1:{server.server_port}", app=app)
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)")
    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()
    playwright.stop()


def _page(browser, options):
    context = browser.new_context(**options)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    return context, page


@pytest.fixture
def page(browser):
    context, page = _page(browser, DESKTOP)
    yield page
    context.close()


@pytest.fixture
def phone_page(browser):
    context, page = _page(browser, PHONE)
    yield page
    context.close()
