"""Fixtures: an app on a freshly migrated database per test, a client, factories, the app on a
live HTTP server, and the two small shops most order tests start from.

SQLite (the default): the migrations run once per test worker into a template file, and each
test gets its own copy. PostgreSQL: set TEST_DATABASE_URL to a server; each worker migrates its
own database once and every test starts from emptied tables.
"""
import contextlib
import os
import shutil
import threading
import uuid

import pytest
from sqlalchemy import create_engine, event, text
from werkzeug.serving import make_server

from domain.extensions import db, limiter
from shop import create_app
from tests.checkout_helpers import krw_shop
from tests.order_helpers import NOW, shop_with_a_product
from tests.page_helpers import csrf_token, sign_in

PG_URL = os.environ.get("TEST_DATABASE_URL", "").strip()
# Two hosts on a throwaway PostgreSQL and Redis: only `make test-multihost` collects them.
collect_ignore = [] if os.environ.get("TEST_MULTIHOST") else ["multihost"]


def pytest_collection_modifyitems(items):
    """Tests marked sqlite_only (the SQLite backup) are skipped on a PostgreSQL run."""
    if not PG_URL:
        return
    skip = pytest.mark.skip(reason="needs SQLite; this run uses TEST_DATABASE_URL (PostgreSQL)")
    for item in items:
        if item.get_closest_marker("sqlite_only"):
            item.add_marker(skip)


def _worker():
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def _base_config(tmp_path, uri):
    return {
        "TESTING": True,
        "SECRET_KEY": "test-" + uuid.uuid4().hex,
        "SQLALCHEMY_DATABASE_URI": uri,
        "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        "IMPORT_FOLDER": str(tmp_path / "imports"),
        "STOREFRONT_VERSION_FILE": str(tmp_path / "storefront.version"),
        "SERVER_NAME": None,
        # Emails stay inside the test's folder, whatever the environment says.
        "MAIL_FOLDER": str(tmp_path / "outbox"),
        "SMTP_URL": "",
        "BACKUP_FOLDER": str(tmp_path / "backups"),
        # No background thread per app: tests that count server errors flush by hand.
        "ERROR_FLUSH_SECONDS": 0,
        # Nor for the checkouts seen: tests flush them with heartbeat.flush(app).
        "CHECKOUT_FLUSH_SECONDS": 0,
        # Nor for the product counters: tests hand them over with counters.hand_over(app).
        "COUNTER_HANDOVER_SECONDS": 0,
        # Test mode, so the test card pays; tests of the live shop turn it off (app_config).
        "PAYMENTS_TEST_MODE": True,
    }


def _migrate(uri, tmp_path):
    from flask_migrate import upgrade
    app = create_app(_base_config(tmp_path, uri))
    with app.app_context():
        upgrade()
        db.engine.dispose()


def _pg_worker_url():
    from sqlalchemy.engine import make_url
    url = make_url(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1)
                   if PG_URL.startswith("postgresql://") else PG_URL)
    name = f"shop_test_{_worker()}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def database_template(tmp_path_factory):
    """A migrated database to start each test from: a SQLite file path, or a PostgreSQL URL."""
    base = tmp_path_factory.mktemp("template")
    if PG_URL:
        url = _pg_worker_url()
        _migrate(url, base)
        return url
    path = base / "template.sqlite"
    _migrate(f"sqlite:///{path}", base)
    return str(path)


def _empty_pg(app):
    with app.app_context():
        tables = [t.name for t in reversed(db.metadata.sorted_tables)]
        with db.engine.begin() as conn:
            conn.execute(text("TRUNCATE {} RESTART IDENTITY CASCADE".format(
                ", ".join(f'"{t}"' for t in tables))))


@pytest.fixture
def app_config():
    """Settings a test module adds to its app's (it overrides this fixture: the photo store
    tests name an S3 bucket)."""
    return {}


@pytest.fixture
def app(database_template, tmp_path, app_config):
    if PG_URL:
        app = create_app({**_base_config(tmp_path, database_template), **app_config})
        _empty_pg(app)
    else:
        path = tmp_path / "shop.sqlite"
        shutil.copyfile(database_template, path)
        app = create_app({**_base_config(tmp_path, f"sqlite:///{path}"), **app_config})
    with app.app_context():
        limiter.reset()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def s3_server():
    """A real S3-compatible server (moto's, see tests/s3_helpers.py) for this test worker."""
    from tests.s3_helpers import S3Server
    server = S3Server()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def imap_server():
    """A real IMAP server (Dovecot, see tests/imap_helpers.py) for this test worker; each test
    takes a mailbox of its own with imap_server.mailbox()."""
    from tests.imap_helpers import Dovecot
    server = Dovecot()
    yield server
    server.stop()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def live_server(app):
    """The app on a real threaded HTTP server on a free local port; yields its base URL."""
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    httpd.request_queue_size = 128  # many browsers may knock at once
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def ctx(app):
    """An app context for domain-level tests."""
    with app.app_context():
        yield app


