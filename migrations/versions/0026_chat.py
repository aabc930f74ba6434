"""chat: a conversation's context (page, cart, checkout error), hand-over, away message and the
shopper's last poll; a bot message's meta; a staff member's last look at the inbox

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-06 20:35:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('conversation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('context', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('handed_over_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('away_sent_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('customer_seen_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('conversation_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('meta', sa.JSON(), nullable=True))
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('inbox_seen_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('inbox_seen_at')
    with op.batch_alter_table('conversation_message', schema=None) as batch_op:
        batch_op.drop_column('meta')
    with op.batch_alter_table('conversation', schema=None) as batch_op:
        batch_op.drop_column('customer_seen_at')
        batch_op.drop_column('away_sent_at')
        batch_op.drop_column('handed_over_at')
        batch_op.drop_column('context')
