"""Indexes found by the scale benchmarks (bench/RESULTS.md), at 100,000 cases.

- deadlines (due): oversight counts the breaches that fell due within a period;
- custody_placements (end_at): who was held at an instant reads only placements that ended
  after it or have not ended, not the whole history;
- cases (court_id, custody_since): a court's board lists its children in custody, longest
  held first, without reading the court's other cases.

Only indexes: no data changes, nothing to backfill. Reviewed by hand.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26

"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_deadlines_due", "deadlines", ["due"], unique=False)
    op.create_index(op.f("ix_custody_placements_end_at"), "custody_placements", ["end_at"], unique=False)
    op.create_index("ix_cases_court_custody_since", "cases", ["court_id", "custody_since"], unique=False)


def downgrade():
    op.drop_index("ix_cases_court_custody_since", table_name="cases")
    op.drop_index(op.f("ix_custody_placements_end_at"), table_name="custody_placements")
    op.drop_index("ix_deadlines_due", table_name="deadlines")
