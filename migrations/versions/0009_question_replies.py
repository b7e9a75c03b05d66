"""questions are conversations: replies under a question, and how far each person has read them

Revision ID: 0009_question_replies
Revises: 0008_questionnaire_reminders

Every existing answer becomes the question's answer reply (the `answer` column stays, so the
check-in pages and older clients read it as before). Everything that exists counts as read by
the patient and the care team: before replies there was nothing to mark unread.
"""
from alembic import op
import sqlalchemy as sa

from careteam.migration_safety import refuse_data_loss

revision = "0009_question_replies"
down_revision = "0008_questionnaire_reminders"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "question_replies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("author_role", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("is_answer", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], name=op.f("fk_question_replies_author_id_users")),
        sa.ForeignKeyConstraint(["question_id"], ["questions.id"], name=op.f("fk_question_replies_question_id_questions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_question_replies")),
    )
    with op.batch_alter_table("question_replies", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_question_replies_author_id"), ["author_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_question_replies_question_id"), ["question_id"], unique=False)

    op.create_table(
        "question_reads",
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("last_reply_id", sa.Integer(), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["question_id"], ["questions.id"], name=op.f("fk_question_reads_question_id_questions")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_question_reads_user_id_users")),
        sa.PrimaryKeyConstraint("question_id", "user_id", name=op.f("pk_question_reads")),
    )
    with op.batch_alter_table("question_reads", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_question_reads_user_id"), ["user_id"], unique=False)

    # Existing answers as answer replies, by whoever marked the question answered, at that time.
    op.execute(
        "INSERT INTO question_replies (question_id, author_id, author_role, text, is_answer, created_at) "
        "SELECT q.id, q.answered_by_id, u.role, q.answer, TRUE, q.answered_at "
        "FROM questions q JOIN users u ON u.id = q.answered_by_id "
        "WHERE q.answered_at IS NOT NULL AND q.answer IS NOT NULL AND q.answer <> '' "
        "ORDER BY q.answered_at, q.id"
    )
    # Read up to now by the patient and everyone on the team.
    readers = (
        "SELECT p.user_id AS user_id, p.id AS patient_id FROM patients p "
        "UNION SELECT m.clinician_id, m.patient_id FROM care_team_members m"
    )
    op.execute(
        "INSERT INTO question_reads (question_id, user_id, last_reply_id, read_at) "
        "SELECT q.id, r.user_id, "
        "COALESCE((SELECT MAX(x.id) FROM question_replies x WHERE x.question_id = q.id), 0), "
        "COALESCE(q.answered_at, q.created_at) "
        f"FROM questions q JOIN ({readers}) r ON r.patient_id = q.patient_id"
    )


def downgrade():
    refuse_data_loss(revision, "the replies under questions and who has read them")
    with op.batch_alter_table("question_reads", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_question_reads_user_id"))
    op.drop_table("question_reads")
    with op.batch_alter_table("question_replies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_question_replies_question_id"))
        batch_op.drop_index(batch_op.f("ix_question_replies_author_id"))
    op.drop_table("question_replies")
