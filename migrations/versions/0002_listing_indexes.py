"""indexes for best sellers and category sorting

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 19:39:02.194129

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('product', schema=None) as batch_op:
        batch_op.create_index('ix_product_best_sellers', ['status', 'sales_count'], unique=False)
        batch_op.create_index('ix_product_category_featured', ['category_id', 'status', sa.literal_column('featured DESC'), 'featured_position', sa.literal_column('sales_count DESC'), sa.literal_column('created_at DESC'), sa.literal_column('id DESC')], unique=False)
        batch_op.create_index('ix_product_category_price', ['category_id', 'status', 'price_min'], unique=False)


def downgrade():
    with op.batch_alter_table('product', schema=None) as batch_op:
        batch_op.drop_index('ix_product_category_price')
        batch_op.drop_index('ix_product_category_featured')
        batch_op.drop_index('ix_product_best_sellers')

