"""Accounts and their credentials."""

from __future__ import annotations

import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from careteam.domain.policy import CLINICIAN_ROLES, Role
from careteam.extensions import db
from careteam.models.types import UTCDateTime, utcnow


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20), index=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    active: Mapped[bool] = mapped_column(default=True)
    # Rotated on sign-out, password change and deactivation: every cookie carrying the old
    # value stops working at its next request.
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Two-factor sign-in: a TOTP secret (pending until confirmed by a first code), the moment
    # it was confirmed, and the last time step accepted, so that a code is never accepted twice.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    mfa_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    totp_last_step: Mapped[int | None] = mapped_column()
    # IANA name (Europe/Berlin); None means the clinic's CARETEAM_TIMEZONE. Reminders use it.
    timezone: Mapped[str | None] = mapped_column(String(64))

    api_tokens: Mapped[list[ApiToken]] = relationship(
        back_populates="user", order_by="ApiToken.created_at.desc()"
    )

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    def get_id(self) -> str:  # Flask-Login: the session cookie names the user and the token
        return f"{self.id}:{self.session_token}"

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    @property
    def is_clinician(self) -> bool:
        return self.role_enum in CLINICIAN_ROLES

    @property
    def has_mfa(self) -> bool:
        return self.mfa_enabled_at is not None

    def end_all_sessions(self) -> None:
        self.session_token = new_session_token()

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class ApiToken(db.Model):
    """A personal API token. Only a SHA-256 digest is stored; the token is shown once."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    display_prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Tokens made before expiry existed have none: they count from created_at (see api_tokens).
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Why it stopped working: "revoked", "password changed", "deactivated", "second factor reset".
    revoked_reason: Mapped[str | None] = mapped_column(String(40))

    user: Mapped[User] = relationship(back_populates="api_tokens")

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None



class RecoveryCode(db.Model):
    """A one-time recovery code for two-factor sign-in. Only a SHA-256 digest is kept."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    code_digest: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
