"""Two-factor sign-in: enrolment, verification, recovery codes, an admin's reset.

The TOTP secret is shown only while enrolment is pending; once confirmed it is never shown
again. At rest it is sealed with a key derived from the app's secret key (a random nonce and an
HMAC-SHA256 keystream), so a copy of the database alone does not yield working codes.
Changing CARETEAM_SECRET_KEY therefore means everyone enrols again.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time

import segno
from flask import current_app
from sqlalchemy import delete, select

from careteam.domain.policy import CLINICIAN_ROLES, Role
from careteam.domain.totp import (
    CodeCheck,
    check_totp,
    new_recovery_codes,
    new_secret,
    normalise_recovery_code,
    provisioning_uri,
)
from careteam.extensions import db
from careteam.models import RecoveryCode, User, utcnow
from careteam.services import audit
from careteam.services.access import require_admin
from careteam.services.account_notices import send_account_notice
from careteam.services.api_tokens import end_all_tokens
from careteam.services.audit import Outcome
from careteam.services.errors import InvalidInput, NotFound

WRONG_CODE = "That code is not right. Enter the 6-digit code your app shows now, or a recovery code."
REUSED_CODE = "That code was already used. Wait for the next code in your app."


def _now() -> float:
    """One place for tests to move the clock of TOTP codes."""
    return time.time()


def mfa_required_for(user: User) -> bool:
    return bool(current_app.config.get("CARETEAM_REQUIRE_MFA")) and (
        user.role_enum in CLINICIAN_ROLES or user.role_enum == Role.ADMIN)


# --- sealing the secret at rest ------------------------------------------------------------


def _keystream(nonce: bytes, user_id: int, length: int) -> bytes:
    key = hashlib.sha256(b"careteam.totp|" + current_app.config["SECRET_KEY"].encode()).digest()
    return hmac.new(key, nonce + str(user_id).encode(), hashlib.sha256).digest()[:length]


def _seal(user: User, secret: str) -> str:
    raw, nonce = base64.b32decode(secret), secrets.token_bytes(12)
    sealed = bytes(a ^ b for a, b in zip(raw, _keystream(nonce, user.id, len(raw)), strict=True))
    return base64.urlsafe_b64encode(nonce + sealed).decode()


def _unseal(user: User) -> str:
    blob = base64.urlsafe_b64decode(user.totp_secret.encode())
    nonce, sealed = blob[:12], blob[12:]
    raw = bytes(a ^ b for a, b in zip(sealed, _keystream(nonce, user.id, len(sealed)), strict=True))
    return base64.b32encode(raw).decode()


# --- enrolment -------------------------------------------------------------------------------


def pending_enrolment(user: User) -> dict:
    """The secret to scan, as text, URI and QR image. A pending secret survives a reload."""
    if user.has_mfa:
        raise InvalidInput({"_": "Two-factor sign-in is already on for this account."})
    if user.totp_secret is None:
        user.totp_secret = _seal(user, new_secret())
        db.session.commit()
    secret = _unseal(user)
    uri = provisioning_uri(secret, user.email, current_app.config["CARETEAM_CLINIC_NAME"])
    return {
        "secret": " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)),
        "qr_data_uri": segno.make(uri, error="m").svg_data_uri(scale=5, border=2),
    }


def _store_recovery_codes(user: User) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = new_recovery_codes()
    db.session.add_all(RecoveryCode(user_id=user.id, code_digest=_digest(code)) for code in codes)
    return codes


def _digest(code: str) -> str:
    return hashlib.sha256(normalise_recovery_code(code).encode()).hexdigest()


def confirm_enrolment(user: User, code: str) -> list[str]:
    """Turn two-factor sign-in on with a first code; the recovery codes, shown this once."""
    if user.has_mfa or user.totp_secret is None:
        raise InvalidInput({"code": "Start again: open the two-factor page and scan the new code."})
    result = check_totp(_unseal(user), code, _now(), user.totp_last_step)
    if result.check != CodeCheck.ACCEPTED:
        audit.record("mfa_enrol", actor=user, object_type="user", object_id=user.id,
                     outcome=Outcome.FAILURE, detail=result.check.value)
        db.session.commit()
        raise InvalidInput({"code": REUSED_CODE if result.check == CodeCheck.REUSED else
                            "That code is not right. Check the time on your phone and try the new code."})
    user.mfa_enabled_at = utcnow()
    user.totp_last_step = result.step
    codes = _store_recovery_codes(user)
    audit.record("mfa_enrol", actor=user, object_type="user", object_id=user.id)
    db.session.commit()
    send_account_notice(user, "second_factor_enrolled")
    return codes


def remaining_recovery_codes(user: User) -> int:
    return len(db.session.scalars(select(RecoveryCode.id).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))).all())


# --- verification at sign-in -----------------------------------------------------------------


def verify_second_factor(user: User, code: str) -> str:
    """Check a TOTP or recovery code for a user who has passed the password step.

    Returns "totp" or "recovery_code"; raises InvalidInput (audited) when it is not right.
    """
    if not user.has_mfa or not user.active:
        raise InvalidInput({"code": WRONG_CODE})
    result = check_totp(_unseal(user), code, _now(), user.totp_last_step)
    if result.check == CodeCheck.ACCEPTED:
        user.totp_last_step = result.step
        audit.record("mfa_verify", actor=user, object_type="user", object_id=user.id, detail="totp")
        db.session.commit()
        return "totp"
    if result.check == CodeCheck.MALFORMED and _use_recovery_code(user, code):
        return "recovery_code"
    audit.record("mfa_verify", actor=user, object_type="user", object_id=user.id,
                 outcome=Outcome.FAILURE, detail=result.check.value)
    db.session.commit()
    raise InvalidInput({"code": REUSED_CODE if result.check == CodeCheck.REUSED else WRONG_CODE})


def _use_recovery_code(user: User, code: str) -> bool:
    row = db.session.scalar(select(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.code_digest == _digest(code)))
    if row is None:
        return False
    if row.used_at is not None:
        audit.record("mfa_recovery_code", actor=user, object_type="user", object_id=user.id,
                     outcome=Outcome.FAILURE, detail="already used")
        db.session.commit()
        raise InvalidInput({"code": "That recovery code was already used. Each works once."})
    row.used_at = utcnow()
    audit.record("mfa_recovery_code", actor=user, object_type="user", object_id=user.id)
    db.session.commit()
    send_account_notice(user, "recovery_code_used", remaining=remaining_recovery_codes(user))
    return True


# --- an admin's reset ------------------------------------------------------------------------


def reset_second_factor(admin: User, user_id: int) -> User:
    """The user enrols again; every session and API token of theirs ends; they are told."""
    require_admin(admin, "reset_second_factor", "user")
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound()
    user.totp_secret = None
    user.mfa_enabled_at = None
    user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    user.end_all_sessions()
    ended = end_all_tokens(user, "second factor reset")
    audit.record("mfa_reset", actor=admin, object_type="user", object_id=user.id,
                 detail=f"{ended} API tokens ended")
    db.session.commit()
    send_account_notice(user, "second_factor_reset")
    return user


def user_awaiting_code(user_id: int, session_token: str) -> User | None:
    """The user half-way through signing in: password right, code still to come."""
    from careteam.services.credentials import same

    user = db.session.get(User, user_id)
    if user is None or not user.active or not user.has_mfa or not same(user.session_token, session_token):
        return None
    return user
