"""Deadlines and calendar closures.

Stored deadlines are derived data: after this migration, `flask deadlines refresh`
computes them for cases that already exist. Reviewed by hand.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26

"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "calendar_closures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("jurisdiction_code", sa.String(length=16), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["jurisdiction_code"],
            ["jurisdictions.code"],
            name=op.f("fk_calendar_closures_jurisdiction_code_jurisdictions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_closures")),
        sa.UniqueConstraint("jurisdiction_code", "day", name="uq_calendar_closures_jurisdiction_day"),
    )
    with op.batch_alter_table("calendar_closures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_calendar_closures_jurisdiction_code"), ["jurisdiction_code"], unique=False)

    op.create_table(
        "deadlines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("court_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("pack_code", sa.String(length=16), nullable=False),
        sa.Column("pack_version", sa.Date(), nullable=False),
        sa.Column("rule_id", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("citation", sa.String(length=300), nullable=False),
        sa.Column("source_url", sa.String(length=500), nullable=False),
        sa.Column("verification", sa.String(length=1), nullable=False),
        sa.Column("force", sa.String(length=30), nullable=False),
        sa.Column("advisory", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("open", sa.Boolean(), nullable=False),
        sa.Column("due", sa.DateTime(timezone=True), nullable=True),
        sa.Column("due_local_date", sa.Date(), nullable=True),
        sa.Column("at_risk_from", sa.DateTime(timezone=True), nullable=True),
        sa.Column("start_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("met_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("start_key", sa.String(length=20), nullable=True),
        sa.Column("met_by_key", sa.String(length=20), nullable=True),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("consequence", sa.Text(), nullable=False),
        sa.Column("consequence_kind", sa.String(length=20), nullable=False),
        sa.Column("extended_by", sa.Integer(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_deadlines_case_id_cases")),
        sa.ForeignKeyConstraint(["court_id"], ["courts.id"], name=op.f("fk_deadlines_court_id_courts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deadlines")),
    )
    with op.batch_alter_table("deadlines", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_deadlines_case_id"), ["case_id"], unique=False)
        batch_op.create_index("ix_deadlines_court_open_due", ["court_id", "open", "at_risk_from"], unique=False)
        batch_op.create_index("ix_deadlines_open_due", ["open", "at_risk_from"], unique=False)
        batch_op.create_index(batch_op.f("ix_deadlines_rule_id"), ["rule_id"], unique=False)


def downgrade():
    with op.batch_alter_table("deadlines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deadlines_rule_id"))
        batch_op.drop_index("ix_deadlines_open_due")
        batch_op.drop_index("ix_deadlines_court_open_due")
        batch_op.drop_index(batch_op.f("ix_deadlines_case_id"))

    op.drop_table("deadlines")
    with op.batch_alter_table("calendar_closures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_calendar_closures_jurisdiction_code"))

    op.drop_table("calendar_closures")
