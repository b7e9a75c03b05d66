"""audit: the audit trail's hash chain, voidable append-only notes, before/after of changes

Revision ID: 0005_audit
Revises: 0004_breakglass
"""
import sqlalchemy as sa
from alembic import op

from careteam.domain.audit_chain import CHAINED_FIELDS, event_hash
from careteam.migration_safety import refuse_data_loss

revision = "0005_audit"
down_revision = "0004_breakglass"
branch_labels = None
depends_on = None

# Frozen copies of the statements in careteam/models/audit.py and note.py at this revision.
AUDIT_GUARD = {
    "sqlite": [
        "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events "
        "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END",
        "CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events "
        "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END",
    ],
    "postgresql": [
        "CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events "
        "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()",
    ],
}
DROP_AUDIT_GUARD = {
    "sqlite": ["DROP TRIGGER IF EXISTS audit_events_no_update", "DROP TRIGGER IF EXISTS audit_events_no_delete"],
    "postgresql": ["DROP TRIGGER IF EXISTS audit_events_no_change ON audit_events"],
}
CHAIN_TIP_FUNCTION = (
    "CREATE OR REPLACE FUNCTION audit_chain_tip() RETURNS varchar LANGUAGE plpgsql AS $$ "
    "BEGIN PERFORM pg_advisory_xact_lock(5151780103); "
    "RETURN (SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1); END $$"
)
_WRITTEN = "id, patient_id, author_id, author_role, visibility, body, addendum_to_id, created_at"
NOTE_GUARD = {
    "sqlite": [
        "CREATE TRIGGER notes_no_delete BEFORE DELETE ON notes "
        "BEGIN SELECT RAISE(ABORT, 'notes are append-only'); END",
        f"CREATE TRIGGER notes_no_edit BEFORE UPDATE OF {_WRITTEN} ON notes "
        "BEGIN SELECT RAISE(ABORT, 'notes are append-only'); END",
        "CREATE TRIGGER notes_void_once BEFORE UPDATE ON notes WHEN OLD.voided_at IS NOT NULL "
        "BEGIN SELECT RAISE(ABORT, 'notes are append-only'); END",
    ],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION notes_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF TG_OP <> 'UPDATE' THEN RAISE EXCEPTION 'notes are append-only'; END IF; "
        "IF OLD.voided_at IS NOT NULL "
        f"OR ({_WRITTEN.replace(', ', ', OLD.').join(['OLD.', ''])}) "
        f"IS DISTINCT FROM ({_WRITTEN.replace(', ', ', NEW.').join(['NEW.', ''])}) "
        "THEN RAISE EXCEPTION 'notes are append-only'; END IF; RETURN NEW; END $$",
        "CREATE TRIGGER notes_no_change BEFORE UPDATE OR DELETE ON notes "
        "FOR EACH ROW EXECUTE FUNCTION notes_append_only()",
        "CREATE TRIGGER notes_no_truncate BEFORE TRUNCATE ON notes "
        "FOR EACH STATEMENT EXECUTE FUNCTION notes_append_only()",
    ],
}
DROP_NOTE_GUARD = {
    "sqlite": ["DROP TRIGGER IF EXISTS notes_no_delete", "DROP TRIGGER IF EXISTS notes_no_edit",
               "DROP TRIGGER IF EXISTS notes_void_once"],
    "postgresql": ["DROP TRIGGER IF EXISTS notes_no_change ON notes", "DROP TRIGGER IF EXISTS notes_no_truncate ON notes",
                   "DROP FUNCTION IF EXISTS notes_append_only()"],
}


def _run(statements):
    for statement in statements.get(op.get_bind().dialect.name, []):
        op.execute(statement)


def _chain_existing_events():
    """Events written before the chain get their hashes now, oldest first."""
    bind = op.get_bind()
    typed = {"occurred_at": sa.DateTime(timezone=True)}
    events = sa.table("audit_events", sa.column("id"), sa.column("hash"),
                      *(sa.column(name, typed.get(name)) for name in CHAINED_FIELDS))
    rows = bind.execute(sa.select(events).order_by(events.c.id)).mappings().all()
    previous = None
    for row in rows:
        previous = event_hash(previous, row)
        bind.execute(events.update().where(events.c.id == row["id"]).values(hash=previous))


def upgrade():
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("hash", sa.String(length=64), nullable=True))
    _run(DROP_AUDIT_GUARD)
    _chain_existing_events()
    _run(AUDIT_GUARD)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(CHAIN_TIP_FUNCTION)

    with op.batch_alter_table("notes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("voided_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("voided_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("void_reason", sa.Text(), nullable=True))
        batch_op.create_index(batch_op.f("ix_notes_voided_by_id"), ["voided_by_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_notes_voided_by_id_users"), "users", ["voided_by_id"], ["id"])
    _run(NOTE_GUARD)

    with op.batch_alter_table("record_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("changes", sa.JSON(), nullable=True))


def downgrade():
    refuse_data_loss(revision, "the audit trail's hashes, voided notes' reasons and the before/after of changes")
    with op.batch_alter_table("record_events", schema=None) as batch_op:
        batch_op.drop_column("changes")

    _run(DROP_NOTE_GUARD)
    with op.batch_alter_table("notes", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_notes_voided_by_id_users"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_notes_voided_by_id"))
        batch_op.drop_column("void_reason")
        batch_op.drop_column("voided_by_id")
        batch_op.drop_column("voided_at")

    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS audit_chain_tip()")
    _run(DROP_AUDIT_GUARD)
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_column("hash")
    _run(AUDIT_GUARD)
