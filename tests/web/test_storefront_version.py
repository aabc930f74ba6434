"""Two app servers on one database: a change committed on either shows on the other's next
request, however its page cache and settings snapshot were filled, and not a moment before
the commit."""
import threading

import pytest

from domain import storefront_version
from domain.extensions import db
from domain.models import ShopSettings, Variant
from shop import create_app


@pytest.fixture
def other_server(app, tmp_path):
    """A second app on the same database, with its own instance folder, page cache and settings
    snapshot (on SQLite, one machine: the same version file, as its processes would share)."""
    folder = tmp_path / "server-b"
    folder.mkdir()
    config = {key: app.config[key] for key in ("TESTING", "SECRET_KEY", "SQLALCHEMY_DATABASE_URI",
                                                 "MAIL_FOLDER", "SMTP_URL")}
    config.update({"UPLOAD_FOLDER": str(folder / "uploads"), "IMPORT_FOLDER": str(folder / "imports"),
                   "STOREFRONT_VERSION_FILE": app.config["STOREFRONT_VERSION_FILE"]
                   if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")
                   else str(folder / "storefront.version")})
    other = create_app(config)
    yield other
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


def test_a_price_committed_on_one_server_shows_on_the_others_next_request(app, other_server, make):
    """Server B cached the page at 39,000; server A's commit of 45,000 is B's next answer."""
    make.settings(currency="KRW")
    make.product("Moon jar", price=39000, stock=3)
    b = other_server.test_client()
    assert "₩39,000" in b.get("/products/moon-jar").get_data(as_text=True)
    assert "₩39,000" in b.get("/products/moon-jar").get_data(as_text=True)  # from B's cache
    with app.app_context():
        db.session.scalar(db.select(Variant)).price = 45000
        db.session.commit()
    page = b.get("/products/moon-jar").get_data(as_text=True)
    assert "₩45,000" in page and "₩39,000" not in page


def test_a_settings_change_reaches_the_other_servers_snapshot(app, other_server, make):
    """The shop's name, read from B's settings snapshot, follows a commit on A."""
    make.settings(name="Moonjar Studio")
    b = other_server.test_client()
    assert "Moonjar Studio" in b.get("/").get_data(as_text=True)
    with app.app_context():
        db.session.get(ShopSettings, 1).name = "Sun Jar Studio"
        db.session.commit()
    assert "Sun Jar Studio" in b.get("/").get_data(as_text=True)


def test_the_version_moves_at_the_commit_not_before(app, other_server, make):
    """While A's change is written but not committed, B serves (and caches) the old page; the
    commit then moves the version, and B's next request shows the change."""
    make.settings(currency="KRW")
    make.product("Moon jar", price=39000, stock=3)
    b = other_server.test_client()
    written, release, done = threading.Event(), threading.Event(), threading.Event()

    def merchant_on_a():
        with app.app_context():
            db.session.scalar(db.select(Variant)).price = 45000
            db.session.flush()
            written.set()
            release.wait(30)
            db.session.commit()
            done.set()

    thread = threading.Thread(target=merchant_on_a)
    thread.start()
    try:
        assert written.wait(30)
        assert "₩39,000" in b.get("/products/moon-jar").get_data(as_text=True)
    finally:
        release.set()
        thread.join(30)
    assert done.is_set()
    assert "₩45,000" in b.get("/products/moon-jar").get_data(as_text=True)


def test_a_rolled_back_change_does_not_move_the_version(app, make):
    """A change undone by a rollback leaves every server's cache as it was."""
    make.product("Moon jar", price=39000, stock=3)
    with app.app_context():
        before = storefront_version.current()
        db.session.rollback()
        db.session.scalar(db.select(Variant)).price = 1
        db.session.flush()
        db.session.rollback()
        assert storefront_version.current() == before
        db.session.scalar(db.select(Variant)).price = 2
        db.session.commit()
        assert storefront_version.current() != before
