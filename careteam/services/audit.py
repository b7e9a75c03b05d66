"""Writing the audit trail.

Successful events join the request's own transaction and are committed with it. Denials are
kept aside and written after the request's transaction has been rolled back, so a refused
request leaves its denial behind and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import g, has_request_context, request
from sqlalchemy import insert

from careteam import sqlite
from careteam.extensions import db
from careteam.models import AuditEvent, User
from careteam.models.audit import link_into_chain


class Outcome:
    SUCCESS = "success"
    FAILURE = "failure"
    DENIED = "denied"
    ERROR = "error"


DETAIL_LENGTH = 80
_METHOD_ACTIONS = {"GET": "read", "HEAD": "read", "POST": "write", "PUT": "write", "PATCH": "write",
                   "DELETE": "delete"}


def _request_meta() -> tuple[str | None, str | None]:
    if not has_request_context():
        return None, None
    return request.remote_addr, g.get("request_id")


def note_break_glass(actor_id: int, patient_id: int, grant_id: int) -> None:
    """Remember for this request that the actor reads this record under an emergency grant."""
    if has_request_context():
        g.setdefault("break_glass_grants", {})[(actor_id, patient_id)] = grant_id


def _break_glass_grant(actor_id: int | None, patient_id: int | None) -> int | None:
    if not has_request_context() or actor_id is None or patient_id is None:
        return None
    return g.get("break_glass_grants", {}).get((actor_id, patient_id))


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
        detail=detail[:DETAIL_LENGTH] if detail else detail,
        address=address,
        request_id=request_id,
        break_glass_grant_id=_break_glass_grant(actor_id, patient_id),
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


_READ_EVENT = insert(AuditEvent.__table__)  # prebuilt; the values come as parameters


def record_read(actor: User, patient_id: int, object_type: str, *, object_id: int | str | None = None,
                detail: str | None = None) -> None:
    """A read's audit event: one Core insert, committed before any of the record is read. If it
    cannot be written, the read fails (no unaudited read). What was loaded stays loaded."""
    address, request_id = _request_meta()
    values = dict(
        user_id=actor.id, role=actor.role, patient_id=patient_id, object_type=object_type,
        object_id=str(object_id) if object_id is not None else None, action="read", outcome=Outcome.SUCCESS,
        detail=detail, address=address, request_id=request_id,
        break_glass_grant_id=_break_glass_grant(actor.id, patient_id))
    try:
        # A Core insert skips the mapper hook that links ORM-added events into the hash chain.
        connection = db.session.connection()
        connection.execute(_READ_EVENT, link_into_chain(connection, values))
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


def record_list(actor: User, list_name: str, count: int, **filters) -> None:
    """A list view (no one patient): one event with who, which list, its filter and how many
    rows it showed; committed at once, keeping what was loaded."""
    shown = " ".join(f"{k}={v}" for k, v in filters.items() if v not in (None, ""))
    record("list", actor=actor, object_type=list_name[:40], detail=f"count={count} {shown}".strip())
    commit_read()


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
    sqlite.write_lock_next()
    db.session.add_all(p.event for p in pending)
    db.session.commit()


def _route_object() -> tuple[int | None, str, str | None]:
    """From the matched route: the patient (if the request already found it), and the innermost
    object named in the URL, e.g. /patients/1/goals/7 -> (1, "goal", "7")."""
    args = dict(request.view_args or {})
    patient_arg = args.pop("patient_id", None)
    known = g.get("patient_relations", {})
    patient_id = patient_arg if any(key[1] == patient_arg and value[0] is not None
                                    for key, value in known.items()) else None
    for name, value in reversed(list(args.items())):
        return patient_id, name.removesuffix("_id"), str(value)
    if patient_arg is not None:
        return patient_id, "patient", str(patient_arg)
    return patient_id, request.endpoint or "unmatched", None


def record_unaudited_refusal(actor: User | None, status: int) -> None:
    """Every 403 and 404 leaves a denial. Most use cases write their own; this covers the rest
    in one place, e.g. a nested id of another patient's object (/patients/A/goals/<B's goal>)."""
    if not has_request_context() or g.get("pending_denials"):
        return
    signed_in = actor is not None and actor.is_authenticated
    if not signed_in and not (request.view_args or {}).get("patient_id"):
        return  # an anonymous visitor's missing page is not about anyone's record
    patient_id, object_type, object_id = _route_object()
    record_denial(_METHOD_ACTIONS.get(request.method, "access"), actor=actor if signed_in else None,
                  patient_id=patient_id, object_type=object_type[:40], object_id=object_id,
                  detail="not found" if status == 404 else "forbidden" if status == 403 else str(status))


def record_error(actor: User | None, error: BaseException | None) -> None:
    """A request that ended in 500: after its rollback, one event of its own. Never raises."""
    try:
        db.session.rollback()
        sqlite.write_lock_next()
        signed_in = actor is not None and actor.is_authenticated
        patient_id, object_type, object_id = _route_object() if has_request_context() else (None, "", None)
        action = _METHOD_ACTIONS.get(request.method, "access") if has_request_context() else "access"
        db.session.add(_event(action, Outcome.ERROR, actor if signed_in else None, patient_id,
                              object_type[:40] or None, object_id,
                              type(error).__name__ if error is not None else "error"))
        db.session.commit()
    except Exception:  # noqa: BLE001 - the error page must still be sent
        try:
            db.session.rollback()
        except Exception:  # noqa: BLE001
            pass
        from flask import current_app

        current_app.logger.exception("could not write the error audit event")
