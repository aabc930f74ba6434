"""the catalogue in every shop language, and search that finds words inside Korean compounds

Translations sit beside the main language's columns (domain/localized.py).

Revision ID: 0008
Revises: 0005
Create Date: 2026-12-06 08:30:00.000000

"""
import re

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0005'
branch_labels = None
depends_on = None

TRANSLATED = ('product', 'variant', 'category', 'policy_page', 'return_policy')

# Search on SQLite: FTS5 with the trigram tokenizer (SQLite 3.34+), so "머그컵" is found inside
# "커피머그컵" and "mug" inside "mugs". It indexes every language's titles (search_title) and
# texts (search_body), which domain.localized keeps in step; triggers keep the index in step
# with the product table. Words of one or two characters, too short for trigrams, are looked up
# in a second index of words and Korean syllables and syllable pairs (search_grams).
# PostgreSQL, and a SQLite without FTS5 or trigram, use the portable search in domain/catalog.py.
FTS_STATEMENTS = (
    """CREATE VIRTUAL TABLE product_fts USING fts5(
        search_title, search_body, tags,
        content='product', content_rowid='id', tokenize='trigram')""",
    """CREATE TRIGGER product_fts_insert AFTER INSERT ON product BEGIN
        INSERT INTO product_fts(rowid, search_title, search_body, tags)
        VALUES (new.id, new.search_title, new.search_body, new.tags);
    END""",
    """CREATE TRIGGER product_fts_delete AFTER DELETE ON product BEGIN
        INSERT INTO product_fts(product_fts, rowid, search_title, search_body, tags)
        VALUES ('delete', old.id, old.search_title, old.search_body, old.tags);
    END""",
    """CREATE TRIGGER product_fts_update AFTER UPDATE OF search_title, search_body, tags ON product
    BEGIN
        INSERT INTO product_fts(product_fts, rowid, search_title, search_body, tags)
        VALUES ('delete', old.id, old.search_title, old.search_body, old.tags);
        INSERT INTO product_fts(rowid, search_title, search_body, tags)
        VALUES (new.id, new.search_title, new.search_body, new.tags);
    END""",
    """CREATE VIRTUAL TABLE product_grams USING fts5(
        search_grams, content='product', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER product_grams_insert AFTER INSERT ON product BEGIN
        INSERT INTO product_grams(rowid, search_grams) VALUES (new.id, new.search_grams);
    END""",
    """CREATE TRIGGER product_grams_delete AFTER DELETE ON product BEGIN
        INSERT INTO product_grams(product_grams, rowid, search_grams)
        VALUES ('delete', old.id, old.search_grams);
    END""",
    """CREATE TRIGGER product_grams_update AFTER UPDATE OF search_grams ON product BEGIN
        INSERT INTO product_grams(product_grams, rowid, search_grams)
        VALUES ('delete', old.id, old.search_grams);
        INSERT INTO product_grams(rowid, search_grams) VALUES (new.id, new.search_grams);
    END""",
)
OLD_TRIGGERS = ("product_fts_insert", "product_fts_delete", "product_fts_update")
GRAM_TRIGGERS = ("product_grams_insert", "product_grams_delete", "product_grams_update")


def _sqlite_has_trigram(bind):
    try:
        bind.exec_driver_sql("CREATE VIRTUAL TABLE temp._trigram_probe USING fts5(x, tokenize='trigram')")
        bind.exec_driver_sql("DROP TABLE temp._trigram_probe")
        return True
    except Exception:
        return False


def _drop_search_index(bind):
    for name in OLD_TRIGGERS + GRAM_TRIGGERS:
        bind.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
    bind.exec_driver_sql("DROP TABLE IF EXISTS product_grams")
    bind.exec_driver_sql("DROP TABLE IF EXISTS product_fts")


def _grams(text):
    """As domain.localized.grams() at this revision: words, Korean syllables and pairs."""
    seen = {}
    for token in re.findall(r"[\uac00-\ud7a3]+|\w+", (text or "").lower()):
        if re.fullmatch(r"[\uac00-\ud7a3]+", token):
            for size in (1, 2):
                for start in range(len(token) - size + 1):
                    seen[token[start:start + size]] = None
        else:
            seen[token] = None
    return " ".join(seen)


def _backfill(bind):
    """Search texts of the products already there (their one language, and option values)."""
    options = {}
    for product_id, option1, option2 in bind.execute(sa.text(
            "SELECT product_id, option1, option2 FROM variant ORDER BY product_id, position, id")):
        options.setdefault(product_id, []).extend(v for v in (option1, option2) if v)
    rows = bind.execute(sa.text(
        "SELECT id, title, summary, description_text, option1_name, option2_name, tags"
        " FROM product")).all()
    for product_id, title, summary, text, name1, name2, tags in rows:
        values = dict.fromkeys([summary, text, name1, name2, *options.get(product_id, [])])
        body = "\n".join(v for v in values if v)
        bind.execute(sa.text("UPDATE product SET search_title = :title, search_body = :body,"
                             " search_grams = :grams WHERE id = :id"),
                     {"title": title, "body": body, "grams": _grams(" ".join((title, body, tags))),
                      "id": product_id})


def upgrade():
    bind = op.get_bind()
    with op.batch_alter_table('shop_settings') as batch_op:
        batch_op.add_column(sa.Column('main_language', sa.String(length=5), server_default='en',
                                      nullable=False))
    for table in TRANSLATED:
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column('translations', sa.JSON(), server_default='{}',
                                          nullable=False))
    with op.batch_alter_table('product') as batch_op:
        batch_op.add_column(sa.Column('search_title', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('search_body', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('search_grams', sa.Text(), server_default='', nullable=False))
    if bind.dialect.name == "sqlite":
        _drop_search_index(bind)
    _backfill(bind)
    if bind.dialect.name == "sqlite" and _sqlite_has_trigram(bind):
        for statement in FTS_STATEMENTS:
            bind.exec_driver_sql(statement)
        bind.exec_driver_sql("INSERT INTO product_fts(product_fts) VALUES ('rebuild')")
        bind.exec_driver_sql("INSERT INTO product_grams(product_grams) VALUES ('rebuild')")


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        _drop_search_index(bind)
    with op.batch_alter_table('product') as batch_op:
        batch_op.drop_column('search_grams')
        batch_op.drop_column('search_body')
        batch_op.drop_column('search_title')
    for table in TRANSLATED:
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column('translations')
    with op.batch_alter_table('shop_settings') as batch_op:
        batch_op.drop_column('main_language')
    if bind.dialect.name == "sqlite":
        _recreate_unicode_index(bind)


def _recreate_unicode_index(bind):
    """0001's index (words, not trigrams, over the main language only)."""
    statements = [s.replace("search_title", "title").replace("search_body", "description_text")
                  .replace("tokenize='trigram'", "tokenize='unicode61 remove_diacritics 2'")
                  for s in FTS_STATEMENTS if "product_grams" not in s]
    for statement in statements:
        bind.exec_driver_sql(statement)
    bind.exec_driver_sql("INSERT INTO product_fts(product_fts) VALUES ('rebuild')")
