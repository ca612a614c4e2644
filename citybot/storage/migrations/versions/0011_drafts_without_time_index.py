"""report drafts without the index on updated_at

Every step of a report writes the draft's updated_at, and the index on it made SQLite write one
more page at each of those commits (bench_report_flow). Only the draft jobs ask by that column
(every ten minutes), over a table of at most one draft per resident writing a report: they
read it whole.

Revision ID: 0011
Revises: 0007
Create Date: 2026-12-03 15:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0011'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index('ix_report_drafts_updated_at', table_name='report_drafts')


def downgrade() -> None:
    op.create_index('ix_report_drafts_updated_at', 'report_drafts', ['updated_at'], unique=False)
