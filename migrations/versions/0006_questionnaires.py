"""Questionnaires: assignments, responses stored item by item; alerts get a kind and a response.

Revision ID: 0006_questionnaires
Revises: 0005_audit
"""

import sqlalchemy as sa

from careteam.migration_safety import refuse_data_loss
from alembic import op

import careteam.models.types

revision = "0006_questionnaires"
down_revision = "0005_audit"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "questionnaire_assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("instrument_id", sa.String(length=40), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("every_weeks", sa.Integer(), nullable=True),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("assigned_by_id", sa.Integer(), nullable=False),
        sa.Column("assigned_at", careteam.models.types.UTCDateTime(), nullable=False),
        sa.CheckConstraint("every_weeks IS NULL OR every_weeks BETWEEN 1 AND 52",
                           name=op.f("ck_questionnaire_assignments_every_weeks")),
        sa.ForeignKeyConstraint(["assigned_by_id"], ["users.id"],
                                name=op.f("fk_questionnaire_assignments_assigned_by_id_users")),
        sa.ForeignKeyConstraint(["patient_id"], ["patients.id"],
                                name=op.f("fk_questionnaire_assignments_patient_id_patients")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_questionnaire_assignments")),
    )
    with op.batch_alter_table("questionnaire_assignments") as batch:
        batch.create_index(batch.f("ix_questionnaire_assignments_assigned_by_id"), ["assigned_by_id"])
        batch.create_index(batch.f("ix_questionnaire_assignments_patient_id"), ["patient_id"])
        batch.create_index("ix_questionnaire_assignments_patient_id_instrument_id", ["patient_id", "instrument_id"])
    op.create_table(
        "questionnaire_responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("instrument_id", sa.String(length=40), nullable=False),
        sa.Column("instrument_version", sa.String(length=20), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=True),
        sa.Column("answered_on", sa.Date(), nullable=False),
        sa.Column("submitted_at", careteam.models.types.UTCDateTime(), nullable=False),
        sa.Column("entered_by_id", sa.Integer(), nullable=False),
        sa.Column("on_behalf", sa.Boolean(), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("band", sa.String(length=60), nullable=True),
        sa.Column("subscores", sa.JSON(), nullable=False),
        sa.Column("flags", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["assignment_id"], ["questionnaire_assignments.id"],
                                name=op.f("fk_questionnaire_responses_assignment_id_questionnaire_assignments")),
        sa.ForeignKeyConstraint(["entered_by_id"], ["users.id"],
                                name=op.f("fk_questionnaire_responses_entered_by_id_users")),
        sa.ForeignKeyConstraint(["patient_id"], ["patients.id"],
                                name=op.f("fk_questionnaire_responses_patient_id_patients")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_questionnaire_responses")),
    )
    with op.batch_alter_table("questionnaire_responses") as batch:
        batch.create_index(batch.f("ix_questionnaire_responses_assignment_id"), ["assignment_id"])
        batch.create_index(batch.f("ix_questionnaire_responses_entered_by_id"), ["entered_by_id"])
        batch.create_index(batch.f("ix_questionnaire_responses_patient_id"), ["patient_id"])
        batch.create_index("ix_questionnaire_responses_patient_id_instrument_id_answered_on",
                           ["patient_id", "instrument_id", "answered_on"])
    op.create_table(
        "questionnaire_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("link_id", sa.String(length=40), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["response_id"], ["questionnaire_responses.id"],
                                name=op.f("fk_questionnaire_answers_response_id_questionnaire_responses")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_questionnaire_answers")),
        sa.UniqueConstraint("response_id", "link_id", name=op.f("uq_questionnaire_answers_response_id_link_id")),
    )
    with op.batch_alter_table("red_flag_alerts") as batch:
        batch.add_column(sa.Column("kind", sa.String(length=30), server_default="red_flag", nullable=False))
        batch.add_column(sa.Column("questionnaire_response_id", sa.Integer(), nullable=True))
        batch.create_index(batch.f("ix_red_flag_alerts_questionnaire_response_id"), ["questionnaire_response_id"])
        batch.create_foreign_key(batch.f("fk_red_flag_alerts_questionnaire_response_id_questionnaire_responses"),
                                 "questionnaire_responses", ["questionnaire_response_id"], ["id"])


def downgrade():
    refuse_data_loss(revision, "questionnaire assignments, answers and safety alerts' links")
    with op.batch_alter_table("red_flag_alerts") as batch:
        batch.drop_constraint(batch.f("fk_red_flag_alerts_questionnaire_response_id_questionnaire_responses"),
                              type_="foreignkey")
        batch.drop_index(batch.f("ix_red_flag_alerts_questionnaire_response_id"))
        batch.drop_column("questionnaire_response_id")
        batch.drop_column("kind")
    op.drop_table("questionnaire_answers")
    op.drop_table("questionnaire_responses")
    op.drop_table("questionnaire_assignments")
