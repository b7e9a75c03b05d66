"""Accounts, managed by admins."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from careteam.domain.policy import Role
from careteam.extensions import db
from careteam.models import CareTeamMember, Patient, User, utcnow
from careteam.services import audit
from careteam.services.account_notices import send_account_notice
from careteam.services.access import require_admin
from careteam.services.api_tokens import end_all_tokens
from careteam.services.auth import normalise_email
from careteam.services.credentials import hash_password
from careteam.services.errors import Conflict, InvalidInput, NotFound
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


class EmailTaken(Conflict):
    """Another account has this e-mail address (409, with the message on the field)."""

    message = "Another account already uses this e-mail address."

    def __init__(self):
        super().__init__()
        self.errors = {"email": [self.message]}


def _change_detail(field: str, before: str, after: str) -> str:
    """"field: before → after" within the audit detail's length; long values are shortened in
    the middle so that both ends (e.g. an e-mail's domain) stay readable."""
    room = audit.DETAIL_LENGTH - len(field) - 5
    half = room // 2
    # A short value keeps all of itself; the longer one gets what it leaves.
    before_room = max(half, room - len(after)) if len(before) > len(after) else min(len(before), half)
    after_room = room - min(len(before), before_room)

    def short(value: str, keep: int) -> str:
        if len(value) <= keep:
            return value
        head = (keep - 1) // 2
        return value[:head] + "…" + value[len(value) - (keep - 1 - head):]

    return f"{field}: {short(before, before_room)} → {short(after, after_room)}"


def _role_change_problem(user: User, new_role: Role, admin: User) -> str | None:
    """Why this role change would leave the record inconsistent, or None.

    Refused rather than repaired: moving a clinician's team places to another discipline would
    silently widen or narrow what they read (a physician made psychologist would read
    psychotherapy notes), and a patient's record needs its patient.
    """
    if user.id == admin.id:
        return "You cannot change your own role; ask another admin."
    if user.role == Role.PATIENT.value:
        if db.session.scalar(select(Patient.id).where(Patient.user_id == user.id)) is not None:
            return ("This account owns a patient record, so it stays a patient account. "
                    "Create a new account for the other role.")
        return None
    teams = db.session.scalar(select(func.count()).select_from(CareTeamMember)
                              .where(CareTeamMember.clinician_id == user.id)) or 0
    if teams:
        plural = "care team" if teams == 1 else f"{teams} care teams"
        return (f"{user.name} is on {'a ' if teams == 1 else ''}{plural} as "
                f"{user.role}. Remove them from {'it' if teams == 1 else 'those teams'} first "
                f"(Patients → the patient → care team), then change the role.")
    return None


def _proposed(admin: User, user: User, name: str | None, email: str | None,
              role: str | None) -> tuple[dict[str, str], dict[str, str]]:
    """The account's values after the change, and every problem with them (all at once)."""
    new = {"name": user.name if name is None else name.strip(), "email": user.email,
           "role": user.role if role is None else role}
    problems: dict[str, str] = {}
    if not new["name"]:
        problems["name"] = "Enter the person's name."
    if email is not None:
        try:
            new["email"] = checked_email(email)
        except InvalidInput as error:
            problems["email"] = error.errors["email"][0]
    try:
        new_role = _checked_role(new["role"])
    except InvalidInput as error:
        problems["role"] = error.errors["role"][0]
    else:
        problem = _role_change_problem(user, new_role, admin) if new_role.value != user.role else None
        if problem:
            problems["role"] = problem
    if "email" not in problems and new["email"] != user.email and db.session.scalar(
            select(User.id).where(User.email == new["email"], User.id != user.id)) is not None:
        problems["email"] = EmailTaken.message
    return new, problems


def _account_for_change(admin: User, user_id: int) -> User:
    require_admin(admin, "update", "user")
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound()
    return user


def account_change_problems(admin: User, user_id: int, *, name: str | None = None,
                            email: str | None = None, role: str | None = None) -> dict[str, str]:
    """What update_account would refuse, without changing anything: a form that failed its own
    checks still shows these in the same round."""
    return _proposed(admin, _account_for_change(admin, user_id), name, email, role)[1]


def update_account(admin: User, user_id: int, *, name: str | None = None, email: str | None = None,
                   role: str | None = None) -> User:
    """Change an account's name, e-mail or role. A role change ends the account's sessions and
    API tokens (what it may see changes); an e-mail change is told to both addresses."""
    user = _account_for_change(admin, user_id)
    new, problems = _proposed(admin, user, name, email, role)
    if problems.get("email") == EmailTaken.message and len(problems) == 1:
        raise EmailTaken()
    if problems:
        raise InvalidInput(problems)
    changed = {field: (getattr(user, field), value) for field, value in new.items()
               if getattr(user, field) != value}
    for field, (_before, after) in changed.items():
        setattr(user, field, after)
    if "role" in changed:
        user.end_all_sessions()
        end_all_tokens(user, "role changed")
    for field, (before, after) in changed.items():
        audit.record("update", actor=admin, object_type="user", object_id=user.id,
                     detail=_change_detail(field, before, after))
    try:
        db.session.commit()
    except IntegrityError:  # the same address taken at the same moment
        db.session.rollback()
        raise EmailTaken() from None
    if "email" in changed:
        old_address, new_address = changed["email"]
        send_account_notice(user, "email_changed_old", to=old_address)
        send_account_notice(user, "email_changed_new", to=new_address)
    return user
