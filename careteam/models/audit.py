"""The append-only audit trail."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DDL, ForeignKey, Index, String, event, text
from sqlalchemy.orm import Mapped, mapped_column

from careteam.domain.audit_chain import CHAINED_FIELDS, event_hash
from careteam.extensions import db
from careteam.models.types import UTCDateTime, utcnow


class AuditEvent(db.Model):
    """Who did what to which patient's record, when, and how it ended.

    Never carries a password, a token or clinical free text: `detail` holds short codes only.
    """

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_patient_id_occurred_at", "patient_id", "occurred_at"),)
    # One row at a time, so each event's hash is made right before its own INSERT.
    __mapper_args__ = {"batch": False}

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str | None] = mapped_column(String(20))
    patient_id: Mapped[int | None] = mapped_column(ForeignKey("patients.id"))
    object_type: Mapped[str | None] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(40), index=True)
    outcome: Mapped[str] = mapped_column(String(20), index=True)
    detail: Mapped[str | None] = mapped_column(String(80))
    address: Mapped[str | None] = mapped_column(String(45))
    request_id: Mapped[str | None] = mapped_column(String(36))
    # sha256 over the chained fields and the previous event's hash (domain/audit_chain.py).
    hash: Mapped[str | None] = mapped_column(String(64))
    # Set when the actor read or tried this under an emergency-access grant (break-glass).
    break_glass_grant_id: Mapped[int | None] = mapped_column(index=True)


# The database itself refuses to change or delete an audit row. The same statements are in
# the migration that creates the table; these cover schemas made with create_all (tests).
APPEND_ONLY_TRIGGERS = {
    "sqlite": [
        "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events "
        "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END",
        "CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events "
        "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END",
    ],
    "postgresql": [
        # The chain's tip, read under a transaction-level lock that serialises audit writers
        # until commit. In a plpgsql function each statement takes a fresh snapshot, so the
        # SELECT sees the event a writer committed while this one waited for the lock.
        "CREATE OR REPLACE FUNCTION audit_chain_tip() RETURNS varchar LANGUAGE plpgsql AS $$ "
        "BEGIN PERFORM pg_advisory_xact_lock(5151780103); "
        "RETURN (SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1); END $$",
        "CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger "
        "LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit events are append-only'; END $$",
        "CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events "
        "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()",
    ],
}
DROP_APPEND_ONLY_TRIGGERS = {
    "sqlite": [
        "DROP TRIGGER IF EXISTS audit_events_no_update",
        "DROP TRIGGER IF EXISTS audit_events_no_delete",
    ],
    "postgresql": [
        "DROP TRIGGER IF EXISTS audit_events_no_change ON audit_events",
        "DROP FUNCTION IF EXISTS audit_events_append_only()",
        "DROP FUNCTION IF EXISTS audit_chain_tip()",
    ],
}

for _dialect, _statements in APPEND_ONLY_TRIGGERS.items():
    for _statement in _statements:
        event.listen(
            AuditEvent.__table__, "after_create", DDL(_statement).execute_if(dialect=_dialect)
        )


# SQLite has one writer at a time: a write transaction begins IMMEDIATE, and a deferred one
# whose snapshot is stale cannot upgrade to write (SQLITE_BUSY_SNAPSHOT), so no fork either.
CHAIN_TIP = {
    "postgresql": "SELECT audit_chain_tip()",
    "sqlite": "SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1",
}


_CHAIN_TIP_STATEMENTS = {dialect: text(sql) for dialect, sql in CHAIN_TIP.items()}  # built once: no per-call cache key


def link_into_chain(connection, values: dict) -> dict:
    """Give an event's column values their time (if unset) and their hash: one extra statement,
    the chain's tip (locked on PostgreSQL until commit). For ORM adds and Core inserts alike."""
    if values.get("occurred_at") is None:
        values["occurred_at"] = utcnow()
    previous = connection.execute(_CHAIN_TIP_STATEMENTS[connection.dialect.name]).scalar()
    values["hash"] = event_hash(previous, values)
    return values


@event.listens_for(AuditEvent, "before_insert")
def _link_into_chain(_mapper, connection, target: AuditEvent) -> None:
    values = link_into_chain(connection, {name: getattr(target, name) for name in CHAINED_FIELDS})
    target.occurred_at, target.hash = values["occurred_at"], values["hash"]
