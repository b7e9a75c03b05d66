"""Backup and restore round-trip the demo clinic on the run's database: the same rows (counts
and checksums), an app that boots on the copy, an intact audit chain. A restore into a
database that is not empty is refused and changes nothing."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.engine import make_url

from careteam import create_app
from careteam.demo import load_demo_data
from careteam.extensions import db
from tests.conftest import ON_POSTGRES, make_config

pytestmark = pytest.mark.no_rollback


@pytest.fixture
def make_database(database_url, tmp_path):
    """Fresh empty databases on the run's backend (PostgreSQL: t_audit_* names), dropped afterwards."""
    made: list[str] = []
    admin = create_engine(database_url, isolation_level="AUTOCOMMIT") if ON_POSTGRES else None

    def _make(suffix: str) -> str:
        if not ON_POSTGRES:
            return f"sqlite:///{tmp_path}/{suffix}.sqlite"
        url = make_url(database_url)
        name = f"{url.database}_{suffix}"
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        made.append(name)
        return url.set(database=name).render_as_string(hide_password=False)

    yield _make
    if admin is not None:
        with admin.connect() as connection:
            for name in made:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def fingerprint(app) -> dict[str, tuple[int, str]]:
    """Per table: the row count and a checksum over every row in primary-key order."""
    result = {}
    with app.app_context():
        for table in db.metadata.sorted_tables:
            rows = db.session.execute(select(table).order_by(*table.primary_key.columns)).all()
            digest = hashlib.sha256(repr([tuple(row) for row in rows]).encode()).hexdigest()
            result[table.name] = (len(rows), digest)
        db.session.remove()
        db.engine.dispose()
    return result


def cli(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def test_backup_and_restore_round_trip_the_demo_clinic(make_database, tmp_path):
    source = create_app(make_config(make_database("backup_source")))
    with source.app_context():
        db.create_all()
        load_demo_data()
        db.session.commit()
    before = fingerprint(source)
    assert before["audit_events"][0] > 0 and before["notes"][0] > 0

    archive = tmp_path / "careteam.backup"
    result = cli(source, "backup", str(archive))
    assert result.exit_code == 0, result.output
    assert archive.stat().st_size > 0
    assert cli(source, "backup", str(archive)).exit_code == 1  # never overwrites

    copy = create_app(make_config(make_database("restore_target")))
    result = cli(copy, "restore", str(archive))
    assert result.exit_code == 0, result.output
    assert fingerprint(copy) == before

    verified = cli(copy, "audit", "verify")
    assert verified.exit_code == 0 and f"intact, {before['audit_events'][0]} events" in verified.output
    booted = create_app(make_config(copy.config["SQLALCHEMY_DATABASE_URI"]))
    client = booted.test_client()
    assert client.get("/healthz").status_code == 200
    assert client.get("/login").status_code == 200
    with booted.app_context():
        db.engine.dispose()

    # A second restore into the now-full copy is refused, and changes nothing.
    refused = cli(copy, "restore", str(archive))
    assert refused.exit_code == 1 and "not empty" in refused.output and "Nothing was changed" in refused.output
    assert fingerprint(copy) == before


def test_restore_refuses_a_file_that_is_not_a_backup(make_database, tmp_path):
    target = create_app(make_config(make_database("restore_junk")))
    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"not a backup at all")
    result = cli(target, "restore", str(junk))
    assert result.exit_code == 1 and "is not a" in result.output
    assert cli(target, "restore", str(tmp_path / "missing.backup")).exit_code == 1
    with target.app_context():
        db.engine.dispose()
