"""Programmes and referrals: the alternatives-to-detention registry, its coordinators, referrals and steps.

Also gives courts an `area` (the district or city they serve), which programme
suggestions compare with the areas a programme serves. New tables start empty;
`flask programmes import FILE` fills the registry. A programme's counts can never be
negative (a check constraint); taking the last place is made atomic by the
services (a conditional UPDATE), not by the schema. Reviewed by hand.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28

"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "programmes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("provider", sa.String(length=200), nullable=False),
        sa.Column("type", sa.String(length=40), nullable=False),
        sa.Column("stages", sa.JSON(), nullable=False),
        sa.Column("jurisdiction_code", sa.String(length=16), nullable=False),
        sa.Column("areas", sa.JSON(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("cost", sa.String(length=20), nullable=False),
        sa.Column("contact", sa.String(length=300), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("min_age", sa.Integer(), nullable=True),
        sa.Column("max_age", sa.Integer(), nullable=True),
        sa.Column("offence_classes", sa.JSON(), nullable=False),
        sa.Column("excluded_offence_classes", sa.JSON(), nullable=False),
        sa.Column("max_penalty_years", sa.Float(), nullable=True),
        sa.Column("requires_acknowledgement", sa.Boolean(), nullable=False),
        sa.Column("requires_child_consent", sa.Boolean(), nullable=False),
        sa.Column("requires_parent_consent", sa.Boolean(), nullable=False),
        sa.Column("exclusions", sa.JSON(), nullable=False),
        sa.Column("places", sa.Integer(), nullable=False),
        sa.Column("enrolled", sa.Integer(), nullable=False),
        sa.Column("waiting_list", sa.Integer(), nullable=False),
        sa.Column("wait_days", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "places >= 0 AND enrolled >= 0 AND waiting_list >= 0", name=op.f("ck_programmes_counts_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["jurisdiction_code"], ["jurisdictions.code"], name=op.f("fk_programmes_jurisdiction_code_jurisdictions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programmes")),
        sa.UniqueConstraint("code", name=op.f("uq_programmes_code")),
    )
    with op.batch_alter_table("programmes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_programmes_jurisdiction_code"), ["jurisdiction_code"], unique=False)

    op.create_table(
        "programme_coordinators",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["programme_id"], ["programmes.id"], name=op.f("fk_programme_coordinators_programme_id_programmes")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_programme_coordinators_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_coordinators")),
        sa.UniqueConstraint("programme_id", "user_id", name="uq_programme_coordinators_programme_user"),
    )
    with op.batch_alter_table("programme_coordinators", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_programme_coordinators_programme_id"), ["programme_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_programme_coordinators_user_id"), ["user_id"], unique=False)

    op.create_table(
        "referrals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("child_consent", sa.Boolean(), nullable=True),
        sa.Column("parent_consent", sa.Boolean(), nullable=True),
        sa.Column("acknowledgement", sa.Boolean(), nullable=True),
        sa.Column("failure_reason", sa.String(length=40), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_referrals_case_id_cases")),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_referrals_created_by_id_users")),
        sa.ForeignKeyConstraint(["programme_id"], ["programmes.id"], name=op.f("fk_referrals_programme_id_programmes")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referrals")),
    )
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_referrals_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_referrals_programme_id"), ["programme_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_referrals_state"), ["state"], unique=False)

    op.create_table(
        "referral_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], name=op.f("fk_referral_steps_event_id_events")),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["users.id"], name=op.f("fk_referral_steps_recorded_by_id_users")),
        sa.ForeignKeyConstraint(
            ["referral_id"], ["referrals.id"], name=op.f("fk_referral_steps_referral_id_referrals")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral_steps")),
    )
    with op.batch_alter_table("referral_steps", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_referral_steps_referral_id"), ["referral_id"], unique=False)

    with op.batch_alter_table("courts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("area", sa.String(length=200), nullable=True))


def downgrade():
    with op.batch_alter_table("courts", schema=None) as batch_op:
        batch_op.drop_column("area")

    with op.batch_alter_table("referral_steps", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_referral_steps_referral_id"))

    op.drop_table("referral_steps")
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_referrals_state"))
        batch_op.drop_index(batch_op.f("ix_referrals_programme_id"))
        batch_op.drop_index(batch_op.f("ix_referrals_case_id"))

    op.drop_table("referrals")
    with op.batch_alter_table("programme_coordinators", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_programme_coordinators_user_id"))
        batch_op.drop_index(batch_op.f("ix_programme_coordinators_programme_id"))

    op.drop_table("programme_coordinators")
    with op.batch_alter_table("programmes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_programmes_jurisdiction_code"))

    op.drop_table("programmes")
