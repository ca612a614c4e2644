"""open311: reports without a resident, their source, media_url and external ids; API keys

Revision ID: 0005
Revises: 0008
Create Date: 2026-12-03 00:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import citybot.storage.models

revision: str = '0005'
down_revision: str | None = '0008'  # after main's 0008 (nlu feedback); written on 0004
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.alter_column('reporter_id', existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=96),
                                      nullable=True))
        batch_op.add_column(sa.Column('media_url',
                                      sqlmodel.sql.sqltypes.AutoString(length=1024),
                                      nullable=True))
        batch_op.add_column(sa.Column('external_id',
                                      sqlmodel.sql.sqltypes.AutoString(length=128),
                                      nullable=True))
        batch_op.add_column(sa.Column('external_token',
                                      sqlmodel.sql.sqltypes.AutoString(length=128),
                                      nullable=True))
        batch_op.add_column(sa.Column('external_status',
                                      sqlmodel.sql.sqltypes.AutoString(length=32),
                                      nullable=True))
        batch_op.create_index(batch_op.f('ix_reports_external_id'), ['external_id'],
                              unique=False)
        # a date window's scan reads the status from the index; it serves every query the
        # index of created_at alone served, which goes
        batch_op.create_index('ix_reports_created_status',
                              ['created_at', 'status', 'updated_at'], unique=False)
        batch_op.drop_index('ix_reports_created_at')
    op.create_table(
        'api_keys',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('key_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('per_minute', sa.Integer(), nullable=False),
        sa.Column('created_at', citybot.storage.models.UTCDateTime(timezone=True),
                  nullable=False),
        sa.Column('revoked_at', citybot.storage.models.UTCDateTime(timezone=True),
                  nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('key_hash'),
        sa.UniqueConstraint('name'),
    )


def downgrade() -> None:
    op.drop_table('api_keys')
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.create_index('ix_reports_created_at', ['created_at'], unique=False)
        batch_op.drop_index('ix_reports_created_status')
        batch_op.drop_index(batch_op.f('ix_reports_external_id'))
        batch_op.drop_column('external_status')
        batch_op.drop_column('external_token')
        batch_op.drop_column('external_id')
        batch_op.drop_column('media_url')
        batch_op.drop_column('source')
        # reports of no resident cannot stay when the column is required again
        batch_op.alter_column('reporter_id', existing_type=sa.Integer(), nullable=False)
