"""The audit trail is a hash chain: `flask audit verify` finds any edit, even with the
triggers out of the way, and concurrent writers on PostgreSQL never fork the chain."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from careteam import create_app
from careteam.extensions import db
from careteam.models import AuditEvent
from careteam.models.audit import DROP_APPEND_ONLY_TRIGGERS
from careteam.services import audit
from tests.conftest import make_config


def verify(app):
    return app.test_cli_runner().invoke(args=["audit", "verify"])


def test_requests_write_a_chain_that_verifies(app, clinic, login_as):
    client = login_as(clinic.physician)
    client.get(f"/patients/{clinic.record_a.id}")
    client.get(f"/patients/{clinic.record_b.id}")  # a denial, written after a rollback
    with app.app_context():
        count = db.session.scalar(select(func.count()).select_from(AuditEvent))
        hashes = db.session.scalars(select(AuditEvent.hash)).all()
    assert count >= 2 and all(hashes) and len(set(hashes)) == len(hashes)
    result = verify(app)
    assert result.exit_code == 0, result.output
    assert f"intact, {count} events" in result.output


def test_an_edited_event_is_reported_as_the_first_broken_link(app, clinic, login_as):
    client = login_as(clinic.physician)
    for _ in range(3):
        client.get(f"/patients/{clinic.record_a.id}")
    with app.app_context():
        ids = db.session.scalars(select(AuditEvent.id).order_by(AuditEvent.id)).all()
        # The owner of the schema can drop the guard; the chain still tells.
        for statement in DROP_APPEND_ONLY_TRIGGERS[db.engine.dialect.name]:
            if "audit_chain_tip" not in statement:
                db.session.execute(text(statement))
        db.session.execute(text("UPDATE audit_events SET user_id = NULL WHERE id = :id"), {"id": ids[-2]})
        db.session.commit()
    result = verify(app)
    assert result.exit_code == 1
    assert f"broken at event {ids[-2]}" in result.output


def test_writing_an_event_costs_one_extra_statement(app, clinic, count_queries):
    with app.test_request_context("/"), count_queries() as statements:
        audit.record("read", actor=None, patient_id=clinic.record_a.id, object_type="dashboard")
        db.session.commit()
    assert len([s for s in statements if "audit_events" in s or "audit_chain_tip" in s]) == 2


@pytest.fixture
def chain_database(database_url):
    """A fresh PostgreSQL database with the schema, for writers that really commit."""
    url = make_url(database_url)
    name = f"{url.database}_chain"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    app = create_app(make_config(url.set(database=name).render_as_string(hide_password=False)))
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.engine.dispose()
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


@pytest.mark.postgres_only
@pytest.mark.no_rollback
def test_concurrent_writers_keep_one_unbroken_chain(chain_database):
    writers, events_each = 6, 25
    start = threading.Barrier(writers, timeout=20)
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            with chain_database.test_request_context("/"):
                start.wait()
                for i in range(events_each):
                    audit.record("read", actor=None, object_type="writer", object_id=f"{n}-{i}")
                    if i % 5 == 0:  # some transactions carry several events
                        audit.record("read", actor=None, object_type="writer", object_id=f"{n}-{i}b")
                    db.session.commit()
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    result = verify(chain_database)
    expected = writers * (events_each + events_each // 5)
    assert result.exit_code == 0, result.output
    assert f"intact, {expected} events" in result.output


@pytest.fixture
def runtime_role(chain_database):
    """A login role for the app at run time, granted by `flask audit grant-runtime-role`."""
    database = make_url(chain_database.config["SQLALCHEMY_DATABASE_URI"])
    role = f"{database.database}_runtime".lower()
    admin = create_engine(database, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f"DROP ROLE IF EXISTS {role}")
        connection.exec_driver_sql(f"CREATE ROLE {role} LOGIN")
    result = chain_database.test_cli_runner().invoke(args=["audit", "grant-runtime-role", role])
    assert result.exit_code == 0, result.output
    runtime = create_engine(database.set(username=role))
    yield runtime
    runtime.dispose()
    with admin.connect() as connection:
        connection.exec_driver_sql(f"DROP OWNED BY {role}")  # its grants here and on the database
        connection.exec_driver_sql(f"DROP ROLE {role}")
    admin.dispose()


@pytest.mark.postgres_only
@pytest.mark.no_rollback
def test_the_runtime_role_can_only_insert_and_select_audit_events(chain_database, runtime_role):
    runtime_app = create_app(make_config(runtime_role.url.render_as_string(hide_password=False)))
    with runtime_app.test_request_context("/"):
        audit.record("read", actor=None, object_type="runtime")
        audit.record("read", actor=None, object_type="runtime")
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 2
        db.engine.dispose()
    refused = [
        "UPDATE audit_events SET action = 'x'",
        "DELETE FROM audit_events",
        "TRUNCATE audit_events",
        "ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_change",
        "ALTER TABLE audit_events DISABLE TRIGGER ALL",
        "DROP TRIGGER audit_events_no_change ON audit_events",
        "DELETE FROM notes",
        "TRUNCATE notes",
    ]
    for statement in refused:
        with runtime_role.connect() as connection, pytest.raises(DBAPIError) as error:
            connection.exec_driver_sql(statement)
        assert "permission denied" in str(error.value) or "must be owner" in str(error.value), statement
    assert "intact, 2 events" in verify(chain_database).output


