"""outbox notifications reminders escalation

Revision ID: 0007_notify
Revises: 0006_questionnaires
Create Date: 2026-12-03 16:34:11.925660

"""
from alembic import op
import sqlalchemy as sa

from careteam.migration_safety import refuse_data_loss


# revision identifiers, used by Alembic.
revision = "0007_notify"
down_revision = "0006_questionnaires"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('pdf_bundles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('patient_ids', sa.JSON(), nullable=False),
    sa.Column('file_name', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_pdf_bundles_owner_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pdf_bundles'))
    )
    with op.batch_alter_table('pdf_bundles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pdf_bundles_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_pdf_bundles_owner_id'), ['owner_id'], unique=False)

    op.create_table('email_opt_outs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_email_opt_outs_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_email_opt_outs')),
    sa.UniqueConstraint('user_id', 'kind', name=op.f('uq_email_opt_outs_user_id_kind'))
    )
    with op.batch_alter_table('email_opt_outs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_email_opt_outs_user_id'), ['user_id'], unique=False)

    op.create_table('reminder_settings',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('checkin_enabled', sa.Boolean(), nullable=False),
    sa.Column('checkin_weekday', sa.Integer(), nullable=False),
    sa.Column('checkin_time', sa.String(length=5), nullable=False),
    sa.Column('next_day_enabled', sa.Boolean(), nullable=False),
    sa.Column('next_day_time', sa.String(length=5), nullable=False),
    sa.Column('appointment_enabled', sa.Boolean(), nullable=False),
    sa.Column('digest_enabled', sa.Boolean(), nullable=False),
    sa.Column('digest_time', sa.String(length=5), nullable=False),
    sa.Column('last_digest_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_reminder_settings_user_id_users')),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_reminder_settings'))
    )
    op.create_table('notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recipient_id', sa.Integer(), nullable=True),
    sa.Column('to_address', sa.String(length=254), nullable=True),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('link', sa.String(length=300), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('email_status', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.String(length=200), nullable=True),
    sa.Column('dedupe_key', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_notifications_patient_id_patients')),
    sa.ForeignKeyConstraint(['recipient_id'], ['users.id'], name=op.f('fk_notifications_recipient_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications')),
    sa.UniqueConstraint('dedupe_key', name=op.f('uq_notifications_dedupe_key'))
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notifications_created_at'), ['created_at'], unique=False)
        batch_op.create_index('ix_notifications_email_status_next_attempt_at', ['email_status', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_notifications_patient_id'), ['patient_id'], unique=False)
        batch_op.create_index('ix_notifications_recipient_id_read_at', ['recipient_id', 'read_at'], unique=False)

    op.create_table('alert_escalations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('alert_id', sa.Integer(), nullable=False),
    sa.Column('step', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recipients', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['alert_id'], ['red_flag_alerts.id'], name=op.f('fk_alert_escalations_alert_id_red_flag_alerts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alert_escalations')),
    sa.UniqueConstraint('alert_id', 'step', name=op.f('uq_alert_escalations_alert_id_step'))
    )
    with op.batch_alter_table('alert_escalations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alert_escalations_alert_id'), ['alert_id'], unique=False)

    with op.batch_alter_table('red_flag_alerts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('acknowledgement_note', sa.Text(), nullable=True))

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('timezone', sa.String(length=64), nullable=True))

    # ### end Alembic commands ###


def downgrade():
    refuse_data_loss(revision, "notifications, their delivery log, reminder settings, escalation steps and acknowledgement notes")
    with op.batch_alter_table('pdf_bundles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pdf_bundles_owner_id'))
        batch_op.drop_index(batch_op.f('ix_pdf_bundles_expires_at'))
    op.drop_table('pdf_bundles')
    # ### commands auto generated by Alembic - please adjust! ###
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('timezone')

    with op.batch_alter_table('red_flag_alerts', schema=None) as batch_op:
        batch_op.drop_column('acknowledgement_note')

    with op.batch_alter_table('alert_escalations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alert_escalations_alert_id'))

    op.drop_table('alert_escalations')
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_recipient_id_read_at')
        batch_op.drop_index(batch_op.f('ix_notifications_patient_id'))
        batch_op.drop_index('ix_notifications_email_status_next_attempt_at')
        batch_op.drop_index(batch_op.f('ix_notifications_created_at'))

    op.drop_table('notifications')
    op.drop_table('reminder_settings')
    with op.batch_alter_table('email_opt_outs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_email_opt_outs_user_id'))

    op.drop_table('email_opt_outs')
    # ### end Alembic commands ###
