"""the shop's questions and answers (/help): categories, entries with their search columns,
and shoppers' "Did this help?" votes

Entries are searched like products: on SQLite through FTS5 tables (faq_fts, trigrams of every
language's question and answer; faq_grams, words and Korean syllables for one- and two-letter
words) kept in step by triggers; on PostgreSQL through search_words and its trigram index.
No entries are inserted: the back office offers to add the answers generated from the shop's
rules when they are missing, and the demo shop has them.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06 17:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None

# A later batch-mode change of faq_entry on SQLite copies the table and loses these triggers:
# change it with plain ALTERs, as 0021 does for product.
FTS_STATEMENTS = (
    """CREATE VIRTUAL TABLE faq_fts USING fts5(
        search_text, content='faq_entry', content_rowid='id', tokenize='trigram')""",
    """CREATE TRIGGER faq_fts_insert AFTER INSERT ON faq_entry BEGIN
        INSERT INTO faq_fts(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
    """CREATE TRIGGER faq_fts_delete AFTER DELETE ON faq_entry BEGIN
        INSERT INTO faq_fts(faq_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
    END""",
    """CREATE TRIGGER faq_fts_update AFTER UPDATE OF search_text ON faq_entry BEGIN
        INSERT INTO faq_fts(faq_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
        INSERT INTO faq_fts(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
    """CREATE VIRTUAL TABLE faq_grams USING fts5(
        search_grams, content='faq_entry', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER faq_grams_insert AFTER INSERT ON faq_entry BEGIN
        INSERT INTO faq_grams(rowid, search_grams) VALUES (new.id, new.search_grams);
    END""",
    """CREATE TRIGGER faq_grams_delete AFTER DELETE ON faq_entry BEGIN
        INSERT INTO faq_grams(faq_grams, rowid, search_grams) VALUES ('delete', old.id, old.search_grams);
    END""",
    """CREATE TRIGGER faq_grams_update AFTER UPDATE OF search_grams ON faq_entry BEGIN
        INSERT INTO faq_grams(faq_grams, rowid, search_grams) VALUES ('delete', old.id, old.search_grams);
        INSERT INTO faq_grams(rowid, search_grams) VALUES (new.id, new.search_grams);
    END""",
)
TRIGGERS = ("faq_fts_insert", "faq_fts_delete", "faq_fts_update",
            "faq_grams_insert", "faq_grams_delete", "faq_grams_update")


def _sqlite_has_trigram(bind):
    try:
        bind.exec_driver_sql("CREATE VIRTUAL TABLE temp._faq_trigram_probe USING fts5(x, tokenize='trigram')")
        bind.exec_driver_sql("DROP TABLE temp._faq_trigram_probe")
        return True
    except Exception:
        return False


def _has_trgm(bind):
    return bind.exec_driver_sql(
        "SELECT count(*) FROM pg_extension WHERE extname = 'pg_trgm'").scalar() > 0


def upgrade():
    op.create_table('faq_category',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('translations', sa.JSON(), server_default='{}', nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_faq_category')),
    sa.UniqueConstraint('slug', name=op.f('uq_faq_category_slug'))
    )
    op.create_table('faq_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('question', sa.String(length=300), nullable=False),
    sa.Column('answer_md', sa.Text(), nullable=False),
    sa.Column('answer_html', sa.Text(), nullable=False),
    sa.Column('translations', sa.JSON(), server_default='{}', nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('published', sa.Boolean(), nullable=False),
    sa.Column('generated', sa.String(length=40), nullable=True),
    sa.Column('yes_count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('no_count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('search_text', sa.Text(), server_default='', nullable=False),
    sa.Column('search_grams', sa.Text(), server_default='', nullable=False),
    sa.Column('search_words', sa.Text(), server_default='', nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['category_id'], ['faq_category.id'], name=op.f('fk_faq_entry_category_id_faq_category'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_faq_entry')),
    sa.UniqueConstraint('generated', name=op.f('uq_faq_entry_generated'))
    )
    op.create_index(op.f('ix_faq_entry_category_id'), 'faq_entry', ['category_id'], unique=False)
    op.create_table('faq_vote',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('voter', sa.String(length=64), nullable=False),
    sa.Column('helpful', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['faq_entry.id'], name=op.f('fk_faq_vote_entry_id_faq_entry'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_faq_vote')),
    sa.UniqueConstraint('entry_id', 'voter', name='uq_faq_vote_voter')
    )
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        if _sqlite_has_trigram(bind):
            for statement in FTS_STATEMENTS:
                bind.exec_driver_sql(statement)
        else:
            print("0024: this SQLite has no FTS5 trigram tokenizer; questions are searched without an index")
    elif bind.dialect.name == "postgresql":
        bind.exec_driver_sql("ALTER TABLE faq_entry ALTER COLUMN search_words SET STORAGE MAIN")
        if _has_trgm(bind):
            bind.exec_driver_sql("CREATE INDEX ix_faq_entry_search_words ON faq_entry"
                                 " USING gin (search_words gin_trgm_ops)")
        else:
            print("0024: no pg_trgm; questions are searched without its index")


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for name in TRIGGERS:
            bind.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
        bind.exec_driver_sql("DROP TABLE IF EXISTS faq_grams")
        bind.exec_driver_sql("DROP TABLE IF EXISTS faq_fts")
    elif bind.dialect.name == "postgresql":
        bind.exec_driver_sql("DROP INDEX IF EXISTS ix_faq_entry_search_words")
    op.drop_table('faq_vote')
    op.drop_index(op.f('ix_faq_entry_category_id'), table_name='faq_entry')
    op.drop_table('faq_entry')
    op.drop_table('faq_category')
