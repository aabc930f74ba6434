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
