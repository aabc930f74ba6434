"""Rate limits counted in the shop's own database, so that every worker process shares them.

Flask-Limiter counts through a `limits` storage named by RATELIMIT_STORAGE_URI. In memory
(`memory://`) each gunicorn worker keeps its own counts, and a limit of 10 lets 10 through per
worker. Redis (`redis://...`) is shared but is one more server to run; a small shop already has
its database, so that is where the counts go unless RATELIMIT_STORAGE_URI says otherwise:
`shopdb://` names this storage. (`limits` 5 ships storages for memory, Redis, Memcached and
MongoDB, none for SQL databases.)

Each hit is one upsert in a short transaction of its own, on its own connection from the
engine, never the request's session: a 429 answer rolls the request's transaction back, and the
hit must count all the same; and on SQLite the write lock is held for that short transaction,
not for the request. The window is fixed (RATELIMIT_STRATEGY "fixed-window"): it starts at a key's
first hit and lasts the limit's period, as in the `limits` library's other storages. Ended
windows are deleted by the hits themselves, at most once a minute per process.
"""
import hashlib
import threading
import time

from limits.storage import Storage
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from flask_babel import lazy_gettext as _l

from . import personal_data
from .extensions import db

SCHEME = "shopdb"
# How often, at most, a process deletes the counters of windows that have ended.
SWEEP_SECONDS = 60
# The key column's width; longer keys (an email key carries whatever was typed) are shortened
# to a prefix and a digest of the whole, which stays unique.
KEY_LENGTH = 255

# One statement that works on SQLite (3.24 and later) and PostgreSQL: the first hit of a
# window inserts the row; a later hit adds to it, or starts a new window if the old one ended.
_HIT = text("""
    INSERT INTO rate_limit_counter ("key", expires_at, count)
    VALUES (:key, :expires_at, :amount)
    ON CONFLICT ("key") DO UPDATE SET
        count = CASE WHEN rate_limit_counter.expires_at <= :now THEN excluded.count
                     ELSE rate_limit_counter.count + excluded.count END,
        expires_at = CASE WHEN rate_limit_counter.expires_at <= :now THEN excluded.expires_at
                          ELSE rate_limit_counter.expires_at END
""")
_COUNT = text('SELECT count FROM rate_limit_counter WHERE "key" = :key AND expires_at > :now')
_EXPIRY = text('SELECT expires_at FROM rate_limit_counter WHERE "key" = :key AND expires_at > :now')
_SWEEP = text("DELETE FROM rate_limit_counter WHERE expires_at <= :now")
_CLEAR = text('DELETE FROM rate_limit_counter WHERE "key" = :key')
_CLEAR_ALL = text("DELETE FROM rate_limit_counter")


def stored_key(key):
    """The key as the table keeps it: unchanged when it fits, else prefix and digest."""
    if len(key) <= KEY_LENGTH:
        return key
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()
    return key[:KEY_LENGTH - len(digest) - 1] + "#" + digest


class DatabaseStorage(Storage):
    """A `limits` storage for the fixed-window strategy in the table rate_limit_counter.

    Uses the engine of the current Flask app (`db.engine`), or `engine` when given; `clock`
    (seconds since the epoch) is there for tests.
    """

    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri=None, wrap_exceptions=False, engine=None, clock=time.time,
                 **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self._engine = engine
        self.clock = clock
        self._next_sweep = 0.0
        self._sweep_lock = threading.Lock()

    @property
    def base_exceptions(self):
        return SQLAlchemyError

    @property
    def engine(self):
        return self._engine if self._engine is not None else db.engine

    def _due_for_sweep(self, now):
        with self._sweep_lock:
            if now < self._next_sweep:
                return False
            self._next_sweep = now + SWEEP_SECONDS
            return True

    def incr(self, key, expiry, amount=1):
        """Adds `amount` hits to the key's window (a new one of `expiry` seconds if none is
        running) and returns the window's count, this hit included."""
        now = self.clock()
        key = stored_key(key)
        with self.engine.begin() as conn:
            if self._due_for_sweep(now):
                conn.execute(_SWEEP, {"now": now})
            conn.execute(_HIT, {"key": key, "expires_at": now + expiry, "amount": amount,
                                "now": now})
            # The row stays locked by this transaction (SQLite: the whole database), so the
            # count read here is the one this hit made.
            return conn.execute(_COUNT, {"key": key, "now": now}).scalar_one()

    def get(self, key):
        with self.engine.connect() as conn:
            count = conn.execute(_COUNT, {"key": stored_key(key), "now": self.clock()}).scalar()
        return count or 0

    def get_expiry(self, key):
        now = self.clock()
        with self.engine.connect() as conn:
            expires_at = conn.execute(_EXPIRY, {"key": stored_key(key), "now": now}).scalar()
        return expires_at if expires_at is not None else now

    def check(self):
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1 FROM rate_limit_counter WHERE 1 = 0"))
            return True
        except SQLAlchemyError:
            return False

    def reset(self):
        with self.engine.begin() as conn:
            return conn.execute(_CLEAR_ALL).rowcount

    def clear(self, key):
        with self.engine.begin() as conn:
            conn.execute(_CLEAR, {"key": stored_key(key)})


# Counters keyed by what was typed (a reset or privacy request's email address) hold an email
# for the hour they live. They are erased with the rest of a person's data. They are left out of
# downloads: asking for one adds such a counter, which must not count as data the shop holds.
_ERASE_EMAIL = text("""DELETE FROM rate_limit_counter WHERE "key" LIKE :pattern ESCAPE '\\'""")


def _pattern(subject):
    email = subject.email.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{email}%"


def _export(subject):
    return []


def _erase(subject, erasure):
    return db.session.execute(_ERASE_EMAIL, {"pattern": _pattern(subject)}).rowcount


personal_data.register("rate_limits", _l("Attempt counters"), tables=("rate_limit_counter",),
                       export=_export, erase=_erase)
