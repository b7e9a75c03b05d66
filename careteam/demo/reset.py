"""`flask demo-data --reset`: drop the demo clinic and load it afresh, dated from today.

The schema is dropped and built again from the migrations, because the audit trail and the
notes are append-only in the database itself (triggers): their rows cannot be deleted, only
their tables dropped. So a reset is refused where it would take more than the demo with it,
unless the caller says --yes after reading what will go.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_migrate import upgrade
from sqlalchemy import func, select, text

from careteam.demo import DEMO_ACCOUNTS, load_demo_data
from careteam.extensions import db
from careteam.models import Patient, User


@dataclass(frozen=True)
class Contents:
    """What a reset would delete that is not the demo's."""

    other_accounts: int
    other_records: int

    @property
    def only_demo(self) -> bool:
        return self.other_accounts == 0 and self.other_records == 0


def contents() -> Contents:
    demo_emails = [account.email for account in DEMO_ACCOUNTS]
    if not db.inspect(db.session.connection()).has_table("users"):
        return Contents(0, 0)  # nothing there yet: the reset just builds the demo
    other_users = select(User.id).where(User.email.not_in(demo_emails))
    return Contents(
        other_accounts=db.session.scalar(select(func.count()).select_from(other_users.subquery())) or 0,
        other_records=db.session.scalar(select(func.count(Patient.id)).where(Patient.user_id.in_(other_users))) or 0,
    )


def warning(found: Contents, database: str) -> str:
    return (f"WARNING: {database} holds {found.other_accounts} account(s) and {found.other_records} patient "
            "record(s) that are not part of the demo. --reset deletes EVERYTHING in it (accounts, records, "
            "notes, the audit trail) and loads the demo clinic. Back up first (flask --app careteam backup PATH).")


def reset_demo(today: date | None = None) -> dict[str, User]:
    """Drop every table, build the schema from the migrations, load the demo. Commits."""
    db.session.rollback()
    db.session.close()
    with db.engine.begin() as connection:
        db.metadata.drop_all(connection)
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    db.engine.dispose()  # SQLite: connections that saw the old schema are not reused
    upgrade()
    return load_demo_data(today)
