"""record exports: the patient's whole record as a ZIP, made by the worker

Revision ID: 0011_record_exports
Revises: 0010_appointment_details
Create Date: 2026-12-04 17:00:00

"""
from alembic import op
import sqlalchemy as sa

from careteam.migration_safety import refuse_data_loss


# revision identifiers, used by Alembic.
revision = "0011_record_exports"
down_revision = "0010_appointment_details"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('record_exports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('file_name', sa.String(length=200), nullable=True),
    sa.Column('size_bytes', sa.BigInteger(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_record_exports_owner_id_users')),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_record_exports_patient_id_patients')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_record_exports'))
    )
    with op.batch_alter_table('record_exports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_record_exports_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_record_exports_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_record_exports_patient_id'), ['patient_id'], unique=False)


def downgrade():
    refuse_data_loss(revision, "the list of prepared record downloads (their files stay in instance/record_exports)")
    with op.batch_alter_table('record_exports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_record_exports_patient_id'))
        batch_op.drop_index(batch_op.f('ix_record_exports_owner_id'))
        batch_op.drop_index(batch_op.f('ix_record_exports_expires_at'))
    op.drop_table('record_exports')
