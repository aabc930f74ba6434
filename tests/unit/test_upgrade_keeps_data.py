"""`make upgrade` migrates a shop that holds data: a database at the previous release's
migration head, with a row in every table, is upgraded to the newest head and keeps every row
with its values, and gains the tables the code now has. On SQLite and on PostgreSQL."""
import os

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from domain.backup import migration_scripts
from domain.extensions import db
from shop import create_app
from tests.upgrade_helpers import fill_every_table, lost, primary_keys

# The head of the previous release: the privacy migration.
PREVIOUS_RELEASE = "0012"
PG_URL = os.environ.get("TEST_DATABASE_URL", "").strip()


@pytest.fixture
def empty_database(tmp_path):
    """A database with nothing in it: a new SQLite file, or a new PostgreSQL database."""
    if not PG_URL:
        yield f"sqlite:///{tmp_path / 'shop.sqlite'}"
        return
    url = make_url(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    name = f"shop_upgrade_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_upgrading_from_the_previous_release_keeps_every_row(empty_database, tmp_path):
    """One row in each of the previous release's tables survives the upgrade, every value
    as it was; the upgraded database has every table the code's models name."""
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": empty_database,
                      "UPLOAD_FOLDER": str(tmp_path / "uploads"),
                      "STOREFRONT_VERSION_FILE": str(tmp_path / "version")})
    with app.app_context():
        upgrade(revision=PREVIOUS_RELEASE)
        with db.engine.begin() as conn:
            stored = fill_every_table(conn)
            keys = primary_keys(conn, stored)
        db.engine.dispose()

        upgrade()

        with db.engine.connect() as conn:
            problems = lost(conn, stored, keys)
            tables = set(inspect(conn).get_table_names())
            revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        db.engine.dispose()
    head = migration_scripts(app.extensions["migrate"].directory).get_current_head()
    assert len(stored) >= 25, sorted(stored)
    assert problems == []
    assert set(db.metadata.tables) <= tables
    assert revision == head != PREVIOUS_RELEASE


def _titles(page):
    return [product.title for product in page.items]


def test_products_saved_before_the_word_list_are_found_after_the_upgrade_and_back(
        empty_database, tmp_path):
    """A product saved before 0021 (which lists each product's words for search on PostgreSQL)
    is found by part of a word, in any case, after the upgrade; going back to 0020 and up again
    keeps it found."""
    from flask_migrate import downgrade

    from domain import catalog
    from domain.localized import grams

    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": empty_database,
                      "UPLOAD_FOLDER": str(tmp_path / "uploads"),
                      "STOREFRONT_VERSION_FILE": str(tmp_path / "version")})
    title, body, tags = "Speckled Bowls\n점박이 그릇들", "Glazed by hand in Icheon.", "stoneware, gift"

    def found(*queries):
        with app.test_request_context():
            answers = [_titles(catalog.search(q)) for q in queries]
            db.session.remove()
        db.engine.dispose()
        return answers

    def columns():
        with db.engine.connect() as conn:
            names = {c["name"] for c in inspect(conn).get_columns("product")}
            indexes = ({row[0] for row in conn.execute(text(
                "SELECT indexname FROM pg_indexes WHERE tablename = 'product'"))}
                if conn.dialect.name == "postgresql" else set())
        db.engine.dispose()
        return names, indexes

    with app.app_context():
        upgrade(revision="0020")
        with db.engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO product (slug, title, summary, description_md, description_html,"
                " description_text, specs, vendor, product_type, tags, option1_name, option2_name,"
                " status, featured, featured_position, sales_count, price_min, price_max,"
                " stock_total, cover_alt, created_at, updated_at, translations, search_title,"
                " search_body, search_grams) VALUES ('speckled-bowls', 'Speckled Bowls', '', :body,"
                " '', :body, '[]', '', '', :tags, '', '', 'active', false, 0, 0, 1000, 1000, 1, '',"
                " :now, :now, '{}', :title, :body, :grams)"),
                {"title": title, "body": body, "tags": tags, "now": "2026-12-01 10:00:00",
                 "grams": grams(" ".join((title, body, tags)))})
        db.engine.dispose()

        upgrade()
        assert found("BOWL", "icheon glaze", "그릇", "stone") == [["Speckled Bowls"]] * 4
        names, indexes = columns()
        assert "search_words" in names
        assert db.engine.dialect.name != "postgresql" or "ix_product_search_words" in indexes

        downgrade(revision="0020")
        names, indexes = columns()
        assert "search_words" not in names and "ix_product_search_words" not in indexes
        assert db.engine.dialect.name != "postgresql" or "ix_product_search_trgm" in indexes

        upgrade()
        assert found("bowls", "그릇", "zebra") == [["Speckled Bowls"], ["Speckled Bowls"], []]
