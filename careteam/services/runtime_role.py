"""PostgreSQL: the grants for the role the application runs as (not the owner, who migrates).

The runtime role may read and write the record, but may only INSERT and SELECT audit events:
no UPDATE, DELETE or TRUNCATE, and not being the owner it cannot drop or disable triggers.
Notes may be voided (an UPDATE the trigger restricts) but never deleted.
"""

from __future__ import annotations

import re

from sqlalchemy import text

from careteam.extensions import db

_ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def grant_statements(role: str, database: str) -> list[str]:
    if not _ROLE_NAME.match(role):
        raise ValueError("A role name is lower-case letters, digits and underscores.")
    return [
        f'GRANT CONNECT ON DATABASE "{database}" TO {role}',
        f"GRANT USAGE ON SCHEMA public TO {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
        f"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON audit_events FROM {role}",
        f"REVOKE DELETE, TRUNCATE ON notes FROM {role}",
        f"REVOKE ALL ON alembic_version FROM {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
        f"GRANT EXECUTE ON FUNCTION audit_chain_tip() TO {role}",
    ]


def grant_runtime_role(role: str) -> list[str]:
    """Run the grants as the schema's owner (after every migration that adds tables)."""
    statements = grant_statements(role, db.engine.url.database)
    if not db.session.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first():
        raise LookupError(f"No role {role}: create it first (CREATE ROLE {role} LOGIN PASSWORD '...').")
    has_version_table = db.session.execute(text("SELECT to_regclass('alembic_version')")).scalar()
    for statement in statements:
        if "alembic_version" in statement and not has_version_table:
            continue
        db.session.execute(text(statement))
    db.session.commit()
    return statements
