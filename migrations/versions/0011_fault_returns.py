"""returns of faults: their window, the order's shipping given back, photos; goodwill credit

Revision ID: 0011
Revises: 0013
Create Date: 2026-12-07 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('return_policy', schema=None) as batch_op:
        batch_op.add_column(sa.Column('fault_window_days', sa.Integer(), server_default='30',
                                      nullable=False))
        batch_op.create_check_constraint('fault_window_not_negative', 'fault_window_days >= 0')
    with op.batch_alter_table('return_request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('shipping_refund', sa.Integer(), server_default='0',
                                      nullable=False))
    with op.batch_alter_table('credit_entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('goodwill', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
    op.create_table(
        'return_photo',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('return_id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('width', sa.Integer(), nullable=False),
        sa.Column('height', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['return_id'], ['return_request.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_return_photo_return', 'return_photo', ['return_id'], unique=False)


def downgrade():
    op.drop_index('ix_return_photo_return', table_name='return_photo')
    op.drop_table('return_photo')
    with op.batch_alter_table('credit_entry', schema=None) as batch_op:
        batch_op.drop_column('goodwill')
    with op.batch_alter_table('return_request', schema=None) as batch_op:
        batch_op.drop_column('shipping_refund')
    with op.batch_alter_table('return_policy', schema=None) as batch_op:
        batch_op.drop_constraint('fault_window_not_negative', type_='check')
        batch_op.drop_column('fault_window_days')

