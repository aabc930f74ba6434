"""merchant alerts: the switches on shop_settings, an idempotency key and the first failure on
outbox_message

Revision ID: 0013
Revises: 0010
Create Date: 2026-12-10 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('shop_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('alerts_off', sa.JSON(), server_default='[]',
                                      nullable=False))
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('dedupe_key', sa.String(length=320), nullable=True))
        batch_op.add_column(sa.Column('first_failed_at', sa.DateTime(timezone=True),
                                      nullable=True))
        batch_op.create_index('uq_outbox_dedupe_key', ['dedupe_key'], unique=True)
    # Messages failing at the upgrade: their first failure is unknown; their creation is the
    # closest time known, and it is never later than the first failure.
    op.execute("UPDATE outbox_message SET first_failed_at = created_at "
               "WHERE sent_at IS NULL AND attempts > 0")


def downgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_index('uq_outbox_dedupe_key')
        batch_op.drop_column('first_failed_at')
        batch_op.drop_column('dedupe_key')
    with op.batch_alter_table('shop_settings', schema=None) as batch_op:
        batch_op.drop_column('alerts_off')
