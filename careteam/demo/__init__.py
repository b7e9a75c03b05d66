"""Demo data: one clinic, its accounts and two patients whose care teams differ.

Later parts of the record add their history through `careteam.demo.history`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from careteam.domain.policy import Role
from careteam.extensions import db
from careteam.models import Patient, User
from careteam.services.accounts import add_user
from careteam.services.patients import add_patient_record
from careteam.services.teams import join_team

DEMO_PASSWORD = "careteam-demo-2026"


@dataclass(frozen=True)
class DemoAccount:
    key: str
    email: str
    name: str
    role: Role


DEMO_ACCOUNTS = (
    DemoAccount("admin", "admin@example.org", "Alex Morgan", Role.ADMIN),
    DemoAccount("physician_a", "dr.okafor@example.org", "Dr. Amara Okafor", Role.PHYSICIAN),
    DemoAccount("physician_b", "dr.berg@example.org", "Dr. Jonas Berg", Role.PHYSICIAN),
    DemoAccount("physiotherapist", "priya.nair@example.org", "Priya Nair", Role.PHYSIOTHERAPIST),
    DemoAccount("psychologist", "dr.hoffmann@example.org", "Dr. Lena Hoffmann", Role.PSYCHOLOGIST),
    DemoAccount("patient_a", "maria.lopez@example.org", "Maria Lopez", Role.PATIENT),
    DemoAccount("patient_b", "tom.becker@example.org", "Tom Becker", Role.PATIENT),
)

# Patient A: Dr. Okafor, the physiotherapist and the psychologist. Patient B: Dr. Berg and the
# physiotherapist. Dr. Okafor is on A's team and not on B's.
DEMO_TEAMS = {
    "patient_a": ("physician_a", "physiotherapist", "psychologist"),
    "patient_b": ("physician_b", "physiotherapist"),
}
DEMO_BIRTH_DATES = {"patient_a": date(1979, 4, 12), "patient_b": date(1965, 9, 30)}


def database_is_empty() -> bool:
    return db.session.scalar(select(User.id).limit(1)) is None


def load_demo_data(today: date | None = None) -> dict[str, User]:
    """Create the demo clinic in an empty database and commit. Returns the accounts by key."""
    users = {
        account.key: add_user(account.email, account.name, account.role.value, DEMO_PASSWORD,
                              check_password=False)  # published, so no secret
        for account in DEMO_ACCOUNTS
    }
    admin = users["admin"]
    records: dict[str, Patient] = {}
    for patient_key, clinician_keys in DEMO_TEAMS.items():
        records[patient_key] = add_patient_record(users[patient_key], DEMO_BIRTH_DATES[patient_key])
        for clinician_key in clinician_keys:
            join_team(records[patient_key], users[clinician_key], added_by=admin)
    from careteam.demo.history import add_history

    from careteam.services import clock

    add_history(users, records, today or clock.today())
    db.session.commit()
    return users


def demo_logins() -> list[str]:
    lines = [f"{account.email:32} {account.role.value}" for account in DEMO_ACCOUNTS]
    return lines + [f"password: {DEMO_PASSWORD}"]
