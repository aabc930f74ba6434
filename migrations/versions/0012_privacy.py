"""privacy: consent records, the erasure log, erased accounts and orders kept for the law

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('consent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('purpose', sa.String(length=40), nullable=False),
    sa.Column('wording', sa.Text(), nullable=False),
    sa.Column('wording_version', sa.String(length=20), nullable=False),
    sa.Column('language', sa.String(length=10), nullable=False),
    sa.Column('source', sa.String(length=30), nullable=False),
    sa.Column('granted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('withdrawn_source', sa.String(length=30), server_default='', nullable=False),
    sa.CheckConstraint('user_id IS NOT NULL OR email IS NOT NULL', name=op.f('ck_consent_names_someone')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_consent_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consent'))
    )
    with op.batch_alter_table('consent', schema=None) as batch_op:
        batch_op.create_index('ix_consent_email', ['email', 'purpose'], unique=False)
        batch_op.create_index('ix_consent_user', ['user_id', 'purpose'], unique=False)

    op.create_table('erasure_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=20), nullable=False),
    sa.Column('action', sa.String(length=10), nullable=False),
    sa.Column('requested_by', sa.String(length=20), nullable=False),
    sa.Column('records', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("action IN ('erased', 'purged')", name=op.f('ck_erasure_log_action_known')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_erasure_log'))
    )
    with op.batch_alter_table('erasure_log', schema=None) as batch_op:
        batch_op.create_index('ix_erasure_log_created', ['created_at'], unique=False)
        batch_op.create_index('ix_erasure_log_reference', ['reference'], unique=False)

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('order', schema=None) as batch_op:
        batch_op.add_column(sa.Column('erasure_ref', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('retain_until', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_order_retain_until', ['retain_until'], unique=False)


def downgrade():
    with op.batch_alter_table('order', schema=None) as batch_op:
        batch_op.drop_index('ix_order_retain_until')
        batch_op.drop_column('retain_until')
        batch_op.drop_column('erasure_ref')

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('erased_at')

    with op.batch_alter_table('erasure_log', schema=None) as batch_op:
        batch_op.drop_index('ix_erasure_log_reference')
        batch_op.drop_index('ix_erasure_log_created')
    op.drop_table('erasure_log')

    with op.batch_alter_table('consent', schema=None) as batch_op:
        batch_op.drop_index('ix_consent_user')
        batch_op.drop_index('ix_consent_email')
    op.drop_table('consent')
