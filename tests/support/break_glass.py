"""Helpers for emergency (break-glass) access in tests."""

from __future__ import annotations

from datetime import timedelta

from careteam.services import clock

REASON = "Unconscious in the emergency department, team unreachable"
_real_now = clock.now


def open_emergency(client, identifier, reason: str = REASON):
    """Ask for emergency access through the page, as a clinician would."""
    return client.post("/emergency-access", data={"identifier": str(identifier), "reason": reason})


def move_clock(monkeypatch, by: timedelta) -> None:
    """Every `clock.now()` from here on answers `by` later than the real time."""
    monkeypatch.setattr(clock, "now", lambda: _real_now() + by)
