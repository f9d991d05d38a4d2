"""sign-in counter: password attempts in a row per login (known or not), replacing the person's columns

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26

The lockout moves from `person.failed_logins` / `person.locked_until` to a table keyed by the login as
typed, so an unknown name is counted and locked like a known one (kpi/access/throttle.py). The counts
in flight are not carried over: at worst a login locked at the moment of the upgrade may try again.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel  # noqa: F401  (autogenerate writes sqlmodel.sql.sqltypes.* column types)


revision: str = '0008'
down_revision: Union[str, None] = '0007'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('sign_in_counter',
    sa.Column('login', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('attempt_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('locked_until', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('login')
    )
    with op.batch_alter_table('sign_in_counter', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_in_counter_attempt_at'), ['attempt_at'], unique=False)
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_column('locked_until')
        batch_op.drop_column('failed_logins')


def downgrade() -> None:
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.add_column(sa.Column('failed_logins', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('locked_until', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    with op.batch_alter_table('sign_in_counter', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_in_counter_attempt_at'))
    op.drop_table('sign_in_counter')
