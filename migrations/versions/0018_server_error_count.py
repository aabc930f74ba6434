"""server_error_count: requests that failed with a server error, per hour

Revision ID: 0018
Revises: 0015
Create Date: 2026-12-06 11:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'server_error_count',
        sa.Column('hour', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('hour', name=op.f('pk_server_error_count')),
    )


def downgrade():
    op.drop_table('server_error_count')
