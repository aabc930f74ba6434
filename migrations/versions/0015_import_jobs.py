"""a SKU may repeat (indexed, no longer unique)

Revision ID: 0015
Revises: 0007
Create Date: 2026-12-10 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    # SQLite rebuilds the table to drop the constraint; env.py turns foreign-key actions off
    # meanwhile, so the carts and order lines that point at variants keep them.
    with op.batch_alter_table('variant', schema=None) as batch_op:
        batch_op.drop_constraint('uq_variant_sku', type_='unique')
        batch_op.create_index('ix_variant_sku', ['sku'], unique=False)


def downgrade():
    # Fails while two variants share a SKU: give them SKUs of their own first.
    with op.batch_alter_table('variant', schema=None) as batch_op:
        batch_op.drop_index('ix_variant_sku')
        batch_op.create_unique_constraint('uq_variant_sku', ['sku'])
