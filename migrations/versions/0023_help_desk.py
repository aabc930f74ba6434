"""the help desk: business hours and holidays, the reply targets and persona, conversations with
their messages, photos and saved replies

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06 17:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('business_hours',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('weekday', sa.Integer(), nullable=False),
    sa.Column('opens_minute', sa.Integer(), nullable=False),
    sa.Column('closes_minute', sa.Integer(), nullable=False),
    sa.CheckConstraint('weekday BETWEEN 0 AND 6', name=op.f('ck_business_hours_weekday_range')),
    sa.CheckConstraint('opens_minute >= 0 AND closes_minute <= 1440 AND opens_minute < closes_minute', name=op.f('ck_business_hours_interval_in_day')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_business_hours'))
    )
    op.create_table('holiday',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('label', sa.String(length=120), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_holiday')),
    sa.UniqueConstraint('day', name=op.f('uq_holiday_day'))
    )
    op.create_table('saved_reply',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('translations', sa.JSON(), server_default='{}', nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_reply'))
    )
    op.create_table('conversation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=12), nullable=False),
    sa.Column('secret', sa.String(length=32), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('locale', sa.String(length=10), nullable=False),
    sa.Column('topic', sa.String(length=30), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=True),
    sa.Column('return_id', sa.Integer(), nullable=True),
    sa.Column('product_id', sa.Integer(), nullable=True),
    sa.Column('source_path', sa.String(length=300), nullable=False),
    sa.Column('assigned_to_id', sa.Integer(), nullable=True),
    sa.Column('previous_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_message_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('awaiting_since', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reply_due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('first_response_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('unread_by_staff', sa.Boolean(), nullable=False),
    sa.Column('unread_by_customer', sa.Boolean(), nullable=False),
    sa.CheckConstraint("status IN ('open', 'waiting', 'resolved')", name=op.f('ck_conversation_conversation_status')),
    sa.CheckConstraint("channel IN ('web', 'email', 'chat')", name=op.f('ck_conversation_conversation_channel')),
    sa.ForeignKeyConstraint(['assigned_to_id'], ['user.id'], name=op.f('fk_conversation_assigned_to_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['order_id'], ['order.id'], name=op.f('fk_conversation_order_id_order'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['previous_id'], ['conversation.id'], name=op.f('fk_conversation_previous_id_conversation'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], name=op.f('fk_conversation_product_id_product'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['return_id'], ['return_request.id'], name=op.f('fk_conversation_return_id_return_request'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_conversation_user_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conversation')),
    sa.UniqueConstraint('reference', name=op.f('uq_conversation_reference'))
    )
    with op.batch_alter_table('conversation', schema=None) as batch_op:
        batch_op.create_index('ix_conversation_status_due', ['status', 'reply_due_at'], unique=False)
        batch_op.create_index('ix_conversation_user', ['user_id'], unique=False)
        batch_op.create_index('ix_conversation_email', ['email'], unique=False)
        batch_op.create_index('ix_conversation_assigned', ['assigned_to_id'], unique=False)
        batch_op.create_index('ix_conversation_last_message', ['last_message_at'], unique=False)
        batch_op.create_index('ix_conversation_order', ['order_id'], unique=False)
    op.create_table('conversation_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('conversation_id', sa.Integer(), nullable=False),
    sa.Column('author', sa.String(length=10), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('via', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('client_token', sa.String(length=64), nullable=True),
    sa.Column('email_message_id', sa.String(length=250), nullable=True),
    sa.CheckConstraint("author IN ('customer', 'staff', 'bot', 'note')", name=op.f('ck_conversation_message_message_author')),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversation.id'], name=op.f('fk_conversation_message_conversation_id_conversation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['staff_id'], ['user.id'], name=op.f('fk_conversation_message_staff_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conversation_message')),
    sa.UniqueConstraint('conversation_id', 'client_token', name='uq_message_client_token'),
    sa.UniqueConstraint('email_message_id', name=op.f('uq_conversation_message_email_message_id'))
    )
    with op.batch_alter_table('conversation_message', schema=None) as batch_op:
        batch_op.create_index('ix_conversation_message_conversation', ['conversation_id', 'id'], unique=False)
    op.create_table('conversation_photo',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['message_id'], ['conversation_message.id'], name=op.f('fk_conversation_photo_message_id_conversation_message'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conversation_photo'))
    )
    with op.batch_alter_table('conversation_photo', schema=None) as batch_op:
        batch_op.create_index('ix_conversation_photo_message', ['message_id'], unique=False)
    with op.batch_alter_table('shop_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reply_target_minutes', sa.Integer(), server_default='120', nullable=False))
        batch_op.add_column(sa.Column('reply_target_closed_minutes', sa.Integer(), server_default='60', nullable=False))
        batch_op.add_column(sa.Column('reopen_days', sa.Integer(), server_default='14', nullable=False))
        batch_op.add_column(sa.Column('persona', sa.JSON(), server_default='{}', nullable=False))


def downgrade():
    with op.batch_alter_table('shop_settings', schema=None) as batch_op:
        batch_op.drop_column('persona')
        batch_op.drop_column('reopen_days')
        batch_op.drop_column('reply_target_closed_minutes')
        batch_op.drop_column('reply_target_minutes')
    op.drop_table('conversation_photo')
    op.drop_table('conversation_message')
    op.drop_table('conversation')
    op.drop_table('saved_reply')
    op.drop_table('holiday')
    op.drop_table('business_hours')
