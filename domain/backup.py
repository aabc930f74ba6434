"""Backups of the shop's SQLite database, taken while the shop keeps serving.

SQLite's online backup API copies a consistent snapshot page by page; in WAL mode it reads
beside the shop's writers without blocking them. The copy is written next to its destination
and renamed into place, so a backup file is either complete or absent.
"""
import os
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy.engine import make_url

from .errors import ShopError


@dataclass(frozen=True)
class Backup:
    path: str
    size: int
    products: int


def sqlite_path(database_uri):
    """The file behind a SQLite URI; ShopError for any other database."""
    url = make_url(database_uri)
    backend = url.get_backend_name()
    if backend != "sqlite":
        raise ShopError(
            f"This shop's database is {backend}, not SQLite, so this command cannot copy it. "
            "Use the database's own tool instead, e.g. for PostgreSQL: "
            'pg_dump --format=custom --file=shop.dump "$DATABASE_URL"')
    if not url.database or url.database == ":memory:":
        raise ShopError("This shop's SQLite database lives in memory; there is no file to back up.")
    return os.path.abspath(url.database)


def backup_sqlite(database_uri, destination, now=None):
    """Copy the live database to destination (a file, or a folder to put a dated file in)."""
    source = sqlite_path(database_uri)
    if not os.path.exists(source):
        raise ShopError(f"There is no database at {source} yet. Run `flask db upgrade` first.")
    target = os.path.abspath(destination)
    if str(destination).endswith(("/", os.sep)) or os.path.isdir(target):
        stamp = (now or datetime.now(timezone.utc)).strftime("%Y%m%d-%H%M%S")
        target = os.path.join(target, f"shop-{stamp}.sqlite")
    if os.path.exists(target) and os.path.samefile(source, target):
        raise ShopError("The backup would overwrite the live database; choose another path.")
    os.makedirs(os.path.dirname(target), exist_ok=True)
    tmp = target + ".tmp"
    _remove(tmp)
    try:
        with closing(sqlite3.connect(source, timeout=30)) as live, \
                closing(sqlite3.connect(tmp)) as copy:
            live.backup(copy)
            # One self-contained file: no -wal beside it for someone to forget to copy.
            copy.execute("PRAGMA journal_mode=DELETE")
            check = copy.execute("PRAGMA quick_check").fetchone()[0]
            if check != "ok":
                raise ShopError(f"The copy failed SQLite's check ({check}); nothing was written.")
            try:
                products = copy.execute("SELECT count(*) FROM product").fetchone()[0]
            except sqlite3.OperationalError:
                raise ShopError(f"{source} has no product table: is it the shop's database?")
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        _remove(tmp)
        raise
    return Backup(path=target, size=os.path.getsize(target), products=products)


def _remove(path):
    for suffix in ("", "-journal", "-wal", "-shm"):
        try:
            os.remove(path + suffix)
        except FileNotFoundError:
            pass
