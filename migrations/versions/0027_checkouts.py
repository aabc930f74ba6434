"""checkouts: a record per checkout in progress (heartbeat, last error, ordered or abandoned,
the reminder), and the stalled-checkout settings

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-06 21:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'checkout_record',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=32), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('email', sa.String(length=254), server_default='', nullable=False),
        sa.Column('locale', sa.String(length=10), server_default='en', nullable=False),
        sa.Column('cart', sa.JSON(), server_default='{}', nullable=False),
        sa.Column('cart_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('error_code', sa.String(length=30), server_default='', nullable=False),
        sa.Column('error_message', sa.String(length=300), server_default='', nullable=False),
        sa.Column('error_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('state', sa.String(length=10), server_default='open', nullable=False),
        sa.Column('ordered_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('order_id', sa.Integer(), nullable=True),
        sa.Column('abandoned_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('reminder', sa.String(length=12), server_default='', nullable=False),
        sa.Column('reminder_queued_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('conversation_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['order_id'], ['order.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['conversation_id'], ['conversation.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('key'),
    )
    op.create_index('ix_checkout_record_state_seen', 'checkout_record', ['state', 'last_seen_at'])
    with op.batch_alter_table('shop_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('help_offer_minutes', sa.Integer(), server_default='5',
                                      nullable=False))
        batch_op.add_column(sa.Column('reminder_hours', sa.Integer(), server_default='10',
                                      nullable=False))
        batch_op.add_column(sa.Column('reminder_on', sa.Boolean(), server_default=sa.true(),
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('shop_settings', schema=None) as batch_op:
        batch_op.drop_column('reminder_on')
        batch_op.drop_column('reminder_hours')
        batch_op.drop_column('help_offer_minutes')
    op.drop_index('ix_checkout_record_state_seen', table_name='checkout_record')
    op.drop_table('checkout_record')
