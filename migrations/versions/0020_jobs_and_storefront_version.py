"""scheduled worker jobs with leases; the storefront version in the database (PostgreSQL)

Revision ID: 0020
Revises: 0015
Create Date: 2026-12-12 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('storefront_version',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_storefront_version'))
    )
    op.create_table('scheduled_job',
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('next_due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('run_token', sa.String(length=40), nullable=True),
    sa.Column('running_due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('result', sa.String(length=12), nullable=True),
    sa.Column('detail', sa.String(length=500), nullable=False),
    sa.Column('runs', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_scheduled_job'))
    )


def downgrade():
    op.drop_table('scheduled_job')
    op.drop_table('storefront_version')
