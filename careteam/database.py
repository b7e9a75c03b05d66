"""How careteam talks to its database when the database is slow, away or back again.

- Bound parameters are never part of an error or a log line (`hide_parameters`): they are the
  record's content.
- Every wait is bounded: connecting (connect timeout), a statement (PostgreSQL's
  statement_timeout; SQLite's busy timeout is set in careteam/sqlite.py), a dead peer on a silent
  network (TCP keepalives and TCP_USER_TIMEOUT), and waiting for a pooled connection.
- No ping on every checkout (pre-ping costs two round trips per request). Instead connections
  are recycled after a while; one that sat idle in the pool for long is checked before use; and
  a connection that fails with a disconnect makes SQLAlchemy invalidate the whole pool, so the
  next request connects afresh: recovery without a restart.
"""

from __future__ import annotations

import time

from flask import Flask, current_app, request
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DisconnectionError

_CHECKED_IN_AT = "careteam_checked_in_at"


def engine_options(database_url: str, config: dict) -> dict:
    """SQLALCHEMY_ENGINE_OPTIONS for this database URL and the CARETEAM_DB_* settings."""
    connect_timeout = config["CARETEAM_DB_CONNECT_TIMEOUT_SECONDS"]
    statement_timeout = config["CARETEAM_DB_STATEMENT_TIMEOUT_SECONDS"]
    options: dict = {"hide_parameters": True}
    backend = make_url(database_url).get_backend_name()
    if backend == "postgresql":
        options["pool_recycle"] = config["CARETEAM_DB_POOL_RECYCLE_SECONDS"]
        options["pool_timeout"] = max(statement_timeout, connect_timeout)
        options["connect_args"] = {
            "connect_timeout": connect_timeout,
            "options": f"-c statement_timeout={statement_timeout * 1000}",
            # A peer that vanished without closing (a cut network) is noticed within seconds,
            # not after the kernel's ~15 minutes of retransmissions.
            "keepalives": 1,
            "keepalives_idle": connect_timeout,
            "keepalives_interval": 1,
            "keepalives_count": 3,
            "tcp_user_timeout": (statement_timeout + connect_timeout) * 1000,
        }
    return options


def check_idle_connections(engine: Engine, idle_seconds: int) -> None:
    """Ping a pooled connection before use only when it has been idle longer than idle_seconds.

    Under load connections come back within milliseconds and are never pinged; after a quiet
    night (when the database may have restarted) the first request still finds a live one.
    """
    if engine.dialect.name == "sqlite":
        return  # a file, not a network peer

    @event.listens_for(engine, "checkin")
    def _remember_checkin(_dbapi_connection, record):
        if record is not None:
            record.info[_CHECKED_IN_AT] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_connection, record, _proxy):
        checked_in_at = record.info.get(_CHECKED_IN_AT)
        if checked_in_at is None or time.monotonic() - checked_in_at < idle_seconds:
            return
        try:
            cursor = dbapi_connection.cursor()
            cursor.execute("SELECT 1")
            cursor.close()
            dbapi_connection.rollback()
        except Exception as error:
            # The pool discards this connection and checks out (or opens) another.
            raise DisconnectionError("idle connection is gone") from error


def end_reads_with_commit(app: Flask) -> None:
    """End a successful read request's last transaction with COMMIT rather than the ROLLBACK with
    which the session would close it.

    psycopg forgets every prepared statement of a connection on ROLLBACK, so with every request
    ending in one, no statement of the read path was ever prepared: PostgreSQL parsed and planned
    each one on every request (most of the dashboard's 7-8 ms of database CPU). A GET or HEAD that
    answered below 400 with nothing pending in its session has only read since its last commit
    (its audit event), so COMMIT ends that transaction exactly as ROLLBACK would.
    """
    from careteam.extensions import db

    @app.after_request
    def _commit_finished_read(response):
        if request.method not in ("GET", "HEAD") or response.status_code >= 400:
            return response
        session = db.session()
        if session.in_transaction() and not (session.new or session.dirty or session.deleted):
            try:
                session.commit()
            except Exception:  # noqa: BLE001 - the answer stands; the read had nothing to keep
                current_app.logger.warning("ending a read transaction failed", exc_info=True)
                session.rollback()
        return response
