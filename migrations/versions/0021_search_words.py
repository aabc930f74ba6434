"""search on PostgreSQL reads a short list of each product's words through its own trigram index

product.search_words holds every distinct word of the product's search texts, case-folded
(domain.localized.words): the same products contain a searched word as before, but checking a
candidate reads about two thirds of the text, with a plain LIKE instead of ILIKE (which
lower-cased the whole text again for every row) and without fetching the long texts from
their out-of-line storage. On PostgreSQL a trigram index of the column replaces 0019's index of
the joined texts; where pg_trgm is missing, search still works by reading the table. SQLite
searches its FTS5 indexes and only gets the column.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-14 10:00:00.000000

"""
import re

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

# 0019's index, put back on downgrade.
SEARCH_TEXT = "(search_title || ' ' || search_body || ' ' || tags)"
BATCH = 1000


def _words(*texts):
    """As domain.localized.words() at this revision."""
    return " ".join(dict.fromkeys(word.casefold() for text in texts
                                  for word in re.findall(r"\w+", text or "")))


def _backfill(bind):
    last = 0
    while True:
        rows = bind.execute(sa.text(
            "SELECT id, search_title, search_body, tags FROM product WHERE id > :last"
            " ORDER BY id LIMIT :batch"), {"last": last, "batch": BATCH}).all()
        if not rows:
            return
        bind.execute(sa.text("UPDATE product SET search_words = :words WHERE id = :id"),
                     [{"id": row.id, "words": _words(row.search_title, row.search_body, row.tags)}
                      for row in rows])
        last = rows[-1].id


def _has_trgm(bind):
    return bind.exec_driver_sql(
        "SELECT count(*) FROM pg_extension WHERE extname = 'pg_trgm'").scalar() > 0


def upgrade():
    bind = op.get_bind()
    # Not batch mode: on SQLite a rebuilt product table would lose the FTS5 triggers.
    op.add_column('product', sa.Column('search_words', sa.Text(), server_default='',
                                       nullable=False))
    _backfill(bind)
    if bind.dialect.name != "postgresql":
        return
    # Kept in the row (the long texts move out first), so checking a candidate reads no more.
    bind.exec_driver_sql("ALTER TABLE product ALTER COLUMN search_words SET STORAGE MAIN")
    if not _has_trgm(bind):
        print("0021: no pg_trgm; search works without its index")
        return
    bind.exec_driver_sql("CREATE INDEX ix_product_search_words ON product"
                         " USING gin (search_words gin_trgm_ops)")
    bind.exec_driver_sql("DROP INDEX IF EXISTS ix_product_search_trgm")


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        bind.exec_driver_sql("DROP INDEX IF EXISTS ix_product_search_words")
        if _has_trgm(bind):
            bind.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS ix_product_search_trgm ON product"
                                 f" USING gin ({SEARCH_TEXT} gin_trgm_ops)")
    op.drop_column('product', 'search_words')
