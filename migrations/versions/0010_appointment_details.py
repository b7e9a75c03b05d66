"""appointment details: place, length, video link

Revision ID: 0010_appointment_details
Revises: 0009_question_replies
Create Date: 2026-12-04 16:45:00

"""
from alembic import op
import sqlalchemy as sa

from careteam.migration_safety import refuse_data_loss


# revision identifiers, used by Alembic.
revision = "0010_appointment_details"
down_revision = "0009_question_replies"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("appointments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("place", sa.String(length=200), server_default="", nullable=False))
        batch_op.add_column(sa.Column("duration_minutes", sa.Integer(), server_default="30", nullable=False))
        batch_op.add_column(sa.Column("video_url", sa.String(length=500), nullable=True))


def downgrade():
    refuse_data_loss(revision, "the place, length and video link of every appointment")
    with op.batch_alter_table("appointments", schema=None) as batch_op:
        batch_op.drop_column("video_url")
        batch_op.drop_column("duration_minutes")
        batch_op.drop_column("place")
