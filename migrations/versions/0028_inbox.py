"""the inbox's indexes: resolved conversations newest first, the unread count, the week's
first-response figures

Revision ID: 0028
Revises: 0024
Create Date: 2026-12-06 18:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0028'
down_revision = '0024'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('conversation', schema=None) as batch_op:
        batch_op.create_index('ix_conversation_status_last', ['status', 'last_message_at'], unique=False)
        batch_op.create_index('ix_conversation_unread', ['unread_by_staff', 'status'], unique=False)
        batch_op.create_index('ix_conversation_created', ['created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('conversation', schema=None) as batch_op:
        batch_op.drop_index('ix_conversation_created')
        batch_op.drop_index('ix_conversation_unread')
        batch_op.drop_index('ix_conversation_status_last')
