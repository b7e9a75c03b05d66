"""When a signed-in session ends by itself."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum


class SessionState(StrEnum):
    ACTIVE = "active"
    IDLE_EXPIRED = "idle_expired"
    LIFETIME_EXPIRED = "lifetime_expired"


def session_state(
    now: datetime,
    signed_in_at: datetime,
    last_seen_at: datetime,
    idle_timeout: timedelta,
    lifetime: timedelta,
) -> SessionState:
    if now - signed_in_at >= lifetime:
        return SessionState.LIFETIME_EXPIRED
    if now - last_seen_at >= idle_timeout:
        return SessionState.IDLE_EXPIRED
    return SessionState.ACTIVE
