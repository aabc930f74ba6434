"""import jobs run by the worker; a SKU may repeat (indexed, no longer unique)

Revision ID: 0015
Revises: 0012
Create Date: 2026-12-10 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    # SQLite rebuilds the table to drop the constraint; env.py turns foreign-key actions off
    # meanwhile, so the carts and order lines that point at variants keep them.
    with op.batch_alter_table('variant', schema=None) as batch_op:
        batch_op.drop_constraint('uq_variant_sku', type_='unique')
        batch_op.create_index('ix_variant_sku', ['sku'], unique=False)

    op.create_table('import_job',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('products_name', sa.String(length=200), nullable=False),
    sa.Column('inventory_name', sa.String(length=200), nullable=False),
    sa.Column('folder', sa.String(length=64), nullable=False),
    sa.Column('locale', sa.String(length=10), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('total', sa.Integer(), nullable=True),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('created', sa.Integer(), nullable=False),
    sa.Column('updated', sa.Integer(), nullable=False),
    sa.Column('skipped', sa.Integer(), nullable=False),
    sa.Column('stock_set', sa.Integer(), nullable=False),
    sa.Column('claim', sa.String(length=32), nullable=True),
    sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('error', sa.String(length=500), nullable=False),
    sa.CheckConstraint("status IN ('queued', 'running', 'done', 'failed')",
                       name=op.f('ck_import_job_status_known')),
    sa.CheckConstraint('done >= 0 AND done <= total', name=op.f('ck_import_job_done_within_total')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'],
                            name=op.f('fk_import_job_created_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_job')),
    sa.UniqueConstraint('folder', name=op.f('uq_import_job_folder'))
    )
    with op.batch_alter_table('import_job', schema=None) as batch_op:
        batch_op.create_index('ix_import_job_status', ['status', 'created_at'], unique=False)

    op.create_table('import_problem',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('line', sa.Integer(), nullable=False),
    sa.Column('handle', sa.String(length=255), nullable=False),
    sa.Column('warning', sa.Boolean(), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['job_id'], ['import_job.id'],
                            name=op.f('fk_import_problem_job_id_import_job'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_problem'))
    )
    with op.batch_alter_table('import_problem', schema=None) as batch_op:
        batch_op.create_index('ix_import_problem_job', ['job_id', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('import_problem', schema=None) as batch_op:
        batch_op.drop_index('ix_import_problem_job')
    op.drop_table('import_problem')
    with op.batch_alter_table('import_job', schema=None) as batch_op:
        batch_op.drop_index('ix_import_job_status')
    op.drop_table('import_job')
    # Fails while two variants share a SKU: give them SKUs of their own first.
    with op.batch_alter_table('variant', schema=None) as batch_op:
        batch_op.drop_index('ix_variant_sku')
        batch_op.create_unique_constraint('uq_variant_sku', ['sku'])
