"""SQLite's transactions: real ones, with SAVEPOINT, and its single write lock taken only when needed.

pysqlite's own transaction handling begins transactions late and breaks SAVEPOINT; SQLAlchemy's
documented fix is to turn it off and emit BEGIN ourselves. We emit BEGIN IMMEDIATE: nearly every
request writes (at least its audit event), and a deferred transaction that has read and then
needs the write lock fails at once with "database is locked" instead of waiting its turn.

Once a GET or HEAD request has committed (its audit event is saved before anything is loaded),
what follows only reads, so later transactions are deferred: holding the one write lock while a
page renders or a PDF is drawn would queue every other request behind it. A use case that may
write starts with authorize(), which calls leave_reads_only() to end such a transaction, so that
its own begins with the lock again.
"""

from __future__ import annotations

from flask import g, has_request_context, request
from sqlalchemy import event


def configure(engine, busy_timeout_seconds: int = 10) -> None:
    busy_timeout_ms = max(0, int(busy_timeout_seconds * 1000))

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN" if reads_only() else "BEGIN IMMEDIATE")

    @event.listens_for(engine, "commit")
    def _on_commit(_connection):
        if has_request_context() and request.method in ("GET", "HEAD"):
            g.sqlite_reads_only = True


def reads_only() -> bool:
    """Whether this request's transactions are now begun without the write lock."""
    return has_request_context() and g.get("sqlite_reads_only", False)


def leave_reads_only(end_transaction) -> None:
    """Before a use case that may write: end the read-only transaction (by calling
    `end_transaction`), and take the write lock at the start of every later one."""
    if reads_only():
        end_transaction()  # a commit: sets the flag again
        g.sqlite_reads_only = False


def reads_only_next() -> None:
    """A background job in a POST context that will only read for a while (the record export
    between its progress writes): its next transactions begin without the write lock, until
    leave_reads_only() before its next write."""
    if has_request_context():
        g.sqlite_reads_only = True


def write_lock_next() -> None:
    """After a rollback, before a write (a refusal's or an error's audit event): the request's
    next transaction takes the write lock, whatever it read before."""
    if has_request_context():
        g.sqlite_reads_only = False
