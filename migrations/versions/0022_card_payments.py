"""card payments on the provider's page: each provider payment recorded once, the order's
payment attempts, and the minutes an order may wait for its card payment

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06 15:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None

STATUSES = ('placed', 'paid', 'packed', 'shipped', 'out_for_delivery', 'delivered', 'cancelled',
            'payment_expired')


def upgrade():
    op.create_table('card_charge',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('provider', sa.String(length=20), nullable=False),
    sa.Column('payment_id', sa.String(length=200), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['order.id'], name=op.f('fk_card_charge_order_id_order'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_card_charge')),
    sa.UniqueConstraint('provider', 'payment_id', name='uq_card_charge_payment')
    )
    with op.batch_alter_table('order', schema=None) as batch_op:
        batch_op.add_column(sa.Column('card_attempt', sa.Integer(), server_default='0', nullable=False))
        batch_op.drop_constraint(batch_op.f('ck_order_status_known'), type_='check')
        batch_op.create_check_constraint('status_known', "status IN (" + ", ".join(
            f"'{s}'" for s in STATUSES + ("awaiting_payment",)) + ")")
    with op.batch_alter_table('shop_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('card_payment_minutes', sa.Integer(), server_default='30', nullable=False))


def downgrade():
    with op.batch_alter_table('shop_settings', schema=None) as batch_op:
        batch_op.drop_column('card_payment_minutes')
    with op.batch_alter_table('order', schema=None) as batch_op:
        batch_op.drop_column('card_attempt')
        batch_op.drop_constraint(batch_op.f('ck_order_status_known'), type_='check')
        batch_op.create_check_constraint('status_known', "status IN (" + ", ".join(
            f"'{s}'" for s in STATUSES) + ")")
    op.drop_table('card_charge')
