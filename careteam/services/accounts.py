"""Accounts, managed by admins."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from careteam.domain.policy import Role
from careteam.extensions import db
from careteam.models import Patient, User, utcnow
from careteam.services import audit
from careteam.services.access import require_admin
from careteam.services.api_tokens import end_all_tokens
from careteam.services.auth import normalise_email
from careteam.services.credentials import hash_password
from careteam.services.errors import InvalidInput, NotFound
from careteam.services.pagination import Page, paginate
from careteam.services.password_policy import new_password_problem

PER_PAGE = 50


def checked_email(email: str) -> str:
    try:
        return validate_email(normalise_email(email), check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise InvalidInput({"email": str(error)}) from None


def _checked_role(role: str) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise InvalidInput({"role": "Choose one of the roles."}) from None


def add_user(email: str, name: str, role: str, password: str | None = None, *,
             check_password: bool = True) -> User:
    """Create an account without an actor: the CLI and demo data. The caller commits.

    Only the demo passes check_password=False: its shared password is published in the README.
    """
    name = name.strip()
    if not name:
        raise InvalidInput({"name": "Enter the person's name."})
    user = User(email=checked_email(email), name=name, role=_checked_role(role).value)
    if password is not None:
        problem = new_password_problem(password, email=user.email, name=name) if check_password else None
        if problem:
            raise InvalidInput({"password": problem})
        user.password_hash = hash_password(password)
        user.password_changed_at = utcnow()
    if db.session.scalar(select(User.id).where(User.email == user.email)) is not None:
        raise InvalidInput({"email": "An account with this e-mail already exists."})
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError:  # the same e-mail created at the same moment by someone else
        db.session.rollback()
        raise InvalidInput({"email": "An account with this e-mail already exists."}) from None
    return user


def check_admin(actor: User) -> None:
    """For pages that show an admin form before anything is submitted."""
    require_admin(actor, "read", "user")


def create_account(admin: User, email: str, name: str, role: str) -> User:
    require_admin(admin, "create", "user")
    user = add_user(email, name, role)
    audit.record("create", actor=admin, object_type="user", object_id=user.id, detail=user.role)
    db.session.commit()
    return user


def list_accounts(admin: User, *, query: str = "", role: str = "", page: int = 1,
                  per_page: int = PER_PAGE) -> Page[User]:
    require_admin(admin, "list", "user")
    stmt = select(User).order_by(User.role, User.name, User.id)
    if role:
        stmt = stmt.where(User.role == role)
    if query.strip():
        like = f"%{query.strip().lower()}%"
        stmt = stmt.where(or_(User.email.ilike(like), User.name.ilike(like)))
    return paginate(stmt, page, per_page)


def get_account(admin: User, user_id: int) -> tuple[User, Patient | None]:
    require_admin(admin, "read", "user")
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound()
    patient = db.session.scalar(select(Patient).where(Patient.user_id == user.id))
    return user, patient


def set_active(admin: User, user_id: int, active: bool) -> User:
    require_admin(admin, "deactivate" if not active else "reactivate", "user")
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound()
    if user.id == admin.id and not active:
        raise InvalidInput({"_": "You cannot deactivate your own account."})
    if user.active != active:
        user.active = active
        if not active:
            user.end_all_sessions()
            end_all_tokens(user, "deactivated")
        audit.record("reactivate" if active else "deactivate", actor=admin,
                     object_type="user", object_id=user.id)
    db.session.commit()
    return user
