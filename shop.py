"""The shop's application factory: `flask --app shop run`, `gunicorn 'shop:create_app()'`."""
import os
import secrets

from babel import Locale
from flask import Flask, g, has_request_context, request, session
from flask.sessions import SecureCookieSessionInterface
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from domain.ratelimit import SCHEME as SHOP_DATABASE_LIMITS  # registers the storage
from domain.shopconfig import LANGUAGES


def database_url(instance_path):
    """DATABASE_URL if set (postgres:// is taken to mean psycopg 3), else the instance SQLite file."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        for prefix in ("postgres://", "postgresql://"):
            if url.startswith(prefix):
                return "postgresql+psycopg://" + url[len(prefix):]
        return url
    return "sqlite:///" + os.path.join(instance_path, "shop.sqlite")


class MissingSecretKey(RuntimeError):
    """The shop cannot start without a SECRET_KEY it shares with its other servers."""


SHARED_KEY_NEEDED = (
    "SECRET_KEY is not set. On PostgreSQL (DATABASE_URL) the shop may run on several servers, "
    "and every one of them, and every worker, must sign sessions, CSRF tokens and emailed links "
    "with the same key, or a visitor is signed out and their forms refused whenever their next "
    "request reaches another server. A key generated into one server's instance folder cannot "
    "be that key: set SECRET_KEY in the environment of every server and worker, e.g. to the "
    "output of: python3 -c 'import secrets; print(secrets.token_hex(32))'")


def secret_key(instance_path, database_uri=""):
    """SECRET_KEY from the environment. Else, on SQLite (one machine), one generated once into
    instance/secret_key; on PostgreSQL, MissingSecretKey: each server would generate its own."""
    if os.environ.get("SECRET_KEY", "").strip():
        return os.environ["SECRET_KEY"].strip()
    if str(database_uri).startswith("postgresql"):
        raise MissingSecretKey(SHARED_KEY_NEEDED)
    path = os.path.join(instance_path, "secret_key")
    try:
        with open(path) as fh:
            return fh.read().strip()
    except FileNotFoundError:
        key = secrets.token_hex(32)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(key)
        return key


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """WAL for readers beside a writer, enforced foreign keys, waiting instead of failing
    when another process holds the write lock, and a page cache of up to 32 MiB per
    connection (SQLite's default is 2 MiB): the dashboard's scorecard reads a month of orders
    and probes each customer's earlier ones, which a long order history no longer fits in
    2 MiB of (`make bench`'s dashboard line). Pages are cached only as they are read."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA cache_size=-32768")
        cursor.close()


def instance_path():
    """INSTANCE_PATH if set (a server keeps its data outside the code, e.g. /var/lib/moonjar),
    else Flask's default, the instance/ folder beside this file."""
    path = os.environ.get("INSTANCE_PATH", "").strip()
    return os.path.abspath(path) if path else None


class CookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, without building the signer (30 us: key derivation and
    fallback keys) for a request that brings no session cookie, such as every first visit: its
    session starts empty either way, and is signed only if something is put in it."""

    def open_session(self, app, request):
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)


class Shop(Flask):
    session_interface = CookieSessions()

    def log_exception(self, exc_info):
        # Under the request's id, which the error page shows, and counted for the dashboard.
        from blueprints.server_errors import log_and_count
        log_and_count(self, exc_info)


def create_app(test_config=None):
    app = Shop(__name__, instance_relative_config=True, instance_path=instance_path())
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(
        SQLALCHEMY_DATABASE_URI=database_url(app.instance_path),
        SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True},
        UPLOAD_FOLDER=os.path.join(app.instance_path, "uploads"),
        # Files uploaded for an import wait here until the worker has imported them.
        IMPORT_FOLDER=os.path.join(app.instance_path, "imports"),
        STOREFRONT_VERSION_FILE=os.path.join(app.instance_path, "storefront.version"),
        MAX_CONTENT_LENGTH=16 * 1024 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=os.environ.get("SESSION_COOKIE_SECURE", "") == "1",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        WTF_CSRF_TIME_LIMIT=None,
        BABEL_DEFAULT_LOCALE="en",
        BABEL_TRANSLATION_DIRECTORIES=os.path.join(app.root_path, "translations"),
        # Counted where every worker process sees the same numbers: the shop's database
        # (domain/ratelimit.py) unless a shared store such as redis://host:6379 is named.
        RATELIMIT_STORAGE_URI=(os.environ.get("RATELIMIT_STORAGE_URI", "").strip()
                               or SHOP_DATABASE_LIMITS + "://"),
        RATELIMIT_STRATEGY="fixed-window",
        RATELIMIT_HEADERS_ENABLED=True,
        COMPRESS_ALGORITHM=["br", "gzip"],
        COMPRESS_MIN_SIZE=500,
        # Pages are tens of KB: a small window and a fast level compress them nearly as well
        # (3.7 KB instead of 3.2 KB for a listing) at a fifth of the cost of the defaults.
        COMPRESS_BR_LEVEL=2,
        COMPRESS_BR_WINDOW=18,
        COMPRESS_REGISTER=True,
        TRUST_PROXY=os.environ.get("TRUST_PROXY", "") == "1",
        # Where the proxy connects from: its X-Forwarded-* headers count from there only
        # (blueprints/proxy.py).
        TRUST_PROXY_FROM=os.environ.get("TRUST_PROXY_FROM", "").strip() or "127.0.0.1,::1",
        # Order emails link here; the worker renders them without a request to take it from.
        SHOP_URL=os.environ.get("SHOP_URL", "").strip().rstrip("/") or "http://127.0.0.1:5000",
        # Unset: the worker writes each email as an .eml file into MAIL_FOLDER instead.
        SMTP_URL=os.environ.get("SMTP_URL", "").strip(),
        MAIL_FROM=os.environ.get("MAIL_FROM", "").strip(),
        MAIL_FOLDER=os.path.join(app.instance_path, "outbox"),
        # The shop's mailbox, read by the worker for customers' emails (domain/helpdesk/inbound):
        # imaps://user:password@host:993/INBOX. Unset: no mailbox is read.
        IMAP_URL=os.environ.get("IMAP_URL", "").strip(),
        # `make backup` writes here; the dashboard checks the newest file's age.
        BACKUP_FOLDER=os.path.join(app.instance_path, "backups"),
        # Rendered storefront pages kept per process for anonymous visitors; 0 turns it off.
        PAGE_CACHE_SIZE=int(os.environ.get("PAGE_CACHE_SIZE", "256")),
        # Old secret keys, comma-separated, after changing SECRET_KEY: refund accounts saved
        # under them stay readable (and sessions signed with them stay valid).
        SECRET_KEY_FALLBACKS=[k.strip() for k in os.environ.get("SECRET_KEY_FALLBACKS", "").split(",")
                              if k.strip()],
        # Each web process adds the server errors it counted to the database this often.
        ERROR_FLUSH_SECONDS=30,
        # ... and the checkouts it saw (blueprints/checkout/heartbeat.py), as often.
        CHECKOUT_FLUSH_SECONDS=int(os.environ.get("CHECKOUT_FLUSH_SECONDS", "30")),
        # ... and the product views and cart adds it counted (domain/counters.py), as often.
        COUNTER_HANDOVER_SECONDS=int(os.environ.get("COUNTER_HANDOVER_SECONDS", "30")),
        # The home page's "Trending this week" is drawn afresh at most this often per process.
        TRENDING_REFRESH_SECONDS=int(os.environ.get("TRENDING_REFRESH_SECONDS", "600")),
        # /healthz and the dashboard report the disk as failing below this much free space.
        HEALTH_MIN_FREE_MB=int(os.environ.get("HEALTH_MIN_FREE_MB", "500")),
        # Where photos are kept (domain/storage): "file", the folders below (shared between
        # servers by mounting them on each), or "s3://bucket/prefix", an S3-compatible store.
        PHOTO_STORAGE=os.environ.get("PHOTO_STORAGE", "").strip() or "file",
        S3_ENDPOINT_URL=os.environ.get("S3_ENDPOINT_URL", "").strip() or None,
        S3_REGION=(os.environ.get("S3_REGION") or os.environ.get("AWS_REGION")
                   or os.environ.get("AWS_DEFAULT_REGION") or "").strip() or None,
        # Unset: boto3 finds credentials where it usually does (~/.aws, an instance role).
        AWS_ACCESS_KEY_ID=os.environ.get("AWS_ACCESS_KEY_ID") or None,
        AWS_SECRET_ACCESS_KEY=os.environ.get("AWS_SECRET_ACCESS_KEY") or None,
        # Card payments on the providers' hosted pages (domain/payments/providers): the keys
        # from each provider's dashboard; the API addresses change only for tests.
        # Test mode: the test card is offered and every storefront page says so. Off unless set.
        PAYMENTS_TEST_MODE=os.environ.get("PAYMENTS_TEST_MODE", "").strip() == "1",
        STRIPE_SECRET_KEY=os.environ.get("STRIPE_SECRET_KEY", "").strip(),
        STRIPE_WEBHOOK_SECRET=os.environ.get("STRIPE_WEBHOOK_SECRET", "").strip(),
        STRIPE_API_BASE=os.environ.get("STRIPE_API_BASE", "").strip() or "https://api.stripe.com",
        TOSS_SECRET_KEY=os.environ.get("TOSS_SECRET_KEY", "").strip(),
        TOSS_CLIENT_KEY=os.environ.get("TOSS_CLIENT_KEY", "").strip(),
        TOSS_API_BASE=os.environ.get("TOSS_API_BASE", "").strip() or "https://api.tosspayments.com",
        # The demo's product photos, in pixels square (tests draw smaller ones, faster).
        DEMO_PHOTO_SIZE=1024,
    )
    if test_config:
        app.config.update(test_config)
    # Customers' return photos sit beside the uploads, never inside them: /media serves the
    # uploads folder to anyone, these only after the order's access check (blueprints/returns).
    app.config.setdefault("RETURN_PHOTO_FOLDER", os.path.join(
        os.path.dirname(os.path.abspath(app.config["UPLOAD_FOLDER"])), "return-photos"))
    app.config.setdefault("CONVERSATION_PHOTO_FOLDER", os.path.join(
        os.path.dirname(os.path.abspath(app.config["UPLOAD_FOLDER"])), "conversation-photos"))
    app.config.setdefault("REVIEW_PHOTO_FOLDER", os.path.join(
        os.path.dirname(os.path.abspath(app.config["UPLOAD_FOLDER"])), "review-photos"))
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = secret_key(app.instance_path,
                                              app.config["SQLALCHEMY_DATABASE_URI"])
    from domain import storage
    storage.init_app(app)
    from blueprints import proxy
    proxy.init_app(app)

    from domain import accounts, shopconfig, transaction
    from blueprints.csrf import csrf
    from domain.extensions import babel, compress, db, limiter, login_manager, migrate

    db.init_app(app)
    shopconfig.watch_changes()
    transaction.install()
    from blueprints import transaction as request_transaction
    request_transaction.init_app(app)  # first, so that it settles the request last
    migrate.init_app(app, db, directory=os.path.join(app.root_path, "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    compress.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    login_manager.init_app(app)
    login_manager.login_view = "account.login"
    login_manager.login_message = None

    @login_manager.user_loader
    def load_user(session_id):
        # "<id>:<session version>" (User.get_id); an ended session names an old version.
        return accounts.session_user(session_id)

    _security_headers(app)

    from blueprints import assets, register_blueprints
    assets.init_app(app)
    register_blueprints(app)

    import cli
    cli.register(app)
    return app


# One babel Locale per shop language, made once: Flask-Babel takes a Locale as it is, where it
# would parse a language code again on every request (20 us, a tenth of a cached page's cost).
_LOCALES = {code: Locale.parse(code) for code in LANGUAGES}


def select_locale():
    # CLI commands and the mail worker have no visitor: they use the default language.
    if not has_request_context():
        return None
    lang = session.get("lang")
    if lang in LANGUAGES:
        return _LOCALES[lang]
    from flask_login import current_user

    from blueprints.csrf import cookieless
    # Without a cookie nobody is signed in: no need to ask Flask-Login (a cached page's cost).
    if not cookieless() and current_user.is_authenticated and current_user.locale in LANGUAGES:
        return _LOCALES[current_user.locale]
    return _LOCALES[_accepted_language(request.headers.get("Accept-Language", ""))]


_ACCEPTED = {}


def _accepted_language(header):
    """The shop language an Accept-Language header asks for. Browsers send a handful of
    different headers, so each is parsed once (up to 512 kept; a page cache hit costs little
    more than this)."""
    found = _ACCEPTED.get(header)
    if found is None:
        found = parse_accept_header(header, LanguageAccept).best_match(LANGUAGES) or "en"
        if len(_ACCEPTED) >= 512:
            _ACCEPTED.clear()
        _ACCEPTED[header] = found
    return found


HSTS_SECONDS = 365 * 24 * 3600
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")


# Every response's, unless the view set its own: (lower-case name, name, value).
SECURITY_HEADERS = tuple((name.lower(), name, value) for name, value in (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("X-Frame-Options", "DENY"),
))


def _security_headers(app):
    @app.after_request
    def headers(response):
        # The names already set, read once (each setdefault() would read them all again).
        headers = response.headers
        present = {name.lower() for name, _ in headers}
        for lower, name, value in SECURITY_HEADERS:
            if lower not in present:
                headers.add(name, value)
        # Only over HTTPS (browsers ignore it on plain HTTP, and a shop tried out on HTTP must
        # not be told to insist on HTTPS). With TRUST_PROXY=1, the proxy's X-Forwarded-Proto
        # decides what request.is_secure says.
        if request.is_secure and "strict-transport-security" not in present:
            headers.add("Strict-Transport-Security", f"max-age={HSTS_SECONDS}")
        if request.endpoint and request.endpoint != "static" and "cache-control" not in present:
            # Pages carry the visitor's cart and language: never for shared caches.
            headers.add("Cache-Control", "private, no-cache")
        return response

    @app.teardown_request
    def forget(exc):
        g.pop("shop", None)
