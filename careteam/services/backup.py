"""Backing up and restoring the whole database.

PostgreSQL: pg_dump's custom format, restored with pg_restore in one transaction (the client
tools must be the server's major version). SQLite: the online backup API, which copies a
consistent snapshot even while the app writes (WAL). A restore goes into an EMPTY database
only: one with tables is refused and left untouched.
"""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import URL

from careteam.extensions import db

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_CUSTOM_MAGIC = b"PGDMP"


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why and what to do."""


def backup(path: str) -> str:
    target = Path(path)
    if target.exists():
        raise BackupError(f"{target} already exists; choose a new file name.")
    if db.engine.dialect.name == "postgresql":
        _check_client_version("pg_dump")
        _run(["pg_dump", "--format=custom", "--file", str(target), "--dbname", _libpq_url(db.engine.url)])
    else:
        db.session.remove()
        with _sqlite_file(db.engine.url) as source, sqlite3.connect(target) as copy:
            source.backup(copy)
        copy.close()
    return str(target)


def restore(path: str) -> str:
    source = Path(path)
    if not source.is_file():
        raise BackupError(f"There is no backup file at {source}.")
    tables = _tables_in_target()
    if tables:
        raise BackupError(
            f"The database is not empty ({len(tables)} tables, e.g. {sorted(tables)[0]}): a restore goes only "
            "into an empty database. Nothing was changed. Create an empty database and point "
            "DATABASE_URL at it.")
    head = source.read_bytes()[:16]
    db.session.remove()
    if db.engine.dialect.name == "postgresql":
        if not head.startswith(PG_CUSTOM_MAGIC):
            raise BackupError(f"{source} is not a PostgreSQL backup made by `flask backup`. Nothing was changed.")
        _check_client_version("pg_restore")
        _run(["pg_restore", "--no-owner", "--no-acl", "--exit-on-error", "--single-transaction",
              "--dbname", _libpq_url(db.engine.url), str(source)])
    else:
        if head != SQLITE_MAGIC:
            raise BackupError(f"{source} is not a SQLite backup made by `flask backup`. Nothing was changed.")
        db.engine.dispose()
        with sqlite3.connect(source) as backup_file, _sqlite_file(db.engine.url) as target:
            backup_file.backup(target)
        backup_file.close()
    db.engine.dispose()
    return str(source)


def _tables_in_target() -> list[str]:
    return inspect(db.engine).get_table_names()


class _sqlite_file:
    """A plain sqlite3 connection to the app's database file (closed on exit)."""

    def __init__(self, url: URL):
        if not url.database or url.database == ":memory:":
            raise BackupError("An in-memory SQLite database cannot be backed up or restored.")
        self.path = url.database

    def __enter__(self) -> sqlite3.Connection:
        self.connection = sqlite3.connect(self.path)
        return self.connection

    def __exit__(self, *_exc) -> None:
        self.connection.close()


def _libpq_url(url: URL) -> str:
    """A libpq connection string for the client tools; the password goes through PGPASSWORD."""
    return url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    if db.engine.url.password:
        env["PGPASSWORD"] = db.engine.url.password
    return env


def _major(version: str) -> int:
    found = re.search(r"(\d+)", version)
    return int(found.group(1)) if found else 0


def _check_client_version(tool: str) -> None:
    try:
        client = subprocess.run([tool, "--version"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError) as error:
        raise BackupError(f"{tool} is not installed or does not run ({error}).") from None
    server = db.session.execute(text("SHOW server_version")).scalar()
    db.session.rollback()
    client_major = _major(client.split("(PostgreSQL)")[-1])
    if client_major != _major(server):
        raise BackupError(f"{tool} is version {client_major} but the server is {_major(server)}: "
                          "install the client tools of the server's major version.")


def _run(command: list[str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True, env=_environment())
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[:500]}")
