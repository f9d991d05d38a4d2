"""data revision: one counter row that every write raises, the pages' cache key

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25
"""
from datetime import datetime, timezone
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel  # noqa: F401  (autogenerate writes sqlmodel.sql.sqltypes.* column types)


revision: str = '0006'
down_revision: Union[str, None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    data_revision = op.create_table('data_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('changed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    # The one row, stamped now: a database restored from an older backup and upgraded gets a token
    # unlike the one before the restore, even though its counter starts again.
    op.bulk_insert(data_revision, [{'id': 1, 'revision': 1, 'changed_at': datetime.now(timezone.utc)}])


def downgrade() -> None:
    op.drop_table('data_revision')
