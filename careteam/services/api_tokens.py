"""Personal API tokens: shown once, stored as a digest, expiring, revocable.

Every token of a user ends when their password is changed or reset, when the account is
deactivated and when their second factor is reset: whoever took over a password or a device
must not keep a way in.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, g, has_request_context
from sqlalchemy import bindparam, select, update

from careteam.extensions import db
from careteam.models import ApiToken, User, utcnow
from careteam.services import audit
from careteam.services.account_notices import send_account_notice
from careteam.services.audit import Outcome
from careteam.services.credentials import API_TOKEN_PREFIX, new_api_token, token_digest
from careteam.services.errors import InvalidInput, NotFound

_LAST_USED_RESOLUTION = timedelta(minutes=5)

REFUSALS = {
    "expired": "This API token has expired. Create a new one on your Account page.",
    "revoked": "This API token was revoked. Create a new one on your Account page.",
    "password changed": "This API token ended when the account's password changed. Create a new one.",
    "deactivated": "This API token ended because the account was deactivated.",
    "second factor reset": "This API token ended when the account's two-factor sign-in was reset. Create a new one.",
    "role changed": "This API token ended when the account's role changed. Create a new one.",
    "second factor missing": "Turn on two-factor sign-in on your Account page; until then API tokens do not work.",
    "unknown": "This API token is not valid.",
}


def lifetime_limits() -> tuple[int, int]:
    config = current_app.config
    return config["CARETEAM_API_TOKEN_DAYS"], config["CARETEAM_API_TOKEN_MAX_DAYS"]


def list_tokens(user: User) -> list[ApiToken]:
    return list(
        db.session.scalars(
            select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc())
        )
    )


def create_token(user: User, name: str, days: int | None = None) -> tuple[ApiToken, str]:
    name = name.strip()
    if not name or len(name) > 100:
        raise InvalidInput({"name": "Give the token a name of up to 100 characters."})
    default_days, max_days = lifetime_limits()
    days = default_days if days is None else days
    if not 1 <= days <= max_days:
        raise InvalidInput({"expires_in_days": f"Choose between 1 and {max_days} days."})
    plaintext = new_api_token()
    token = ApiToken(
        user_id=user.id,
        name=name,
        token_digest=token_digest(plaintext),
        display_prefix=plaintext[: len(API_TOKEN_PREFIX) + 4],
        expires_at=utcnow() + timedelta(days=days),
    )
    db.session.add(token)
    db.session.flush()
    audit.record("create", actor=user, object_type="api_token", object_id=token.id,
                 detail=f"expires in {days} days")
    db.session.commit()
    send_account_notice(user, "token_created")
    return token, plaintext


def revoke_token(user: User, token_id: int) -> None:
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        audit.record("revoke", actor=user, object_type="api_token", object_id=token_id,
                     outcome=Outcome.DENIED, detail="not the caller's token")
        db.session.commit()
        raise NotFound()
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        token.revoked_reason = "revoked"
        audit.record("revoke", actor=user, object_type="api_token", object_id=token.id)
        db.session.commit()
        send_account_notice(user, "token_revoked")
    db.session.commit()


def expiry(token: ApiToken):
    """When the token stops working; tokens older than expiry count from their creation."""
    return token.expires_at or token.created_at + timedelta(days=lifetime_limits()[0])


def ended_because(token: ApiToken) -> str | None:
    """Why a token no longer works, in words for its owner; None while it works."""
    if token.revoked_at is not None:
        return token.revoked_reason or "revoked"
    if utcnow() >= expiry(token):
        return "expired"
    return None


def _mfa_missing(user: User) -> bool:
    from careteam.services.two_factor import mfa_required_for

    return mfa_required_for(user) and not user.has_mfa


def end_all_tokens(user: User, reason: str) -> int:
    """End every live token of the user, in the caller's transaction. Returns how many."""
    result = db.session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow(), revoked_reason=reason)
        .execution_options(synchronize_session="fetch")
    )
    return result.rowcount or 0


def _refuse(token: ApiToken | None, reason: str) -> None:
    if has_request_context():
        g.api_token_refusal = REFUSALS.get(reason, REFUSALS["unknown"])
    if token is not None:  # a known token: its owner's trail shows the attempt
        audit.record("api_token_refused", actor=token.user, object_type="api_token",
                     object_id=token.id, outcome=Outcome.DENIED, detail=reason)
        db.session.commit()


_TOKEN_AND_USER = (select(ApiToken, User).join(User, User.id == ApiToken.user_id)
                   .where(ApiToken.token_digest == bindparam("digest")))  # prebuilt: every API request runs it


def user_for_token(plaintext: str) -> User | None:
    """The token's user, in one statement (token and user together)."""
    if not plaintext.startswith(API_TOKEN_PREFIX):
        _refuse(None, "unknown")
        return None
    found = db.session.execute(_TOKEN_AND_USER, {"digest": token_digest(plaintext)}).first()
    token, user = found if found is not None else (None, None)
    now = utcnow()
    if token is None:
        _refuse(None, "unknown")
        return None
    if token.revoked_at is not None:
        _refuse(token, token.revoked_reason or "revoked")
        return None
    if not user.active:
        _refuse(token, "deactivated")
        return None
    if now >= expiry(token):
        _refuse(token, "expired")
        return None
    if _mfa_missing(user):
        _refuse(token, "second factor missing")
        return None
    if token.last_used_at is None or now - token.last_used_at > _LAST_USED_RESOLUTION:
        token.last_used_at = now
        audit.commit_read()  # keeps the user loaded: no re-select after the commit
    return user
