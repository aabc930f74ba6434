"""The storefront version: a number that moves whenever a commit changes what shoppers see
(the catalogue, stock, settings, shipping, return rules, policies). Everything cached per
process, the rendered pages (blueprints/pagecache.py) and the settings snapshot
(shopconfig.current), is keyed by it, so a change shows on the next request of every process.

Where it lives depends on where the processes run:

- SQLite (one machine): the modification time of a file in the instance folder
  (`FileVersion`), moved after each such commit. Reading it is one stat(), no query.
- PostgreSQL (any number of app servers): a row of `storefront_version` (`DatabaseVersion`),
  moved by an UPDATE inside the very transaction that makes the change, so the version moves
  exactly when the change becomes visible to other connections, and not at all for a rollback.
  Each request reads it once (one primary-key query, remembered until its transaction ends).
  LISTEN/NOTIFY would spare that query but leaves a window between the commit and each
  listener hearing of it, in which another server still serves the old page.
"""
import os
import time

from flask import current_app
from sqlalchemy import text

from .extensions import db

_MEMO = "storefront_version"


class FileVersion:
    """The version as a file's mtime in nanoseconds: the change is seen by every process of
    this machine at the cost of one stat()."""

    in_transaction = False

    def __init__(self, path):
        self.path = path

    def read(self):
        try:
            return os.stat(self.path).st_mtime_ns
        except FileNotFoundError:
            return 0

    def bump(self):
        """Move the version on; called after the change is committed."""
        os.makedirs(os.path.dirname(self.path) or ".", exist_ok=True)
        with open(self.path, "a"):
            pass
        # Two saves within the filesystem's timestamp granularity must still differ: move the
        # mtime forward by at least one nanosecond from the previous value.
        stamp = max(self.read() + 1, time.time_ns())
        os.utime(self.path, ns=(stamp, stamp))

    def bump_in(self, session):
        """Nothing inside the transaction: the file moves once the commit is done."""


# The one query a request makes for the version (tests leave it out of their query counts).
READ = text("SELECT value FROM storefront_version WHERE id = 1")
# Never backwards, even after a restore of an older database: the counter also follows the
# clock in microseconds, so a process never meets an old number again with other content.
_BUMP = text(
    "INSERT INTO storefront_version (id, value) VALUES (1, :now) "
    "ON CONFLICT (id) DO UPDATE SET value = GREATEST(storefront_version.value + 1, :now)")


class DatabaseVersion:
    """The version as a row every app server reads: moved inside the committing transaction."""

    in_transaction = True

    def read(self):
        # On a connection of its own in autocommit: one round trip, no BEGIN and COMMIT, and a
        # cached page's request leaves the request's session untouched.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            return connection.execute(READ).scalar() or 0

    def bump_in(self, session):
        """Move the version on inside `session`'s transaction: it becomes visible with the
        change it announces, or never if that change is rolled back. Two such transactions
        queue on the row for the moment between this statement and their commit."""
        session.execute(_BUMP, {"now": time.time_ns() // 1000})

    def bump(self):
        """Move the version on by itself (after a change written outside the ORM session)."""
        with db.engine.begin() as connection:
            connection.execute(_BUMP, {"now": time.time_ns() // 1000})


def for_app(app, engine_url):
    """The version source that fits the app's database."""
    if str(engine_url).startswith("postgresql"):
        return DatabaseVersion()
    return FileVersion(app.config["STOREFRONT_VERSION_FILE"])


def source():
    app = current_app._get_current_object()
    found = app.extensions.get(_MEMO)
    if found is None:
        found = app.extensions[_MEMO] = for_app(app, app.config["SQLALCHEMY_DATABASE_URI"])
    return found


def current():
    """The storefront version now. On PostgreSQL one query per transaction (a request's):
    the page cache and the settings snapshot of one request read the same number."""
    version = source()
    if not version.in_transaction:
        return version.read()
    info = db.session.info
    if _MEMO not in info:
        info[_MEMO] = version.read()
    return info[_MEMO]


def known():
    """The version if reading it needs no connection besides the session's own (SQLite's
    file, or PostgreSQL's row already read in this transaction); else None. For a cache
    consulted mid-transaction: a second connection per request can starve the pool."""
    version = source()
    if not version.in_transaction:
        return version.read()
    return db.session.info.get(_MEMO)


def forget(session):
    """The transaction ended: the next one reads the version afresh."""
    session.info.pop(_MEMO, None)


def changed():
    """Move the version on now, for a change committed outside the request's or job's
    session (the bench's seeding, a bulk load); sessions move it by themselves."""
    source().bump()
