"""Password rules (NIST SP 800-63B §5.1.1.2), counted in Unicode code points after NFC.

A password is refused when it is too short or too long, when it contains a word from its
context (the account's e-mail and its parts, the person's name, the clinic's name, "careteam"),
or when zxcvbn estimates it easy to guess: zxcvbn's frequency lists (common passwords from
breach corpora, names, English words, TV and film) are the maintained blocklist, and its score
must reach `MIN_SCORE` (3: about 10^8 or more guesses, "safely unguessable" in its terms).
No composition rules (no "one digit, one symbol"): the guideline advises against them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from zxcvbn import zxcvbn

MIN_LENGTH = 12
MAX_LENGTH = 256
MIN_SCORE = 3
# zxcvbn refuses longer input; a prefix this long is judged, the rest can only add strength.
_ZXCVBN_MAX = 72
# Context words shorter than this are too common inside ordinary words to refuse ("Ann", "Bo").
MIN_CONTEXT_WORD = 4
SERVICE_WORDS = ("careteam",)

CONTEXT_MESSAGE = ("Do not use your e-mail address, your name, the clinic's name or \"careteam\" "
                   "in your password: they are the first things an attacker tries.")


def normalise(password: str) -> str:
    """The same password typed on two keyboards should hash the same."""
    return unicodedata.normalize("NFC", password)


def context_words(*, email: str = "", name: str = "", clinic_name: str = "") -> list[str]:
    """The words an attacker who knows the account would try first, lower-case, longest first."""
    words: set[str] = set(SERVICE_WORDS)
    local, _, domain = email.lower().partition("@")
    words.add(email.lower().strip())
    labels = domain.split(".")[:-1]  # "northside-clinic" of northside-clinic.example, not "example"
    for phrase in (local, name.lower(), clinic_name.lower(), *labels):
        words.add(phrase.strip())
        words.update(re.split(r"[^\w]+|_|\d+", phrase))
    return sorted((w for w in words if len(w) >= MIN_CONTEXT_WORD), key=lambda w: (-len(w), w))


def _plain_feedback(result: dict) -> str:
    feedback = result.get("feedback") or {}
    parts = [feedback.get("warning") or "", *feedback.get("suggestions", [])]
    return " ".join(p.strip() for p in parts if p and p.strip())


def password_problem(password: str, context: Iterable[str] = ()) -> str | None:
    """A message for the person, or None when the password is acceptable.

    `context` is what `context_words` returns for the account (the service word is always in).
    """
    password = normalise(password)
    length = len(password)
    if length < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters."
    if length > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH} characters."
    if not password.strip():
        return "A password cannot be only spaces."
    words = sorted({w.lower() for w in (*context, *SERVICE_WORDS) if len(w) >= MIN_CONTEXT_WORD})
    lowered = password.lower()
    result = zxcvbn(password[:_ZXCVBN_MAX], user_inputs=words)
    # zxcvbn also finds context words spelled backwards or in l33t ("c4r3t3am").
    if any(w in lowered for w in words) or any(
        m.get("dictionary_name") == "user_inputs" and len(m.get("matched_word", "")) >= MIN_CONTEXT_WORD
        for m in result["sequence"]
    ):
        return CONTEXT_MESSAGE
    if result["score"] < MIN_SCORE:
        advice = _plain_feedback(result)
        return ("This password is too easy to guess: it is common, or built from a pattern "
                "that password-guessing programs try early. "
                + (advice + " " if advice else "")
                + "A few unrelated words, in an order only you would choose, make a strong password.")
    return None
