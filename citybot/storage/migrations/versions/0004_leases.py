"""leases: one worker runs the courier and the scheduler

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 08:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import citybot.storage.models

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'leases',
        sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('holder', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column('expires_at', citybot.storage.models.UTCDateTime(timezone=True),
                  nullable=False),
        sa.Column('acquired_at', citybot.storage.models.UTCDateTime(timezone=True),
                  nullable=False),
        sa.PrimaryKeyConstraint('name'),
    )


def downgrade() -> None:
    op.drop_table('leases')
