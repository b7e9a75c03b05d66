"""Personal API tokens: shown once, stored as a digest, revocable."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from careteam.extensions import db
from careteam.models import ApiToken, User, utcnow
from careteam.services import audit
from careteam.services.credentials import API_TOKEN_PREFIX, new_api_token, token_digest
from careteam.services.errors import InvalidInput, NotFound

_LAST_USED_RESOLUTION = timedelta(minutes=5)


def list_tokens(user: User) -> list[ApiToken]:
    return list(
        db.session.scalars(
            select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc())
        )
    )


def create_token(user: User, name: str) -> tuple[ApiToken, str]:
    name = name.strip()
    if not name or len(name) > 100:
        raise InvalidInput({"name": "Give the token a name of up to 100 characters."})
    plaintext = new_api_token()
    token = ApiToken(
        user_id=user.id,
        name=name,
        token_digest=token_digest(plaintext),
        display_prefix=plaintext[: len(API_TOKEN_PREFIX) + 4],
    )
    db.session.add(token)
    db.session.flush()
    audit.record("create", actor=user, object_type="api_token", object_id=token.id)
    db.session.commit()
    return token, plaintext


def revoke_token(user: User, token_id: int) -> None:
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound()
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record("revoke", actor=user, object_type="api_token", object_id=token.id)
    db.session.commit()


def user_for_token(plaintext: str) -> User | None:
    """The token's user, in one statement (token and user together)."""
    if not plaintext.startswith(API_TOKEN_PREFIX):
        return None
    found = db.session.execute(
        select(ApiToken, User).join(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_digest == token_digest(plaintext))
    ).first()
    if found is None:
        return None
    token, user = found
    if token.revoked_at is not None or not user.active:
        return None
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at > _LAST_USED_RESOLUTION:
        token.last_used_at = now
        audit.commit_read()  # keeps the user loaded: no re-select after the commit
    return user
