"""Signing in and out, passwords, set-password links."""

from __future__ import annotations

import hashlib

from flask import current_app, url_for
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select

from careteam.domain.passwords import password_problem
from careteam.extensions import db
from careteam.models import User, utcnow
from careteam.services import audit
from careteam.services.access import require_admin
from careteam.services.audit import Outcome
from careteam.services.credentials import hash_password, needs_rehash, verify_password
from careteam.services.errors import AuthenticationFailed, InvalidInput, NotFound
from careteam.services.mail import mail_configured, send_mail

_LINK_SALT = "careteam.set-password"


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def attempted_identifier(email: str) -> str:
    """What a failed sign-in was tried with, for the audit trail. Something that is not an
    e-mail address may be a password typed into the wrong field: it is never kept."""
    email = normalise_email(email or "")
    if "@" not in email or any(c.isspace() for c in email):
        return "(not an e-mail address)"
    return email[:60]


def sign_in(email: str, password: str) -> User:
    user = find_user_by_email(email)
    password_ok = verify_password(user.password_hash if user else None, password)
    if user is None or not password_ok or not user.active:
        reason = "unknown account" if user is None else ("inactive" if password_ok else "bad password")
        audit.record("sign_in", actor=user, outcome=Outcome.FAILURE, object_type="user",
                     object_id=user.id if user else None, detail=f"{reason}: {attempted_identifier(email)}")
        db.session.commit()
        raise AuthenticationFailed()
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    audit.record("sign_in", actor=user, object_type="user", object_id=user.id)
    db.session.commit()
    return user


def sign_out(user: User) -> None:
    """Signing out ends every session of this user, on every device."""
    user.end_all_sessions()
    audit.record("sign_out", actor=user, object_type="user", object_id=user.id)
    db.session.commit()


def _set_password(user: User, new_password: str, field: str) -> None:
    problem = password_problem(new_password)
    if problem:
        raise InvalidInput({field: problem})
    user.password_hash = hash_password(new_password)
    user.password_changed_at = utcnow()
    user.end_all_sessions()


def change_password(user: User, current_password: str, new_password: str) -> None:
    if not verify_password(user.password_hash, current_password):
        audit.record("password_change", actor=user, outcome=Outcome.FAILURE,
                     object_type="user", object_id=user.id, detail="bad current password")
        db.session.commit()
        raise InvalidInput({"current_password": "That is not your current password."})
    _set_password(user, new_password, "new_password")
    audit.record("password_change", actor=user, object_type="user", object_id=user.id)
    db.session.commit()


# --- set-password links -------------------------------------------------------------------
# A link is a signed, timed token naming the user and a fingerprint of their current password.
# Setting a password changes the fingerprint, so a link works once and dies with any change.


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_LINK_SALT)


def _password_fingerprint(user: User) -> str:
    changed = user.password_changed_at.isoformat() if user.password_changed_at else "never"
    return hashlib.sha256(f"{user.password_hash or ''}|{changed}".encode()).hexdigest()[:20]


def issue_set_password_link(admin: User, user_id: int) -> tuple[str, bool]:
    """The link to pass on, and whether it was also e-mailed."""
    require_admin(admin, "issue_set_password_link", "user")
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound()
    if not user.active:
        raise InvalidInput({"_": "Reactivate the account before issuing a link."})
    token = _serializer().dumps({"u": user.id, "f": _password_fingerprint(user)})
    link = url_for("auth.set_password", token=token, _external=True)
    emailed = False
    if mail_configured():
        hours = current_app.config["CARETEAM_SET_PASSWORD_LINK_HOURS"]
        send_mail(
            user.email,
            "Set your careteam password",
            f"Hello {user.name},\n\nUse this link to set your careteam password. "
            f"It works once and expires in {hours} hours:\n\n{link}\n",
        )
        emailed = True
    audit.record("issue_set_password_link", actor=admin, object_type="user", object_id=user.id,
                 detail="emailed" if emailed else "shown")
    db.session.commit()
    return link, emailed


def user_for_link(token: str) -> User | None:
    max_age = current_app.config["CARETEAM_SET_PASSWORD_LINK_HOURS"] * 3600
    try:
        payload = _serializer().loads(token, max_age=max_age)
    except (SignatureExpired, BadSignature):
        return None
    user = db.session.get(User, payload.get("u")) if isinstance(payload, dict) else None
    if user is None or not user.active or payload.get("f") != _password_fingerprint(user):
        return None
    return user


def set_password_from_link(token: str, new_password: str) -> User:
    user = user_for_link(token)
    if user is None:
        raise NotFound("This link has expired or has already been used.")
    _set_password(user, new_password, "password")
    audit.record("password_set", actor=user, object_type="user", object_id=user.id)
    db.session.commit()
    return user
