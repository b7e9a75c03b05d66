"""Second-factor codes: time-based one-time passwords (RFC 6238) and one-time recovery codes.

A TOTP code is accepted for the current 30-second step and one step either side (clocks on
phones drift), and only for a step later than the last one accepted: the same code, seen by
someone looking over a shoulder, cannot be used again within its window.
"""

from __future__ import annotations

import hmac
import re
import secrets
from dataclasses import dataclass
from enum import Enum

import pyotp

DIGITS = 6
STEP_SECONDS = 30
DRIFT_STEPS = 1
RECOVERY_CODE_COUNT = 10
# 10 characters from 31 without look-alikes (no i, l, o, 0, 1): about 49 bits each.
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


class CodeCheck(Enum):
    ACCEPTED = "accepted"
    WRONG = "wrong"
    REUSED = "reused"
    MALFORMED = "malformed"


@dataclass(frozen=True)
class TotpResult:
    check: CodeCheck
    step: int | None = None


def new_secret() -> str:
    return pyotp.random_base32()  # 160 bits, as RFC 4226 recommends


def provisioning_uri(secret: str, account: str, issuer: str) -> str:
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).provisioning_uri(
        name=account, issuer_name=issuer)


def looks_like_totp(code: str) -> bool:
    return re.fullmatch(r"\d{%d}" % DIGITS, code.replace(" ", "")) is not None


def check_totp(secret: str, code: str, now: float, last_step: int | None) -> TotpResult:
    """Is `code` right for a step within ±DRIFT_STEPS of `now`, and later than `last_step`?"""
    code = code.replace(" ", "")
    if not looks_like_totp(code):
        return TotpResult(CodeCheck.MALFORMED)
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS)
    current = int(now // STEP_SECONDS)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            if last_step is not None and step <= last_step:
                return TotpResult(CodeCheck.REUSED, step)
            return TotpResult(CodeCheck.ACCEPTED, step)
    return TotpResult(CodeCheck.WRONG)


def new_recovery_codes(count: int = RECOVERY_CODE_COUNT) -> list[str]:
    codes = ["".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10)) for _ in range(count)]
    return [f"{c[:5]}-{c[5:]}" for c in codes]


def normalise_recovery_code(text: str) -> str:
    """What people type: any case, with or without the dash or spaces."""
    plain = re.sub(r"[\s-]", "", text.lower())
    return f"{plain[:5]}-{plain[5:]}" if len(plain) == 10 else plain
