"""The minute's work of the worker: each part on its own, so that one failing does not stop the rest."""

from __future__ import annotations

import logging

from careteam.extensions import db
from careteam.services import clock, escalation, outbox

log = logging.getLogger(__name__)


def run_due() -> dict[str, int]:
    now = clock.now()
    done: dict[str, int] = {}
    for name, step in _steps():
        try:
            done[name] = step(now)
        except Exception:  # noqa: BLE001 - logged; the next minute tries again
            db.session.rollback()
            log.exception("scheduled step %s failed", name)
            done[name] = -1
    return done


def _steps():
    from careteam.services import bundles, digest, record_export, reminders

    return [
        ("escalations", escalation.escalate_due),
        ("reminders", reminders.add_due),
        ("digests", digest.add_due),
        ("bundles_deleted", bundles.delete_expired),
        ("record_exports_deleted", record_export.delete_expired),
        ("emails_sent", lambda _now: outbox.deliver_due()[0]),
    ]
