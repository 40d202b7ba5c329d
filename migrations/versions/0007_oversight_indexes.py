"""The oversight year at 100,000 cases (bench/RESULTS.md, *Oversight*): indexes, and three stored columns.

Indexes:

- custody_episodes (kind, start_at) and (kind, end_at, start_at): the episodes of a kind started,
  or ended, in a period are an index range; they replace the index on kind alone;
- custody_placements (start_at, end_at) and (end_at, start_at): who was held at an instant, or
  at each month end, is counted from an index alone; they replace the indexes on each column;
- events (type, at): the sentences and diversions of a period; events (case_id, type, at):
  whether a case had an event of a type by an instant (a hearing scheduled). It also serves
  every look-up by case, so the index on case_id alone goes.

Columns of custody_episodes, so that the year reads no other row per episode
(`oversight.episodes.store` keeps them, and fills them here for the episodes already stored):

- sex: the child's, as case_id and court_id are the case's;
- ends_spell: the last police custody or pre-trial detention episode of its custody run (latest
  end, then position), all of them ended: where a pre-sentence spell ends (indicator 4);
- aftercare_at: the first aftercare started (effective event) at or after the episode's end (11).

Reviewed by hand.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27

"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_custody_episodes_kind_start_at", "custody_episodes", ["kind", "start_at"], unique=False)
    op.create_index("ix_custody_episodes_kind_end_at", "custody_episodes", ["kind", "end_at", "start_at"], unique=False)
    op.drop_index(op.f("ix_custody_episodes_kind"), table_name="custody_episodes")
    op.create_index("ix_custody_placements_start_at_end_at", "custody_placements", ["start_at", "end_at"], unique=False)
    op.create_index("ix_custody_placements_end_at_start_at", "custody_placements", ["end_at", "start_at"], unique=False)
    op.drop_index(op.f("ix_custody_placements_start_at"), table_name="custody_placements")
    op.drop_index(op.f("ix_custody_placements_end_at"), table_name="custody_placements")
    op.create_index("ix_events_type_at", "events", ["type", "at"], unique=False)
    op.create_index("ix_events_case_id_type_at", "events", ["case_id", "type", "at"], unique=False)
    op.drop_index(op.f("ix_events_case_id"), table_name="events")

    # Added NOT NULL with a default that fills the rows already there until the updates below. SQLite
    # cannot drop a default without rebuilding the table (which custody_placements' foreign key forbids
    # here), so there it stays; it is never used: `store` writes every column of every episode.
    op.add_column("custody_episodes", sa.Column("sex", sa.String(length=1), nullable=False, server_default=""))
    op.add_column("custody_episodes", sa.Column("ends_spell", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column("custody_episodes", sa.Column("aftercare_at", sa.DateTime(timezone=True), nullable=True))
    op.execute(
        "UPDATE custody_episodes SET sex = (SELECT sex FROM children WHERE children.id = custody_episodes.child_id)"
    )
    op.execute(
        """UPDATE custody_episodes SET ends_spell = (
            kind IN ('police_custody', 'pretrial_detention') AND end_at IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM custody_episodes AS other
                WHERE other.case_id = custody_episodes.case_id AND other.run_start = custody_episodes.run_start
                AND other.kind IN ('police_custody', 'pretrial_detention')
                AND (other.end_at IS NULL OR other.end_at > custody_episodes.end_at
                     OR (other.end_at = custody_episodes.end_at AND other.position > custody_episodes.position))))"""
    )
    op.execute(
        """UPDATE custody_episodes SET aftercare_at = (
            SELECT min(events.at) FROM events
            WHERE events.case_id = custody_episodes.case_id AND events.type = 'aftercare_started'
            AND events.at >= custody_episodes.end_at AND events.voids = false
            AND NOT EXISTS (SELECT 1 FROM events AS correction WHERE correction.corrects_id = events.id))
        WHERE end_at IS NOT NULL"""
    )
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column("custody_episodes", "sex", server_default=None)
        op.alter_column("custody_episodes", "ends_spell", server_default=None)


def downgrade():
    op.drop_column("custody_episodes", "aftercare_at")
    op.drop_column("custody_episodes", "ends_spell")
    op.drop_column("custody_episodes", "sex")
    op.create_index(op.f("ix_events_case_id"), "events", ["case_id"], unique=False)
    op.drop_index("ix_events_case_id_type_at", table_name="events")
    op.drop_index("ix_events_type_at", table_name="events")
    op.create_index(op.f("ix_custody_placements_end_at"), "custody_placements", ["end_at"], unique=False)
    op.create_index(op.f("ix_custody_placements_start_at"), "custody_placements", ["start_at"], unique=False)
    op.drop_index("ix_custody_placements_end_at_start_at", table_name="custody_placements")
    op.drop_index("ix_custody_placements_start_at_end_at", table_name="custody_placements")
    op.create_index(op.f("ix_custody_episodes_kind"), "custody_episodes", ["kind"], unique=False)
    op.drop_index("ix_custody_episodes_kind_end_at", table_name="custody_episodes")
    op.drop_index("ix_custody_episodes_kind_start_at", table_name="custody_episodes")
