"""Writing the audit trail.

Successful events join the request's own transaction and are committed with it. Denials are
kept aside and written after the request's transaction has been rolled back, so a refused
request leaves its denial behind and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import g, has_request_context, request
from sqlalchemy import insert

from careteam.extensions import db
from careteam.models import AuditEvent, User


class Outcome:
    SUCCESS = "success"
    FAILURE = "failure"
    DENIED = "denied"


def _request_meta() -> tuple[str | None, str | None]:
    if not has_request_context():
        return None, None
    return request.remote_addr, g.get("request_id")


def _event(
    action: str,
    outcome: str,
    actor: User | None,
    patient_id: int | None,
    object_type: str | None,
    object_id: int | str | None,
    detail: str | None,
) -> AuditEvent:
    address, request_id = _request_meta()
    actor_id = actor.id if actor is not None and actor.is_authenticated else None
    return AuditEvent(
        user_id=actor_id,
        role=actor.role if actor_id else None,
        patient_id=patient_id,
        object_type=object_type,
        object_id=str(object_id) if object_id is not None else None,
        action=action,
        outcome=outcome,
        detail=detail,
        address=address,
        request_id=request_id,
    )


def record(
    action: str,
    *,
    actor: User | None,
    patient_id: int | None = None,
    object_type: str | None = None,
    object_id: int | str | None = None,
    outcome: str = Outcome.SUCCESS,
    detail: str | None = None,
) -> None:
    """Add an event to the current transaction; the use case's commit writes it."""
    db.session.add(_event(action, outcome, actor, patient_id, object_type, object_id, detail))


def record_read(actor: User, patient_id: int, object_type: str, *, object_id: int | str | None = None,
                detail: str | None = None) -> None:
    """A read's audit event: one Core insert, committed before any of the record is read. If it
    cannot be written, the read fails (no unaudited read). What was loaded stays loaded."""
    address, request_id = _request_meta()
    try:
        db.session.execute(insert(AuditEvent).values(
            user_id=actor.id, role=actor.role, patient_id=patient_id, object_type=object_type,
            object_id=str(object_id) if object_id is not None else None, action="read", outcome=Outcome.SUCCESS,
            detail=detail, address=address, request_id=request_id))
        commit_read()
    except Exception:
        audit_write_failed()
        raise


def audit_write_failed() -> None:
    """Counted for the metrics endpoint; replaced there when metrics are on."""
    hook = _failure_hooks[-1] if _failure_hooks else None
    if hook is not None:
        hook()


_failure_hooks: list = []


@dataclass
class _PendingDenial:
    event: AuditEvent


def record_denial(
    action: str,
    *,
    actor: User | None,
    patient_id: int | None,
    object_type: str | None,
    object_id: int | str | None = None,
    detail: str | None = None,
) -> None:
    event = _event(action, Outcome.DENIED, actor, patient_id, object_type, object_id, detail)
    if has_request_context():
        g.setdefault("pending_denials", []).append(_PendingDenial(event))
    else:
        db.session.rollback()
        db.session.add(event)
        db.session.commit()


def commit_read() -> None:
    """Commit a read's audit event, keeping what was loaded for display: expiring it would
    reload every object one query at a time."""
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True


def write_pending_denials() -> None:
    """Called once a refused request has its response: roll back its work, keep the denials."""
    pending = g.pop("pending_denials", None)
    if not pending:
        return
    db.session.rollback()
    db.session.add_all(p.event for p in pending)
    db.session.commit()
