"""Digest log: what each user's deadline digest has already reported.

One row per user, deadline (case, rule, due instant) and status sent, so that
`flask deadlines notify` reports only breaches and at-risk deadlines that are new
since the user's last digest. Starts empty: the first digest after this migration
reports everything currently breached or at risk. Reviewed by hand.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27

"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "digest_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.String(length=100), nullable=False),
        sa.Column("due", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_digest_log_case_id_cases")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_digest_log_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digest_log")),
        sa.UniqueConstraint(
            "user_id", "case_id", "rule_id", "due", "status", name="uq_digest_log_user_deadline_status"
        ),
    )
    with op.batch_alter_table("digest_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_digest_log_case_id"), ["case_id"], unique=False)


def downgrade():
    with op.batch_alter_table("digest_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_digest_log_case_id"))

    op.drop_table("digest_log")
