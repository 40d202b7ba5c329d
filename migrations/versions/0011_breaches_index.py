"""The oversight breaches of a period read from one index (bench/RESULTS.md, *HTTP under load*).

- deadlines (due, and every column the breaches statement reads) replaces deadlines (due): the
  count of binding breaches falling due in a period no longer reads the rows themselves, which
  carry explanations and citations. At 100,000 cases that statement went from 430–485 to 250 ms
  on SQLite, and from 282 to 220 ms on PostgreSQL (an index-only scan where the table is
  vacuumed, as `deadlines refresh` now does). The columns are in `models.BREACH_COLUMNS` as this
  revision wrote them; they are copied here so that the revision does not change with the model.

Only an index: no data changes. Reviewed by hand.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-27

"""

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

COLUMNS = [
    "due",
    "advisory",
    "start_at",
    "open",
    "met_at",
    "status",
    "at_risk_from",
    "case_id",
    "court_id",
    "pack_code",
    "rule_id",
    "title",
]


def upgrade():
    op.create_index("ix_deadlines_due_breaches", "deadlines", COLUMNS)
    op.drop_index("ix_deadlines_due", table_name="deadlines")


def downgrade():
    op.create_index("ix_deadlines_due", "deadlines", ["due"])
    op.drop_index("ix_deadlines_due_breaches", table_name="deadlines")
