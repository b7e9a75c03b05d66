"""Whether this instance can serve requests: each check answers ready or not, quickly.

`/healthz` says the process is alive (no I/O at all); `/readyz` runs READINESS_CHECKS, for a
load balancer or an orchestrator to stop sending traffic while a dependency is away. A feature
with its own dependency (e.g. the job queue) appends a check here:

    READINESS_CHECKS.append(("job_queue", job_queue_is_ready))

A check takes no arguments, returns True when ready, and may raise (which counts as not ready).
It must be bounded in time and must not write anything.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import text

from careteam.extensions import db


def database_is_ready() -> bool:
    try:
        db.session.execute(text("SELECT 1"))
    finally:
        db.session.rollback()
    return True


READINESS_CHECKS: list[tuple[str, Callable[[], bool]]] = [("database", database_is_ready)]


def readiness() -> dict[str, bool]:
    """{check name: ready}, one entry per check; the reason of a failure is not exposed."""
    results = {}
    for name, check in READINESS_CHECKS:
        try:
            results[name] = bool(check())
        except Exception:
            results[name] = False
    return results
