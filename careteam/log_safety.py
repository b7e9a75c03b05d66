"""Log lines never carry record data, even when a database error does.

A database error's message can quote the data it was given: PostgreSQL's "Key (email)=(…)
already exists" or "invalid input syntax for type integer: "…"", and SQLAlchemy's
"[parameters: …]" (hidden by the engine's hide_parameters, see careteam/database.py). Whoever
logs such an exception (careteam, a library, a future module) would write note text to the log.

So every log record, whatever its logger, is rewritten as it is made: an exception whose chain
holds a database error keeps its traceback (files, lines, functions), its type, its SQLSTATE and
the SQL statement (parameters are bound, so the statement holds no values), but not its message.
"""

from __future__ import annotations

import logging
import sqlite3
import traceback

from sqlalchemy.exc import SQLAlchemyError, StatementError

try:  # psycopg is only installed for PostgreSQL
    import psycopg

    _DRIVER_ERRORS: tuple[type[BaseException], ...] = (sqlite3.Error, psycopg.Error)
except ImportError:  # pragma: no cover
    _DRIVER_ERRORS = (sqlite3.Error,)

_DATABASE_ERRORS = (SQLAlchemyError, *_DRIVER_ERRORS)
_WITHHELD = "message withheld: it may quote record data"
_installed = False


def _chain(error: BaseException | None):
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        yield error
        error = error.__cause__ or error.__context__


def holds_database_error(error: BaseException | None) -> bool:
    return any(isinstance(link, _DATABASE_ERRORS) for link in _chain(error))


def describe(error: BaseException) -> str:
    """What a database error may say in a log: its type, SQLSTATE and statement."""
    parts = [f"{type(error).__module__}.{type(error).__qualname__}"]
    original = getattr(error, "orig", None)
    sqlstate = getattr(original, "sqlstate", None) or getattr(error, "sqlstate", None)
    if sqlstate:
        parts.append(f"SQLSTATE {sqlstate}")
    if isinstance(error, StatementError) and error.statement:
        parts.append(f"statement: {' '.join(error.statement.split())}")
    return f"{' | '.join(parts)} ({_WITHHELD})"


def safe_traceback(error: BaseException) -> str:
    """The traceback of every exception in the chain, with each message replaced."""
    sections = []
    for link in reversed(list(_chain(error))):
        frames = "".join(traceback.format_list(traceback.extract_tb(link.__traceback__)))
        sections.append(f"Traceback (most recent call last):\n{frames}{describe(link)}")
    return "\n\nwhich led to:\n\n".join(sections)


def _redact(record: logging.LogRecord) -> logging.LogRecord:
    error = record.exc_info[1] if record.exc_info else None
    if error is not None and holds_database_error(error):
        record.exc_info = None
        record.exc_text = safe_traceback(error)
    if isinstance(record.args, tuple) and any(isinstance(a, _DATABASE_ERRORS) for a in record.args):
        record.args = tuple(describe(a) if isinstance(a, _DATABASE_ERRORS) else a for a in record.args)
    return record


def install() -> None:
    """Redact every log record made in this process from now on (idempotent)."""
    global _installed
    if _installed:
        return
    make_record = logging.getLogRecordFactory()

    def redacting_factory(*args, **kwargs):
        return _redact(make_record(*args, **kwargs))

    logging.setLogRecordFactory(redacting_factory)
    _installed = True
