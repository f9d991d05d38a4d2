"""measurement year cells: values summed per indicator x unit x year, and their stamp

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel  # noqa: F401  (autogenerate writes sqlmodel.sql.sqltypes.* column types)


revision: str = '0007'
down_revision: Union[str, None] = '0006'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('measurement_year_cell',
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('org_unit_id', sa.Integer(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('count_value', sa.Integer(), nullable=False),
    sa.Column('count_numerator', sa.Integer(), nullable=False),
    sa.Column('count_denominator', sa.Integer(), nullable=False),
    sa.Column('count_weight', sa.Integer(), nullable=False),
    sa.Column('sum_value', sa.Float(), nullable=True),
    sa.Column('sum_numerator', sa.Float(), nullable=True),
    sa.Column('sum_denominator', sa.Float(), nullable=True),
    sa.Column('sum_weight', sa.Float(), nullable=True),
    sa.Column('sum_value_x_weight', sa.Float(), nullable=True),
    sa.Column('last_end', sa.Date(), nullable=False),
    sa.Column('kind_low', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('kind_high', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('last_value', sa.Float(), nullable=True),
    sa.PrimaryKeyConstraint('year', 'indicator_id', 'org_unit_id'),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('measurement', schema=None) as batch_op:
        batch_op.create_index('ix_measurement_period', ['period_start', 'period_end', 'period_kind'], unique=False)
    stamp = op.create_table('measurement_cell_stamp',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('change_id', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    # -1 matches no history: the cells count as out of date until `kpi db upgrade` (or the next write)
    # fills them from the values already stored; until then the scorecard sums the values itself.
    op.bulk_insert(stamp, [{'id': 1, 'change_id': -1}])


def downgrade() -> None:
    with op.batch_alter_table('measurement', schema=None) as batch_op:
        batch_op.drop_index('ix_measurement_period')
    op.drop_table('measurement_cell_stamp')
    op.drop_table('measurement_year_cell')
