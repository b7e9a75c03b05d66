"""Checking the audit trail's hash chain from end to end."""

from __future__ import annotations

from sqlalchemy import select

from careteam.domain.audit_chain import CHAINED_FIELDS, ChainCheck, check_chain
from careteam.extensions import db
from careteam.models import AuditEvent

_COLUMNS = [AuditEvent.id, AuditEvent.hash, *(getattr(AuditEvent, name) for name in CHAINED_FIELDS)]


def verify_chain() -> ChainCheck:
    """Every event in id order, streamed: the first broken link, or the count and the head."""
    rows = db.session.execute(
        select(*_COLUMNS).order_by(AuditEvent.id).execution_options(yield_per=2000)
    ).mappings()
    return check_chain(rows)