@pytest.fixture
def post(client):
    """POST with the page's CSRF token, like a browser submitting a form."""
    def _post(path, data=None, token_from="/", **kwargs):
        data = dict(data or {})
        data.setdefault("csrf_token", csrf_token(client, token_from))
        return client.post(path, data=data, **kwargs)
    return _post


class Factory:
    """Builds shop data through the same domain functions the back office uses."""

    def __init__(self, app):
        self.app = app
        self.n = 0

    def _next(self):
        self.n += 1
        return self.n

    def settings(self, **values):
        from domain.shopconfig import get_settings_row
        with self.app.test_request_context():
            row = get_settings_row()
            for key, value in values.items():
                setattr(row, key, value)
            db.session.commit()
            return row

    def shipping(self, name="Standard", price=3000, days_min=2, days_max=3, region=None, **kw):
        from domain.models import ShippingMethod
        from domain.shopconfig import get_settings_row
        with self.app.test_request_context():
            region = region or get_settings_row().default_region
            method = ShippingMethod(name=name, price=price, days_min=days_min, days_max=days_max,
                                    region=region, **kw)
            db.session.add(method)
            db.session.commit()
            return method.id

    def category(self, name=None, **kw):
        from domain.products import create_category
        with self.app.test_request_context():
            category = create_category(name or f"Category {self._next()}", **kw)
            db.session.commit()
            return {"id": category.id, "slug": category.slug, "name": category.name}

    def product(self, title=None, price=10000, stock=10, category_id=None, variants=None,
                **fields):
        from domain.products import create_product
        n = self._next()
        variants = variants or [{"sku": f"SKU-{n}", "price": price, "stock": stock}]
        with self.app.test_request_context():
            product = create_product(variants=variants, title=title or f"Product {n}",
                                     category_id=category_id, **fields)
            db.session.commit()
            return {"id": product.id, "slug": product.slug, "title": product.title,
                    "variant_ids": [v.id for v in product.variants]}

    def user(self, email=None, password="correct horse battery", merchant=False, name="",
             role=None):
        """An account; merchant=True makes the shop's owner, role="staff" a staff member."""
        from domain.accounts import register
        with self.app.test_request_context():
            user = register(email or f"user{self._next()}@example.com", password, name=name,
                            merchant=merchant or role is not None, role=role)
            db.session.commit()
            return {"id": user.id, "email": user.email, "password": password}


@pytest.fixture
def make(app):
    return Factory(app)


@pytest.fixture
def login(client):
    """Sign a user in through the real sign-in form."""
    def _login(user):
        response = sign_in(client, user["email"], user["password"])
        assert response.status_code == 303, response.get_data(as_text=True)[:500]
        return response
    return _login


@pytest.fixture
def count_queries(app):
    """Context manager collecting the SQL statements run inside it: `with count_queries() as q`.

    Every statement but PRAGMAs, savepoints and the storefront version's read
    (domain/storefront_version.py): on PostgreSQL each request reads that one row, on SQLite
    it is a file's mtime and no query, so leaving it out gives the same count on both. A
    change that moves the version (an UPDATE) is still counted."""
    from domain.storefront_version import READ
    version_read = READ.text

    @contextlib.contextmanager
    def _count():
        statements = []

        def listener(conn, cursor, statement, parameters, context, executemany):
            if (statement != version_read
                    and not statement.lstrip().upper().startswith(("PRAGMA", "SAVEPOINT", "RELEASE"))):
                statements.append(statement)

        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", listener)
        try:
            yield statements
        finally:
            event.remove(engine, "before_cursor_execute", listener)
    return _count


@pytest.fixture
def checkout_shop(make):
    """krw_shop: the moon jar (Small) costs ₩39,000 + ₩3,000 shipping = ₩42,000."""
    return krw_shop(make)


@pytest.fixture
def setup(app, make):
    """shop_with_a_product (a ₩39,000 moon jar, ₩3,000 shipping), the request clock at NOW."""
    app.config["CLOCK"] = lambda: NOW
    return shop_with_a_product(make)


@pytest.fixture
def demo_shop(app):
    """The demo shop (Moonjar Studio, in English and Korean), committed, with 64 px photos:
    these tests read its catalogue, not its pictures. Returns the DemoResult."""
    from domain import demo
    with app.app_context():
        result = demo.load_demo(app.config["UPLOAD_FOLDER"], photo_size=64)
        db.session.commit()
    return result



@pytest.fixture
def stripe_fake():
    """A running stand-in for Stripe's API (tests/payment_fakes/stripe_fake.py)."""
    from tests.payment_fakes.stripe_fake import StripeFake
    fake = StripeFake().start()
    yield fake
    fake.stop()


@pytest.fixture
def toss_fake():
    """A running stand-in for Toss Payments' API (tests/payment_fakes/toss_fake.py)."""
    from tests.payment_fakes.toss_fake import TossFake
    fake = TossFake().start()
    yield fake
    fake.stop()
