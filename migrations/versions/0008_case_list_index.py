"""The case list at 100,000 cases (bench/RESULTS.md, *Case list*): a court's cases, latest change first.

- cases (court_id, updated_at, id): a clerk's list, in its default order, is read from the index
  a page at a time; before, every case of the court (20,000 in a generated registry) was sorted
  for each page.

Only an index: no data changes. Reviewed by hand.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27

"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_cases_court_updated", "cases", ["court_id", "updated_at", "id"], unique=False)


def downgrade():
    op.drop_index("ix_cases_court_updated", table_name="cases")
