"""staff accounts: a role for each back-office account (the merchants become owners),
invitations to the back office, and indexes for the back office's customer search

Revision ID: 0025
Revises: 0028
Create Date: 2026-12-06 17:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0025'
down_revision = '0028'
branch_labels = None
depends_on = None

# The customer search matches the start of these (domain/customers.py): lower-cased names and
# emails, phone numbers as typed. On PostgreSQL, text_pattern_ops lets LIKE 'prefix%' use them
# whatever the database's collation; SQLite reads them with a range (>= prefix, < prefix + max).
SEARCH_INDEXES = (
    ("ix_user_email_lower", "user", "lower(email)"),
    ("ix_user_name_lower", "user", "lower(name)"),
    ("ix_order_email_lower", "order", "lower(email)"),
    ("ix_order_ship_name_lower", "order", "lower(ship_name)"),
    ("ix_order_ship_phone", "order", "ship_phone"),
)


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('staff_role', sa.String(length=10), nullable=True))
    op.execute("UPDATE \"user\" SET staff_role = 'owner' WHERE is_merchant")
    op.create_table('staff_invitation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('role', sa.String(length=10), nullable=False),
    sa.Column('locale', sa.String(length=10), nullable=False),
    sa.Column('invited_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("role IN ('owner', 'staff')", name=op.f('ck_staff_invitation_role_known')),
    sa.ForeignKeyConstraint(['invited_by'], ['user.id'], name=op.f('fk_staff_invitation_invited_by_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_invitation'))
    )
    op.create_index('ix_staff_invitation_email', 'staff_invitation', ['email'], unique=False)
    postgresql = op.get_bind().dialect.name == "postgresql"
    for name, table, expression in SEARCH_INDEXES:
        ops = " text_pattern_ops" if postgresql else ""
        op.execute(f'CREATE INDEX {name} ON "{table}" (({expression}){ops})')


def downgrade():
    for name, _table, _expression in SEARCH_INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
    op.drop_index('ix_staff_invitation_email', table_name='staff_invitation')
    op.drop_table('staff_invitation')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('staff_role')
