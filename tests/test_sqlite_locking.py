"""SQLite's single write lock: taken at the start of every transaction that may write, and not
held while a GET request only reads after committing its audit event, or while a PDF renders.

Runs on a dedicated app with its own database file, outside the per-test rollback, so that
transactions are real.
"""

from __future__ import annotations

import sqlite3

import pytest
from flask import template_rendered
from sqlalchemy import event, select, text

from careteam import create_app
from careteam.demo import load_demo_data
from careteam.domain.policy import Role
from careteam.extensions import db
from careteam.models import AuditEvent, Patient, User
from careteam.summary import export
from tests import factories
from tests.conftest import make_config
from tests.test_access_walk import routes, url_for_rule

pytestmark = [pytest.mark.sqlite_only, pytest.mark.no_rollback]


@pytest.fixture
def own_app(tmp_path):
    path = tmp_path / "locking.sqlite"
    app = create_app(make_config(f"sqlite:///{path}"))
    with app.app_context():
        db.create_all()
    app.config["DATABASE_PATH"] = path
    yield app
    with app.app_context():
        db.engine.dispose()


def write_lock_is_free(app) -> bool:
    """Whether another connection could start writing now."""
    other = sqlite3.connect(app.config["DATABASE_PATH"], timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError as error:
        assert "locked" in str(error)
        return False
    finally:
        other.close()


@pytest.mark.parametrize("method, free_after_commit", [("GET", True), ("HEAD", True), ("POST", False)])
def test_after_its_first_commit_only_a_read_request_reads_without_the_lock(own_app, method, free_after_commit):
    with own_app.test_request_context(method=method):
        db.session.execute(text("SELECT 1"))
        assert not write_lock_is_free(own_app), "the first transaction may write: it holds the lock"
        db.session.commit()
        assert write_lock_is_free(own_app)
        db.session.execute(text("SELECT 1"))
        assert write_lock_is_free(own_app) is free_after_commit
        db.session.rollback()


def test_outside_a_request_every_transaction_takes_the_lock(own_app):
    with own_app.app_context():
        for _ in range(2):
            db.session.execute(text("SELECT 1"))
            assert not write_lock_is_free(own_app)
            db.session.commit()


@pytest.fixture
def physician_and_patient(own_app):
    with own_app.app_context():
        physician = factories.user(Role.PHYSICIAN)
        record = factories.patient((physician,))
        db.session.commit()
        return physician.id, record.id


def signed_in_client(app, user_id):
    client = app.test_client()
    with app.app_context():
        factories.sign_in_session(client, db.session.get(User, user_id))
    return client


def test_a_dashboard_renders_without_holding_the_lock(own_app, physician_and_patient):
    physician_id, patient_id = physician_and_patient
    seen = []

    def check(_sender, template, **_extra):
        seen.append((template.name, write_lock_is_free(own_app)))

    client = signed_in_client(own_app, physician_id)
    with template_rendered.connected_to(check, own_app):
        assert client.get(f"/patients/{patient_id}").status_code == 200
    assert seen and all(free for _name, free in seen), seen


def test_a_pdf_renders_without_holding_the_lock_and_its_export_is_saved(own_app, physician_and_patient,
                                                                      monkeypatch):
    physician_id, patient_id = physician_and_patient
    free_during_render = []
    real_render = export.renderer.render

    def spying_render(*args, **kwargs):
        free_during_render.append(write_lock_is_free(own_app))
        return real_render(*args, **kwargs)

    monkeypatch.setattr(export.renderer, "render", spying_render)
    client = signed_in_client(own_app, physician_id)
    response = client.get(f"/patients/{patient_id}/summary.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert free_during_render == [True]
    with own_app.app_context():
        exports = db.session.scalars(select(AuditEvent.outcome).where(
            AuditEvent.action == "export", AuditEvent.patient_id == patient_id)).all()
        assert exports == ["success"]


def test_no_get_writes_after_reading_without_the_lock(own_app):
    """Walk every GET route as the patient and her team (demo clinic): a statement that writes
    in a transaction begun without the write lock must come before any read, or it may fail
    with "database is locked" when another request committed in between."""
    with own_app.app_context():
        load_demo_data()
        maria = db.session.scalar(select(Patient).join(User, Patient.user_id == User.id)
                                  .where(User.email == "maria.lopez@example.org"))
        people = [maria.user_id] + [member.clinician_id for member in maria.team]
        patient_id = maria.id
    transactions, violations = [], []

    def probe(_connection, _cursor, statement, *_args):
        word = statement.lstrip().split(None, 1)[0].upper()
        if word == "BEGIN":
            transactions.append({"deferred": statement.strip().upper() == "BEGIN", "read": False})
        elif transactions and transactions[-1]["deferred"]:
            if word == "SELECT":
                transactions[-1]["read"] = True
            elif word in ("INSERT", "UPDATE", "DELETE") and transactions[-1]["read"]:
                violations.append((url, statement.split("\n")[0][:80]))

    gets = [rule for rule, method in routes(own_app) if method == "GET" and rule.endpoint != "static"]
    with own_app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", probe)
    try:
        for person in people:
            client = signed_in_client(own_app, person)
            for rule in gets:
                url = url_for_rule(rule, patient_id)
                assert client.get(url).status_code < 500, url
    finally:
        event.remove(engine, "before_cursor_execute", probe)
    assert not violations, violations
    assert any(t["deferred"] and t["read"] for t in transactions), "no GET read without the lock"


def test_the_write_lock_wait_is_a_setting(tmp_path):
    app = create_app({**make_config(f"sqlite:///{tmp_path / 'busy.sqlite'}"), "CARETEAM_SQLITE_BUSY_TIMEOUT_SECONDS": 3})
    with app.app_context():
        assert db.session.execute(text("PRAGMA busy_timeout")).scalar() == 3000
        db.session.rollback()
        db.engine.dispose()
