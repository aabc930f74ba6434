"""indexes for the back office's product and order lists, and for search on PostgreSQL

Without the first two, each page of either list sorted every product or order to show 30 of
them (a third of a second with 100,000 of each). On PostgreSQL, a trigram index (the pg_trgm
extension, shipped with PostgreSQL's contrib modules) lets search find the products whose texts
contain a word without reading every product; where the extension cannot be created, search
still works by reading the table, and the migration says so.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 11:10:00.000000

"""
from alembic import op

# The texts search looks in, as domain/catalog.py writes them: the index serves that expression.
SEARCH_TEXT = "(search_title || ' ' || search_body || ' ' || tags)"
# Korean words of one or two syllables, too short for trigrams, are whole words of search_grams.
GRAMS_TEXT = "(' ' || search_grams || ' ')"


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('product', schema=None) as batch_op:
        batch_op.create_index('ix_product_updated', ['updated_at', 'id'], unique=False)
    with op.batch_alter_table('order', schema=None) as batch_op:
        batch_op.create_index('ix_order_placed', ['placed_at', 'id'], unique=False)
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        try:
            with bind.begin_nested():
                bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except Exception as error:  # not allowed to, or not installed: search reads the table
            print(f"0019: no pg_trgm ({error.__class__.__name__}); search works without its index")
            return
        bind.exec_driver_sql(f"CREATE INDEX ix_product_search_trgm ON product"
                             f" USING gin ({SEARCH_TEXT} gin_trgm_ops)")
        bind.exec_driver_sql(f"CREATE INDEX ix_product_search_trgm_grams ON product"
                             f" USING gin ({GRAMS_TEXT} gin_trgm_ops)")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_product_search_trgm_grams")
        op.execute("DROP INDEX IF EXISTS ix_product_search_trgm")
    with op.batch_alter_table('order', schema=None) as batch_op:
        batch_op.drop_index('ix_order_placed')
    with op.batch_alter_table('product', schema=None) as batch_op:
        batch_op.drop_index('ix_product_updated')
