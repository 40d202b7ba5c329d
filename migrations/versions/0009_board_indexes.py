"""The board of a court with thousands of limits needing attention (bench/RESULTS.md, *Boards*).

At 100,000 generated cases one demo court has 10,500 open limits at risk or past due. Its board
counted them by reading each deadline row, and sorted all of them to show the first 25:

- deadlines (court_id, open, at_risk_from, start_at, case_id) replaces (court_id, open,
  at_risk_from): the count is read from the index alone;
- deadlines (court_id, open, due, id): the first page, most urgent first, is read in order from
  the index and stops after its rows.

Only indexes: no data changes. Reviewed by hand.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-27

"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_deadlines_court_attention", "deadlines", ["court_id", "open", "at_risk_from", "start_at", "case_id"]
    )
    op.create_index("ix_deadlines_court_open_due_id", "deadlines", ["court_id", "open", "due", "id"])
    op.drop_index("ix_deadlines_court_open_due", table_name="deadlines")


def downgrade():
    op.create_index("ix_deadlines_court_open_due", "deadlines", ["court_id", "open", "at_risk_from"])
    op.drop_index("ix_deadlines_court_open_due_id", table_name="deadlines")
    op.drop_index("ix_deadlines_court_attention", table_name="deadlines")
