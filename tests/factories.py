"""Building test data. Passwords are hashed once: argon2 is deliberately slow."""

from __future__ import annotations

import itertools
import time
from datetime import date
from types import SimpleNamespace

from careteam.domain.policy import Role
from careteam.extensions import db
from careteam.models import ApiToken, CareTeamMember, Patient, User, utcnow
from careteam.services.credentials import hash_password, new_api_token, token_digest

PASSWORD = "correct horse battery staple"
_PASSWORD_HASH = hash_password(PASSWORD)
_sequence = itertools.count(1)


def user(role: Role | str = Role.PATIENT, *, name: str | None = None, email: str | None = None,
         active: bool = True, password: bool = True) -> User:
    n = next(_sequence)
    role = Role(role)
    person = User(
        email=email or f"{role.value}{n}@test.example.org",
        name=name or f"{role.value.title()} {n}",
        role=role.value,
        active=active,
        password_hash=_PASSWORD_HASH if password else None,
        password_changed_at=utcnow() if password else None,
    )
    db.session.add(person)
    db.session.flush()
    return person


def patient(team: tuple[User, ...] = (), *, name: str | None = None,
            date_of_birth: date | None = date(1980, 1, 1)) -> Patient:
    account = user(Role.PATIENT, name=name)
    record = Patient(user=account, date_of_birth=date_of_birth)
    db.session.add(record)
    db.session.flush()
    for clinician in team:
        db.session.add(CareTeamMember(patient=record, clinician=clinician, discipline=clinician.role))
    db.session.flush()
    return record


def clinic() -> SimpleNamespace:
    """Patient A: physician, physiotherapist, psychologist. Patient B: another physician and
    the same physiotherapist. Plus one clinician of each discipline on neither team."""
    admin = user(Role.ADMIN, name="Ada Admin")
    physician = user(Role.PHYSICIAN, name="Dr. Ann Physician")
    physician_b = user(Role.PHYSICIAN, name="Dr. Ben Physician")
    physio = user(Role.PHYSIOTHERAPIST, name="Pat Physio")
    psych = user(Role.PSYCHOLOGIST, name="Dr. Sam Psych")
    outside_physician = user(Role.PHYSICIAN, name="Dr. Olga Outside")
    outside_physio = user(Role.PHYSIOTHERAPIST, name="Oscar Outside")
    outside_psych = user(Role.PSYCHOLOGIST, name="Dr. Otto Outside")
    record_a = patient((physician, physio, psych), name="Alice Patient")
    record_b = patient((physician_b, physio), name="Bob Patient")
    db.session.commit()
    return SimpleNamespace(
        admin=admin,
        physician=physician,
        physician_b=physician_b,
        physio=physio,
        psych=psych,
        outside_physician=outside_physician,
        outside_physio=outside_physio,
        outside_psych=outside_psych,
        patient_a=record_a.user,
        patient_b=record_b.user,
        record_a=record_a,
        record_b=record_b,
    )


def detached(cast: SimpleNamespace) -> SimpleNamespace:
    """Load what tests read, then let the objects outlive their session."""
    for value in vars(cast).values():
        db.session.refresh(value)
        if isinstance(value, Patient):
            value.user  # noqa: B018 - load the relationship before detaching
    db.session.expunge_all()
    return cast


def sign_in_session(client, person: User) -> None:
    """Sign in through the session cookie without paying for a password check."""
    with client.session_transaction() as session:
        session.clear()
        session["_user_id"] = person.get_id()
        session["_fresh"] = True
        now = time.time()
        session["signed_in_at"] = now
        session["last_seen_at"] = now


def api_token_for(person: User) -> str:
    plaintext = new_api_token()
    db.session.add(ApiToken(user_id=person.id, name="tests", token_digest=token_digest(plaintext),
                            display_prefix=plaintext[:7], created_at=utcnow()))
    db.session.commit()
    return plaintext


class JsonClient:
    """A test client that speaks JSON with a Bearer token."""

    def __init__(self, client, token: str):
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}

    def __getattr__(self, method):
        if method not in {"get", "post", "put", "patch", "delete"}:
            raise AttributeError(method)

        def call(url, **kwargs):
            headers = {**self.headers, **kwargs.pop("headers", {})}
            return getattr(self.client, method)(url, headers=headers, **kwargs)

        return call
