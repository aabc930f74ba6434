"""refund accounts: where a refund sent by hand goes, encrypted until the refund is done

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-08 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('refund_account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('return_id', sa.Integer(), nullable=True),
    sa.Column('order_id', sa.Integer(), nullable=True),
    sa.Column('bank_name', sa.String(length=40), nullable=False),
    sa.Column('last_digits', sa.String(length=4), nullable=False),
    sa.Column('ciphertext', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(return_id IS NULL) <> (order_id IS NULL)', name=op.f('ck_refund_account_one_owner')),
    sa.ForeignKeyConstraint(['order_id'], ['order.id'], name=op.f('fk_refund_account_order_id_order'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['return_id'], ['return_request.id'], name=op.f('fk_refund_account_return_id_return_request'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_refund_account')),
    sa.UniqueConstraint('order_id', name=op.f('uq_refund_account_order_id')),
    sa.UniqueConstraint('return_id', name=op.f('uq_refund_account_return_id'))
    )


def downgrade():
    op.drop_table('refund_account')
