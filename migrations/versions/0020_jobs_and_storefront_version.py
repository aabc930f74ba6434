"""scheduled worker jobs with leases; the storefront version in the database (PostgreSQL);
store credit entries with an idempotency key

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-12 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
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
    with op.batch_alter_table('credit_entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('idempotency_key', sa.String(length=200), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_credit_entry_idempotency_key'),
                                          ['idempotency_key'])


def downgrade():
    with op.batch_alter_table('credit_entry', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_credit_entry_idempotency_key'), type_='unique')
        batch_op.drop_column('idempotency_key')
    op.drop_table('scheduled_job')
    op.drop_table('storefront_version')
