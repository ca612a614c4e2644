"""public site: officials hide a report from the public or replace its public text

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 00:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import citybot.storage.models

revision: str = '0006'
down_revision: str | None = '0005'  # after 0005 (Open311), itself after 0008; written on 0004
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('reports') as batch:
        batch.add_column(sa.Column('hidden', sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
        batch.add_column(sa.Column('public_text', sa.Text(), nullable=True))
    op.create_index('ix_reports_updated_at', 'reports', ['updated_at'])
    # Open311's date-window scan skips hidden reports from the index alone
    op.drop_index('ix_reports_created_status', table_name='reports')
    op.create_index('ix_reports_created_status', 'reports',
                    ['created_at', 'status', 'updated_at', 'hidden'])
    with op.batch_alter_table('report_photos') as batch:
        batch.add_column(sa.Column('stored_at', citybot.storage.models.UTCDateTime(timezone=True),
                                   nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('report_photos') as batch:
        batch.drop_column('stored_at')
    op.drop_index('ix_reports_updated_at', table_name='reports')
    op.drop_index('ix_reports_created_status', table_name='reports')
    op.create_index('ix_reports_created_status', 'reports', ['created_at', 'status', 'updated_at'])
    with op.batch_alter_table('reports') as batch:
        batch.drop_column('public_text')
        batch.drop_column('hidden')
