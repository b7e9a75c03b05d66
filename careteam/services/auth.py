"""Signing in and out, passwords, set-password links."""

from __future__ import annotations

import hashlib

from flask import current_app, url_for
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select

from careteam.extensions import db
from careteam.models import User, utcnow
from careteam.services import audit
from careteam.services.access import require_admin
from careteam.services.audit import Outcome
from careteam.services.credentials import hash_password, needs_rehash, verify_password
from careteam.services.errors import AuthenticationFailed, InvalidInput, NotFound
from careteam.services.account_notices import send_account_notice
from careteam.services.api_tokens import end_all_tokens
from careteam.services.mail import mail_configured
from careteam.services.password_policy import new_password_problem

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
    # With a second factor the password alone signs in nobody: the code step follows.
    audit.record("sign_in", actor=user, object_type="user", object_id=user.id,
                 detail="password ok, second factor next" if user.has_mfa else None)
    db.session.commit()
    return user


def sign_out(user: User) -> None:
    """Signing out ends every session of this user, on every device."""
    user.end_all_sessions()
    audit.record("sign_out", actor=user, object_type="user", object_id=user.id)
    db.session.commit()


def _set_password(user: User, new_password: str, field: str) -> None:
    problem = new_password_problem(new_password, email=user.email, name=user.name)
    if problem:
        raise InvalidInput({field: problem})
    user.password_hash = hash_password(new_password)
    user.password_changed_at = utcnow()
    user.end_all_sessions()
    end_all_tokens(user, "password changed")


def change_password(user: User, current_password: str, new_password: str) -> None:
    if not verify_password(user.password_hash, current_password):
        audit.record("password_change", actor=user, outcome=Outcome.FAILURE,
                     object_type="user", object_id=user.id, detail="bad current password")
        db.session.commit()
        raise InvalidInput({"current_password": "That is not your current password."})
    _set_password(user, new_password, "new_password")
    audit.record("password_change", actor=user, object_type="user", object_id=user.id)
    db.session.commit()
    send_account_notice(user, "password_changed")


# --- set-password links -------------------------------------------------------------------
# A link is a signed, timed token naming the user and a fingerprint of their current password.
# Setting a password changes the fingerprint, so a link works once and dies with any change.


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_LINK_SALT)


def _password_fingerprint(user: User) -> str:
    changed = user.password_changed_at.isoformat() if user.password_changed_at else "never"
    return hashlib.sha256(f"{user.password_hash or ''}|{changed}".encode()).hexdigest()[:20]


NO_TAKEOVER = ("This account already has a password, so a reset link goes only to its owner by "
               "e-mail, and e-mail is not configured. You can deactivate the account; you cannot "
               "take it over.")


def issue_set_password_link(admin: User, user_id: int) -> tuple[str | None, bool]:
    """The link to pass on (None when it may only be e-mailed), and whether it was e-mailed.

    A first-time onboarding link may be shown to the admin. An account that has ever had a
    password gets a short-lived reset link, e-mailed to its owner and never shown to the admin:
    an admin must not be able to become a clinician and read clinical notes.
    """
    require_admin(admin, "issue_set_password_link", "user")
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound()
    if not user.active:
        raise InvalidInput({"_": "Reactivate the account before issuing a link."})
    reset = user.password_hash is not None
    if reset and not mail_configured():
        audit.record("issue_set_password_link", actor=admin, object_type="user", object_id=user.id,
                     outcome=Outcome.DENIED, detail="has a password, no e-mail configured")
        db.session.commit()
        raise InvalidInput({"_": NO_TAKEOVER})
    token = _serializer().dumps({"u": user.id, "f": _password_fingerprint(user), "k": "r" if reset else "o"})
    link = url_for("auth.set_password", token=token, _external=True)
    emailed = send_account_notice(user, "password_reset_link" if reset else "set_password_link", link=link)
    if reset and not emailed:
        audit.record("issue_set_password_link", actor=admin, object_type="user", object_id=user.id,
                     outcome=Outcome.FAILURE, detail="reset link could not be e-mailed")
        db.session.commit()
        raise InvalidInput({"_": "The reset link could not be e-mailed. Try again later."})
    audit.record("issue_set_password_link", actor=admin, object_type="user", object_id=user.id,
                 detail=("reset, " if reset else "onboarding, ") + ("emailed" if emailed else "shown"))
    db.session.commit()
    return (None if reset else link), emailed


def _link_lifetime_seconds(kind: str) -> int:
    config = current_app.config
    if kind == "o":
        return config["CARETEAM_SET_PASSWORD_LINK_HOURS"] * 3600
    return config["CARETEAM_RESET_LINK_MINUTES"] * 60


def user_for_link(token: str) -> User | None:
    try:
        payload = _serializer().loads(token)
        if not isinstance(payload, dict):
            return None
        # Checked again with the lifetime of its kind: onboarding 72 h, reset 1 h by default.
        _serializer().loads(token, max_age=_link_lifetime_seconds(payload.get("k", "r")))
    except (SignatureExpired, BadSignature):
        return None
    user = db.session.get(User, payload.get("u"))
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
    send_account_notice(user, "password_changed")
    return user
