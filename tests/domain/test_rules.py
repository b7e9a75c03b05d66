"""Table tests for the small rules: passwords, session expiry, next= redirects."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from careteam.domain.passwords import MAX_LENGTH, MIN_LENGTH, normalise, password_problem
from careteam.domain.redirects import safe_next
from careteam.domain.sessions import SessionState, session_state


@pytest.mark.parametrize(
    "password,ok",
    [
        ("a" * (MIN_LENGTH - 1), False),
        ("a" * MIN_LENGTH, False),  # long enough, but a repeat is guessed at once
        ("correct horse battery staple", True),
        ("日本語のパスワード日本語の", True),  # Unicode counts by character
        (" " * 20, False),
        ("lantern quietly orbits the marmalade " * 6 + "x" * 34, True),  # MAX_LENGTH exactly
        ("lantern quietly orbits the marmalade " * 7, False),  # MAX_LENGTH + 3
        ("", False),
    ],
)
def test_password_rules(password, ok):
    assert (password_problem(password) is None) is ok


def test_passwords_are_compared_in_one_unicode_form():
    composed, decomposed = "caf\u00e9-password-1", "cafe\u0301-password-1"
    assert normalise(composed) == normalise(decomposed)


T0 = datetime(2026, 1, 1, 8, 0, tzinfo=timezone.utc)
IDLE, LIFE = timedelta(minutes=30), timedelta(hours=12)


@pytest.mark.parametrize(
    "now,last_seen,state",
    [
        (T0 + timedelta(minutes=5), T0, SessionState.ACTIVE),
        (T0 + timedelta(minutes=29, seconds=59), T0, SessionState.ACTIVE),
        (T0 + timedelta(minutes=30), T0, SessionState.IDLE_EXPIRED),
        (T0 + timedelta(hours=11), T0 + timedelta(hours=10, minutes=50), SessionState.ACTIVE),
        (T0 + timedelta(hours=12), T0 + timedelta(hours=11, minutes=59), SessionState.LIFETIME_EXPIRED),
        (T0 + timedelta(hours=13), T0, SessionState.LIFETIME_EXPIRED),  # lifetime wins over idle
    ],
)
def test_session_expiry(now, last_seen, state):
    assert session_state(now, T0, last_seen, IDLE, LIFE) == state


@pytest.mark.parametrize(
    "target,expected",
    [
        ("/patients/3", "/patients/3"),
        ("/patients?sort=name", "/patients?sort=name"),
        ("https://evil.example/", None),
        ("//evil.example/", None),
        ("/\\evil.example", None),
        ("\\\\evil.example", None),
        ("javascript:alert(1)", None),
        ("/ok\r\nSet-Cookie: x", None),
        ("", None),
        (None, None),
        ("patients", None),
    ],
)
def test_next_redirect_stays_on_site(target, expected):
    assert safe_next(target) == expected
