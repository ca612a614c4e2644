"""nlu feedback: examples learnt from officials' corrections, the NLU's category and
confidence on reports and drafts

Revision ID: 0008
Revises: 0004
Create Date: 2026-12-03 01:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import citybot.storage.models

revision: str = '0008'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'nlu_examples',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column('intent', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column('category', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column('report_id', sa.Integer(), nullable=True),
        sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('created_at', citybot.storage.models.UTCDateTime(timezone=True),
                  nullable=False),
        sa.Column('reviewed_at', citybot.storage.models.UTCDateTime(timezone=True),
                  nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_nlu_examples_report_id', 'nlu_examples', ['report_id'])
    op.create_index('ix_nlu_examples_status', 'nlu_examples', ['status'])
    with op.batch_alter_table('reports') as batch:
        batch.add_column(sa.Column('nlu_category', sqlmodel.sql.sqltypes.AutoString(length=32),
                                   nullable=True))
        batch.add_column(sa.Column('nlu_confidence', sa.Float(), nullable=True))
    with op.batch_alter_table('report_drafts') as batch:
        batch.add_column(sa.Column('nlu_confidence', sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('report_drafts') as batch:
        batch.drop_column('nlu_confidence')
    with op.batch_alter_table('reports') as batch:
        batch.drop_column('nlu_confidence')
        batch.drop_column('nlu_category')
    op.drop_index('ix_nlu_examples_status', table_name='nlu_examples')
    op.drop_index('ix_nlu_examples_report_id', table_name='nlu_examples')
    op.drop_table('nlu_examples')
