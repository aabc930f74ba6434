"""confirmed return rules, Korean business information, test payments, worker heartbeat

A shop that already saved its return rules or return settings has stated them to its shoppers,
so it counts as having confirmed them (from the date they last changed).

Revision ID: 0010
Revises: 0017
Create Date: 2026-12-08 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0017'
branch_labels = None
depends_on = None

BUSINESS_COLUMNS = (('business_name', 120), ('business_representative', 120),
                    ('business_registration_number', 10), ('mail_order_number', 60),
                    ('hosting_provider', 120))


def upgrade():
    bind = op.get_bind()
    with op.batch_alter_table('return_policy') as batch_op:
        batch_op.add_column(sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('shop_settings') as batch_op:
        batch_op.add_column(sa.Column('test_payments', sa.Boolean(), server_default=sa.true(),
                                      nullable=False))
        for name, length in BUSINESS_COLUMNS:
            batch_op.add_column(sa.Column(name, sa.String(length=length), server_default='',
                                          nullable=False))
    op.create_table('worker_heartbeat',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_worker_heartbeat'))
    )
    _confirm_saved_rules(bind)


def _confirm_saved_rules(bind):
    """Rules a merchant saved are the shop's promise already: confirmed when last changed.
    Saving a rule always stored the settings row too; a rule without one (written by hand)
    gets one with the settings' defaults."""
    bind.execute(sa.text("UPDATE return_policy SET confirmed_at = changed_at"))
    has_policy = bind.execute(sa.text("SELECT count(*) FROM return_policy")).scalar()
    last_rule = bind.execute(sa.text("SELECT max(updated_at) FROM return_rule")).scalar()
    if not has_policy and last_rule is not None:
        bind.execute(sa.text(
            "INSERT INTO return_policy (id, transit_days, pickup_enabled, pickup_instructions, "
            "dropoff_enabled, dropoff_instructions, refund_promise_days, general_md, "
            "general_html, changed_at, translations, confirmed_at) VALUES (1, 7, :no, '', :yes, "
            "'', 3, '', '', :at, '{}', :at)"), {"no": False, "yes": True, "at": last_rule})


def downgrade():
    op.drop_table('worker_heartbeat')
    with op.batch_alter_table('shop_settings') as batch_op:
        for name, _length in reversed(BUSINESS_COLUMNS):
            batch_op.drop_column(name)
        batch_op.drop_column('test_payments')
    with op.batch_alter_table('return_policy') as batch_op:
        batch_op.drop_column('confirmed_at')
