"""reviews from verified buyers, their photos and helpful votes, review requests, satisfaction
answers, change notes, testimonials, and opt-outs from review requests

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-06 23:29:46.029468

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0030'
down_revision = '0029'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('email_opt_out',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('source', sa.String(length=30), server_default='', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_email_opt_out')),
    sa.UniqueConstraint('email', 'kind', name='uq_email_opt_out')
    )
    op.create_table('testimonial',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('quote', sa.String(length=500), nullable=False),
    sa.Column('name', sa.String(length=120), server_default='', nullable=False),
    sa.Column('source', sa.String(length=120), server_default='', nullable=False),
    sa.Column('url', sa.String(length=500), server_default='', nullable=False),
    sa.Column('said_on', sa.Date(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('testimonial', 'press')", name=op.f('ck_testimonial_testimonial_kind')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_testimonial'))
    )
    op.create_table('change_note',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.String(length=300), nullable=False),
    sa.Column('translations', sa.JSON(), server_default='{}', nullable=False),
    sa.Column('review_ids', sa.JSON(), server_default='[]', nullable=False),
    sa.Column('return_ids', sa.JSON(), server_default='[]', nullable=False),
    sa.Column('changed_on', sa.Date(), nullable=False),
    sa.Column('notified_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], name=op.f('fk_change_note_product_id_product'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_change_note'))
    )
    with op.batch_alter_table('change_note', schema=None) as batch_op:
        batch_op.create_index('ix_change_note_product', ['product_id', 'changed_on'], unique=False)

    op.create_table('review_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=10), server_default='held', nullable=False),
    sa.Column('held_since', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('note', sa.String(length=200), server_default='', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['order.id'], name=op.f('fk_review_request_order_id_order'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_request')),
    sa.UniqueConstraint('order_id', name=op.f('uq_review_request_order_id'))
    )
    with op.batch_alter_table('review_request', schema=None) as batch_op:
        batch_op.create_index('ix_review_request_state', ['state', 'sent_at'], unique=False)

    op.create_table('review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('reviewer', sa.String(length=270), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=True),
    sa.Column('order_line_id', sa.Integer(), nullable=True),
    sa.Column('variant_title', sa.String(length=130), server_default='', nullable=False),
    sa.Column('author_name', sa.String(length=80), server_default='', nullable=False),
    sa.Column('locale', sa.String(length=10), server_default='en', nullable=False),
    sa.Column('rating', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=120), server_default='', nullable=False),
    sa.Column('body', sa.Text(), server_default='', nullable=False),
    sa.Column('recommend', sa.Boolean(), nullable=True),
    sa.Column('status', sa.String(length=10), server_default='pending', nullable=False),
    sa.Column('hidden_reason', sa.String(length=300), server_default='', nullable=False),
    sa.Column('reply', sa.Text(), server_default='', nullable=False),
    sa.Column('replied_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('incentive', sa.String(length=10), server_default='', nullable=False),
    sa.Column('helpful_count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('pending', 'published', 'hidden')", name=op.f('ck_review_review_status')),
    sa.CheckConstraint('rating >= 1 AND rating <= 5', name=op.f('ck_review_review_rating_range')),
    sa.ForeignKeyConstraint(['order_id'], ['order.id'], name=op.f('fk_review_order_id_order'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['order_line_id'], ['order_line.id'], name=op.f('fk_review_order_line_id_order_line'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], name=op.f('fk_review_product_id_product'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_review_user_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review')),
    sa.UniqueConstraint('product_id', 'reviewer', name='uq_review_product_reviewer')
    )
    with op.batch_alter_table('review', schema=None) as batch_op:
        batch_op.create_index('ix_review_email', ['email'], unique=False)
        batch_op.create_index('ix_review_order', ['order_id'], unique=False)
        batch_op.create_index('ix_review_product_status', ['product_id', 'status', 'published_at'], unique=False)
        batch_op.create_index('ix_review_status_created', ['status', 'created_at'], unique=False)
        batch_op.create_index('ix_review_user', ['user_id'], unique=False)

    op.create_table('review_photo',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['review_id'], ['review.id'], name=op.f('fk_review_photo_review_id_review'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_photo')),
    sa.UniqueConstraint('key', name=op.f('uq_review_photo_key'))
    )
    with op.batch_alter_table('review_photo', schema=None) as batch_op:
        batch_op.create_index('ix_review_photo_review', ['review_id', 'position'], unique=False)

    op.create_table('review_vote',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('voter', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['review_id'], ['review.id'], name=op.f('fk_review_vote_review_id_review'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_vote')),
    sa.UniqueConstraint('review_id', 'voter', name='uq_review_vote')
    )
    op.create_table('satisfaction',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('touchpoint', sa.String(length=20), nullable=False),
    sa.Column('subject', sa.String(length=40), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=True),
    sa.Column('return_id', sa.Integer(), nullable=True),
    sa.Column('conversation_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('email', sa.String(length=254), server_default='', nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('comment', sa.Text(), server_default='', nullable=False),
    sa.Column('locale', sa.String(length=10), server_default='en', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('score >= 1 AND score <= 5', name=op.f('ck_satisfaction_satisfaction_score_range')),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversation.id'], name=op.f('fk_satisfaction_conversation_id_conversation'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['order_id'], ['order.id'], name=op.f('fk_satisfaction_order_id_order'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['return_id'], ['return_request.id'], name=op.f('fk_satisfaction_return_id_return_request'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_satisfaction_user_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_satisfaction')),
    sa.UniqueConstraint('touchpoint', 'subject', name='uq_satisfaction_subject')
    )
    with op.batch_alter_table('satisfaction', schema=None) as batch_op:
        batch_op.create_index('ix_satisfaction_created', ['touchpoint', 'created_at'], unique=False)
        batch_op.create_index('ix_satisfaction_order', ['order_id'], unique=False)

    with op.batch_alter_table('product', schema=None) as batch_op:
        batch_op.add_column(sa.Column('review_count', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('rating_sum', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('rating_counts', sa.JSON(), server_default='[0, 0, 0, 0, 0]', nullable=False))

    with op.batch_alter_table('shop_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('review_request_days', sa.Integer(), server_default='7', nullable=False))
        batch_op.add_column(sa.Column('review_reminder_days', sa.Integer(), server_default='7', nullable=False))
        batch_op.add_column(sa.Column('review_auto_publish', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('review_incentive', sa.String(length=10), server_default='', nullable=False))
        batch_op.add_column(sa.Column('review_incentive_amount', sa.Integer(), server_default='0', nullable=False))



def downgrade():
    with op.batch_alter_table('shop_settings', schema=None) as batch_op:
        batch_op.drop_column('review_incentive_amount')
        batch_op.drop_column('review_incentive')
        batch_op.drop_column('review_auto_publish')
        batch_op.drop_column('review_reminder_days')
        batch_op.drop_column('review_request_days')

    with op.batch_alter_table('product', schema=None) as batch_op:
        batch_op.drop_column('rating_counts')
        batch_op.drop_column('rating_sum')
        batch_op.drop_column('review_count')

    with op.batch_alter_table('satisfaction', schema=None) as batch_op:
        batch_op.drop_index('ix_satisfaction_order')
        batch_op.drop_index('ix_satisfaction_created')

    op.drop_table('satisfaction')
    op.drop_table('review_vote')
    with op.batch_alter_table('review_photo', schema=None) as batch_op:
        batch_op.drop_index('ix_review_photo_review')

    op.drop_table('review_photo')
    with op.batch_alter_table('review', schema=None) as batch_op:
        batch_op.drop_index('ix_review_user')
        batch_op.drop_index('ix_review_status_created')
        batch_op.drop_index('ix_review_product_status')
        batch_op.drop_index('ix_review_order')
        batch_op.drop_index('ix_review_email')

    op.drop_table('review')
    with op.batch_alter_table('review_request', schema=None) as batch_op:
        batch_op.drop_index('ix_review_request_state')

    op.drop_table('review_request')
    with op.batch_alter_table('change_note', schema=None) as batch_op:
        batch_op.drop_index('ix_change_note_product')

    op.drop_table('change_note')
    op.drop_table('testimonial')
    op.drop_table('email_opt_out')
