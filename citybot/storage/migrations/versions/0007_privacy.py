"""privacy: erased reporters (reports.reporter_id nullable), the retention notice, the audit log

Revision ID: 0007
Revises: 0010 (written as after 0004: it checks what exists)
Create Date: 2026-12-03 01:00:00.000000

On SQLite, changing reports.reporter_id rebuilds the table (env.py turns foreign keys off
while migrating, and checks them after). Written to be safe whatever ran before it: the Open311
migration makes reports.reporter_id nullable too (making it nullable twice is harmless), and
each table or column is created only when missing.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import citybot.storage.models

revision: str = '0007'
down_revision: str | None = '0010'  # the lead re-chains: written as after 0004
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _columns(table: str) -> set[str]:
    return {column['name'] for column in sa.inspect(op.get_bind()).get_columns(table)}


def upgrade() -> None:
    with op.batch_alter_table('reports') as batch:
        batch.alter_column('reporter_id', existing_type=sa.Integer(), nullable=True)
    if 'retention_notice_at' not in _columns('residents'):
        with op.batch_alter_table('residents') as batch:
            batch.add_column(sa.Column('retention_notice_at',
                                       citybot.storage.models.UTCDateTime(timezone=True),
                                       nullable=True))
    if 'audit_log' not in sa.inspect(op.get_bind()).get_table_names():
        op.create_table(
            'audit_log',
            sa.Column('id', sa.Integer(), nullable=False),
            sa.Column('at', citybot.storage.models.UTCDateTime(timezone=True), nullable=False),
            sa.Column('official_id', sa.BigInteger(), nullable=True),
            sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
            sa.Column('report_id', sa.Integer(), nullable=True),
            sa.Column('detail', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True),
            sa.PrimaryKeyConstraint('id'),
        )
        op.create_index('ix_audit_log_official', 'audit_log', ['official_id', 'at'])
        op.create_index(op.f('ix_audit_log_report_id'), 'audit_log', ['report_id'])


def downgrade() -> None:
    # reports.reporter_id stays nullable: reports whose reporter erased their data have none
    op.drop_index(op.f('ix_audit_log_report_id'), table_name='audit_log')
    op.drop_index('ix_audit_log_official', table_name='audit_log')
    op.drop_table('audit_log')
    with op.batch_alter_table('residents') as batch:
        batch.drop_column('retention_notice_at')
