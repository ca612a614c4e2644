"""fewer pages written per update: no index on report_drafts.updated_at nor on
processed_updates.processed_at

Every update claims its id in processed_updates, and every step of a report writes the draft's
updated_at: the index on each made the database write one more page at those commits — on
SQLite a frame of the WAL each, about a tenth of an update's CPU for the two
(bench_report_flow). Only periodic jobs ask by these columns, over small tables they now read
whole: the draft jobs every ten minutes (at most one draft per resident writing a report), the
sweep of processed update ids every six hours (two days of them).

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
    op.drop_index('ix_processed_updates_processed_at', table_name='processed_updates')


def downgrade() -> None:
    op.create_index('ix_processed_updates_processed_at', 'processed_updates', ['processed_at'],
                    unique=False)
    op.create_index('ix_report_drafts_updated_at', 'report_drafts', ['updated_at'], unique=False)
