"""The migrations build the schema from nothing, go down and up again, and agree with the models."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from careteam import create_app
from careteam.extensions import db
from tests.conftest import ON_POSTGRES, make_config


@pytest.fixture
def empty_database_url(database_url, tmp_path):
    """A database of its own, empty, on the same backend as the run."""
    if not ON_POSTGRES:
        yield f"sqlite:///{tmp_path}/migrations.sqlite"
        return
    url = make_url(database_url)
    name = f"{url.database}_migrations"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


def differences(app) -> list:
    with app.app_context(), db.engine.connect() as connection:
        return compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), db.metadata)


def table_names(app) -> set[str]:
    with app.app_context():
        return set(inspect(db.engine).get_table_names()) - {"alembic_version"}


@pytest.mark.no_rollback
def test_upgrade_downgrade_upgrade_and_models_agree(empty_database_url, monkeypatch):
    monkeypatch.setenv("CARETEAM_ALLOW_DATA_LOSS", "1")
    app = create_app(make_config(empty_database_url))
    with app.app_context():
        upgrade()
    assert table_names(app) == set(db.metadata.tables)
    assert differences(app) == []
    with app.app_context():
        downgrade(revision="base")
    assert table_names(app) == set()
    with app.app_context():
        upgrade()
    assert differences(app) == []
    with app.app_context():
        # the migrations install the same append-only guard as create_all
        db.session.execute(text(
            "INSERT INTO audit_events (occurred_at, action, outcome) VALUES (CURRENT_TIMESTAMP, 'x', 'success')"))
        db.session.commit()
        with pytest.raises(Exception, match="append-only"):
            db.session.execute(text("DELETE FROM audit_events"))
            db.session.commit()
        db.session.rollback()
        db.engine.dispose()


@pytest.mark.no_rollback
def test_a_downgrade_that_drops_data_refuses_unless_forced(empty_database_url, monkeypatch, capfd):
    monkeypatch.delenv("CARETEAM_ALLOW_DATA_LOSS", raising=False)
    app = create_app(make_config(empty_database_url))
    with app.app_context():
        upgrade()
    for target in ("0002", "0001", "base"):
        with app.app_context(), pytest.raises(SystemExit):  # flask-migrate logs the message and exits 1
            downgrade(revision=target)
        assert "Back up first" in capfd.readouterr().err
        assert table_names(app) == set(db.metadata.tables)
        assert differences(app) == []
    monkeypatch.setenv("CARETEAM_ALLOW_DATA_LOSS", "1")
    with app.app_context():
        downgrade(revision="base")
        db.engine.dispose()
    assert table_names(app) == set()


@pytest.mark.no_rollback
def test_events_written_before_the_chain_are_chained_by_the_upgrade(empty_database_url):
    app = create_app(make_config(empty_database_url))
    with app.app_context():
        upgrade(revision="0002")
        for action in ("read", "export", "sign_in"):
            db.session.execute(text(
                "INSERT INTO audit_events (occurred_at, action, outcome, object_id) "
                "VALUES (CURRENT_TIMESTAMP, :action, 'success', '7')"), {"action": action})
        db.session.commit()
        upgrade()
        db.engine.dispose()
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "intact, 3 events" in result.output
