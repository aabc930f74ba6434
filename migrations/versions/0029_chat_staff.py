"""chat replies shown in an open panel and emailed later if unread; the inbox's unread count
read off one index with the chat hand-over

Revision ID: 0029
Revises: 0027
Create Date: 2026-12-06 21:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0029'
down_revision = '0027'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('conversation_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_due_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_conversation_message_email_due', ['email_due_at'], unique=False)


def downgrade():
    with op.batch_alter_table('conversation_message', schema=None) as batch_op:
        batch_op.drop_index('ix_conversation_message_email_due')
        batch_op.drop_column('email_due_at')
