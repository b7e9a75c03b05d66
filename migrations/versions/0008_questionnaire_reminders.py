"""questionnaire reminders: a switch in the patient's reminder settings

Revision ID: 0008_questionnaire_reminders
Revises: 0007_notify
Create Date: 2026-12-04 17:00:00

"""
from alembic import op
import sqlalchemy as sa

from careteam.migration_safety import refuse_data_loss


# revision identifiers, used by Alembic.
revision = "0008_questionnaire_reminders"
down_revision = "0007_notify"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("reminder_settings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("questionnaire_enabled", sa.Boolean(), nullable=False, server_default=sa.true()))


def downgrade():
    refuse_data_loss(revision, "every patient's choice about questionnaire reminders")
    with op.batch_alter_table("reminder_settings", schema=None) as batch_op:
        batch_op.drop_column("questionnaire_enabled")
