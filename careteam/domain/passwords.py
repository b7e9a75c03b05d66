"""Password rules: length only (NIST SP 800-63B), counted in Unicode code points after NFC."""

from __future__ import annotations

import unicodedata

MIN_LENGTH = 12
MAX_LENGTH = 256


def normalise(password: str) -> str:
    """The same password typed on two keyboards should hash the same."""
    return unicodedata.normalize("NFC", password)


def password_problem(password: str) -> str | None:
    """A message for the person, or None when the password is acceptable."""
    length = len(normalise(password))
    if length < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters."
    if length > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH} characters."
    if not password.strip():
        return "A password cannot be only spaces."
    return None
