"""break-glass: emergency-access grants, and audit events flagged with the grant they ran under

Revision ID: 0004_breakglass
Revises: 0003_auth
"""
from alembic import op
import sqlalchemy as sa

from careteam.migration_safety import refuse_data_loss


revision = "0004_breakglass"
down_revision = "0003_auth"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "break_glass_grants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("clinician_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["clinician_id"], ["users.id"], name=op.f("fk_break_glass_grants_clinician_id_users")),
        sa.ForeignKeyConstraint(["patient_id"], ["patients.id"], name=op.f("fk_break_glass_grants_patient_id_patients")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_break_glass_grants")),
    )
    with op.batch_alter_table("break_glass_grants", schema=None) as batch_op:
        batch_op.create_index("ix_break_glass_grants_clinician_patient", ["clinician_id", "patient_id", "expires_at"])
        batch_op.create_index(batch_op.f("ix_break_glass_grants_clinician_id"), ["clinician_id"])
        batch_op.create_index(batch_op.f("ix_break_glass_grants_patient_id"), ["patient_id"])
        batch_op.create_index(batch_op.f("ix_break_glass_grants_granted_at"), ["granted_at"])
    # A plain ADD COLUMN (no table copy): the audit table's append-only triggers stay in place.
    op.add_column("audit_events", sa.Column("break_glass_grant_id", sa.Integer(), nullable=True))
    op.create_index(op.f("ix_audit_events_break_glass_grant_id"), "audit_events", ["break_glass_grant_id"])


def downgrade():
    refuse_data_loss(revision, "emergency-access grants and their mark on the audit trail")
    op.drop_index(op.f("ix_audit_events_break_glass_grant_id"), table_name="audit_events")
    with op.batch_alter_table("audit_events", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("break_glass_grant_id")
    op.drop_table("break_glass_grants")
