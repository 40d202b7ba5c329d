"""Oversight: stored custody episodes and placements, child population denominators, policy facts,
and the facility register (area, complaints mechanism, dated inspections).

Custody episodes and placements are derived data, like stored deadlines: they are rebuilt with
every change to a case. After this migration, `flask oversight refresh` builds them for the
cases that already exist (until then the oversight aggregates count nothing for those cases).
The new facility columns start NULL ("not recorded"); the other new tables start empty.
Reviewed by hand.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29

"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "child_populations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("jurisdiction_code", sa.String(length=16), nullable=False),
        sa.Column("area", sa.String(length=200), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("population", sa.Integer(), nullable=False),
        sa.Column("age_from", sa.Integer(), nullable=False),
        sa.Column("age_to", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("population > 0", name=op.f("ck_child_populations_population_positive")),
        sa.ForeignKeyConstraint(
            ["jurisdiction_code"],
            ["jurisdictions.code"],
            name=op.f("fk_child_populations_jurisdiction_code_jurisdictions"),
        ),
        sa.ForeignKeyConstraint(["updated_by_id"], ["users.id"], name=op.f("fk_child_populations_updated_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_child_populations")),
        sa.UniqueConstraint("jurisdiction_code", "area", "year", name="uq_child_populations_jurisdiction_area_year"),
    )
    with op.batch_alter_table("child_populations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_child_populations_jurisdiction_code"), ["jurisdiction_code"], unique=False)

    op.create_table(
        "facility_inspections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("facility_id", sa.Integer(), nullable=False),
        sa.Column("inspected_on", sa.Date(), nullable=False),
        sa.Column("inspector", sa.String(length=200), nullable=False),
        sa.Column("independent", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(length=1000), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["facility_id"], ["facilities.id"], name=op.f("fk_facility_inspections_facility_id_facilities")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_facility_inspections_recorded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_facility_inspections")),
    )
    with op.batch_alter_table("facility_inspections", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_facility_inspections_facility_id"), ["facility_id"], unique=False)

    op.create_table(
        "policy_facts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("jurisdiction_code", sa.String(length=16), nullable=False),
        sa.Column("indicator", sa.Integer(), nullable=False),
        sa.Column("answer", sa.String(length=10), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("source", sa.String(length=300), nullable=True),
        sa.Column("recorded_on", sa.Date(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["jurisdiction_code"], ["jurisdictions.code"], name=op.f("fk_policy_facts_jurisdiction_code_jurisdictions")
        ),
        sa.ForeignKeyConstraint(["updated_by_id"], ["users.id"], name=op.f("fk_policy_facts_updated_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_policy_facts")),
        sa.UniqueConstraint("jurisdiction_code", "indicator", name="uq_policy_facts_jurisdiction_indicator"),
    )
    with op.batch_alter_table("policy_facts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_policy_facts_jurisdiction_code"), ["jurisdiction_code"], unique=False)

    op.create_table(
        "custody_episodes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("jurisdiction_code", sa.String(length=16), nullable=False),
        sa.Column("court_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("reason", sa.String(length=30), nullable=False),
        sa.Column("start_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("end_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_by", sa.String(length=40), nullable=True),
        sa.Column("release_kind", sa.String(length=30), nullable=True),
        sa.Column("run_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("age_band", sa.String(length=30), nullable=False),
        sa.Column("offence_class", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_custody_episodes_case_id_cases")),
        sa.ForeignKeyConstraint(["child_id"], ["children.id"], name=op.f("fk_custody_episodes_child_id_children")),
        sa.ForeignKeyConstraint(["court_id"], ["courts.id"], name=op.f("fk_custody_episodes_court_id_courts")),
        sa.ForeignKeyConstraint(
            ["jurisdiction_code"],
            ["jurisdictions.code"],
            name=op.f("fk_custody_episodes_jurisdiction_code_jurisdictions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_custody_episodes")),
    )
    with op.batch_alter_table("custody_episodes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_custody_episodes_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_custody_episodes_child_id"), ["child_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_custody_episodes_court_id"), ["court_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_custody_episodes_end_at"), ["end_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_custody_episodes_jurisdiction_code"), ["jurisdiction_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_custody_episodes_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_custody_episodes_start_at"), ["start_at"], unique=False)

    op.create_table(
        "custody_placements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("episode_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("facility_name", sa.String(length=200), nullable=True),
        sa.Column("facility_id", sa.Integer(), nullable=True),
        sa.Column("separated_from_adults", sa.Boolean(), nullable=True),
        sa.Column("start_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("end_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_custody_placements_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["episode_id"], ["custody_episodes.id"], name=op.f("fk_custody_placements_episode_id_custody_episodes")
        ),
        sa.ForeignKeyConstraint(
            ["facility_id"], ["facilities.id"], name=op.f("fk_custody_placements_facility_id_facilities")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_custody_placements")),
    )
    with op.batch_alter_table("custody_placements", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_custody_placements_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_custody_placements_episode_id"), ["episode_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_custody_placements_facility_id"), ["facility_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_custody_placements_start_at"), ["start_at"], unique=False)

    with op.batch_alter_table("facilities", schema=None) as batch_op:
        batch_op.add_column(sa.Column("area", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("complaints_mechanism", sa.Boolean(), nullable=True))


def downgrade():
    with op.batch_alter_table("facilities", schema=None) as batch_op:
        batch_op.drop_column("complaints_mechanism")
        batch_op.drop_column("area")

    with op.batch_alter_table("custody_placements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_custody_placements_start_at"))
        batch_op.drop_index(batch_op.f("ix_custody_placements_facility_id"))
        batch_op.drop_index(batch_op.f("ix_custody_placements_episode_id"))
        batch_op.drop_index(batch_op.f("ix_custody_placements_case_id"))

    op.drop_table("custody_placements")
    with op.batch_alter_table("custody_episodes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_custody_episodes_start_at"))
        batch_op.drop_index(batch_op.f("ix_custody_episodes_kind"))
        batch_op.drop_index(batch_op.f("ix_custody_episodes_jurisdiction_code"))
        batch_op.drop_index(batch_op.f("ix_custody_episodes_end_at"))
        batch_op.drop_index(batch_op.f("ix_custody_episodes_court_id"))
        batch_op.drop_index(batch_op.f("ix_custody_episodes_child_id"))
        batch_op.drop_index(batch_op.f("ix_custody_episodes_case_id"))

    op.drop_table("custody_episodes")
    with op.batch_alter_table("policy_facts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_policy_facts_jurisdiction_code"))

    op.drop_table("policy_facts")
    with op.batch_alter_table("facility_inspections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_facility_inspections_facility_id"))

    op.drop_table("facility_inspections")
    with op.batch_alter_table("child_populations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_child_populations_jurisdiction_code"))

    op.drop_table("child_populations")
