"""Backups of the whole shop as one archive, taken while the shop keeps serving.

`shop-YYYYMMDD-HHMMSS.tar.gz` holds, in this order:

- `database/shop.sqlite`: SQLite's online backup of the live file (a consistent snapshot read
  beside the shop's writers, in WAL mode without blocking them), or `database/shop.pgdump`:
  pg_dump's custom format, taken inside a REPEATABLE READ transaction whose snapshot also gives
  the manifest's counts, so the counts describe exactly the dump;
- `uploads/...`, `return-photos/...`, `conversation-photos/...` and `review-photos/...`: the
  product photos, the customers' return photos, the photos they sent with their questions and
  with their reviews,
  read from the folders the app is configured with, after the snapshot, so every photo the
  snapshot names is there (a photo added meanwhile is in the archive without its row, which is
  harmless);
- `manifest.json`, last: the format, the shop's version (the snapshot's migration revision), when
  it was taken, what it holds (counts), and the size and SHA-256 of every other member, which a
  restore checks before it touches anything.

The archive is written next to its destination and renamed into place, so a backup file is
either complete or absent (the dashboard's checklist ignores the unfinished `.tmp`).
"""
import hashlib
import io
import json
import os
import re
import sqlite3
import tarfile
import tempfile
import time
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from . import pgtools
from .errors import ShopError

FORMAT = 1
MANIFEST = "manifest.json"
DATABASE_MEMBERS = {"sqlite": "database/shop.sqlite", "postgresql": "database/shop.pgdump"}
# Archive folder -> the app setting naming the folder it is read from and restored to.
PHOTO_FOLDERS = {"uploads": "UPLOAD_FOLDER", "return-photos": "RETURN_PHOTO_FOLDER",
                 "conversation-photos": "CONVERSATION_PHOTO_FOLDER",
                 "review-photos": "REVIEW_PHOTO_FOLDER"}
COUNTED = {"products": "product", "orders": "order", "order_lines": "order_line",
           "accounts": "user", "returns": "return_request"}
ARCHIVE_SUFFIX = ".tar.gz"
ARCHIVE_NAME = re.compile(r"shop-\d{8}-\d{6}\.tar\.gz")


@dataclass(frozen=True)
class Backup:
    path: str
    size: int
    seconds: float
    manifest: dict


def migration_scripts(migrations_dir):
    """Alembic's view of the shop's migration files (which revisions this code knows)."""
    from alembic.script import ScriptDirectory
    return ScriptDirectory(migrations_dir)


def sqlite_path(database_uri):
    """The file behind a SQLite URI; ShopError for a database in memory."""
    url = make_url(database_uri)
    if not url.database or url.database == ":memory:":
        raise ShopError("This shop's SQLite database lives in memory; there is no file to back up.")
    return os.path.abspath(url.database)


def archive_name(now):
    return f"shop-{now.strftime('%Y%m%d-%H%M%S')}{ARCHIVE_SUFFIX}"


def create(database_uri, folders, destination, now=None):
    """Write the shop's archive to destination (a folder, or a file name ending .tar.gz).

    folders maps each PHOTO_FOLDERS setting name to its path (app.config has them)."""
    began = time.monotonic()
    now = now or datetime.now(timezone.utc)
    kind = pgtools.database_kind(database_uri)
    if kind not in DATABASE_MEMBERS:
        raise ShopError(f"This shop's database is {kind}; backups know SQLite and PostgreSQL.")
    target = os.path.abspath(destination)
    if str(destination).endswith(("/", os.sep)) or os.path.isdir(target):
        target = os.path.join(target, archive_name(now))
    if not target.endswith(ARCHIVE_SUFFIX):
        raise ShopError(f"A backup is a {ARCHIVE_SUFFIX} archive: name the file so, or give a folder.")
    os.makedirs(os.path.dirname(target), exist_ok=True)
    partial = target + ".tmp"
    try:
        with tempfile.TemporaryDirectory(dir=os.path.dirname(target), prefix=".backup-") as work:
            snapshot = os.path.join(work, "snapshot")
            if kind == "sqlite":
                revision, counts = _snapshot_sqlite(database_uri, snapshot)
            else:
                revision, counts = _snapshot_postgresql(database_uri, snapshot)
            files = {}
            # Personal data and password hashes: readable by the shop's user only.
            os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
            os.chmod(partial, 0o600)
            with tarfile.open(partial, "w:gz", compresslevel=6) as tar:
                _add(tar, snapshot, DATABASE_MEMBERS[kind], files)
                for member_dir, setting in PHOTO_FOLDERS.items():
                    counts[member_dir.replace("-", "_")] = _add_folder(
                        tar, folders.get(setting), member_dir, files)
                manifest = {"format": FORMAT, "shop_version": revision, "database": kind,
                            "created_at": now.isoformat(timespec="seconds"), "counts": counts,
                            "files": files}
                data = json.dumps(manifest, indent=2, sort_keys=True).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime, info.mode = len(data), int(now.timestamp()), 0o644
                tar.addfile(info, io.BytesIO(data))
        with open(partial, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(partial, target)
    except BaseException:
        _remove(partial)
        raise
    return Backup(path=target, size=os.path.getsize(target), seconds=time.monotonic() - began,
                  manifest=manifest)


def prune(folder, keep):
    """Delete all but the `keep` newest archives this command made in folder (by the time in
    their names); other files are left alone. Returns the names deleted."""
    ours = sorted(name for name in os.listdir(folder) if ARCHIVE_NAME.fullmatch(name))
    doomed = ours[:-keep] if keep > 0 else []
    for name in doomed:
        _remove(os.path.join(folder, name))
    return doomed


def _counts(execute):
    return {name: execute(f'SELECT count(*) FROM "{table}"') for name, table in COUNTED.items()}


def _snapshot_sqlite(database_uri, copy_path):
    source = sqlite_path(database_uri)
    if not os.path.exists(source):
        raise ShopError(f"There is no database at {source} yet. Run `flask db upgrade` first.")
    with closing(sqlite3.connect(source, timeout=30)) as live, \
            closing(sqlite3.connect(copy_path)) as copy:
        live.backup(copy)
        # One self-contained file: no -wal beside it to forget.
        copy.execute("PRAGMA journal_mode=DELETE")
        check = copy.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise ShopError(f"The copy failed SQLite's check ({check}); nothing was written.")
        try:
            revision = copy.execute("SELECT version_num FROM alembic_version").fetchone()[0]
            counts = _counts(lambda sql: copy.execute(sql).fetchone()[0])
        except (sqlite3.OperationalError, TypeError):
            raise ShopError(f"{source} is not a migrated shop database (run `flask db upgrade`).")
    return revision, counts


def _snapshot_postgresql(database_uri, dump_path):
    engine = create_engine(database_uri, isolation_level="REPEATABLE READ")
    try:
        with engine.connect() as conn:
            # The dump and the counts read one snapshot: pg_dump joins this transaction's.
            snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar()
            try:
                revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
            except Exception:
                raise ShopError("The database is not a migrated shop database "
                                "(run `flask db upgrade`).")
            counts = _counts(lambda sql: conn.execute(text(sql)).scalar())
            pgtools.run(database_uri, "pg_dump", "--format=custom", f"--snapshot={snapshot}",
                        f"--file={dump_path}")
    finally:
        engine.dispose()
    return revision, counts


class _Hashing:
    """A file reader that adds what is read to a SHA-256."""

    def __init__(self, fh):
        self.fh, self.sha = fh, hashlib.sha256()

    def read(self, size=-1):
        chunk = self.fh.read(size)
        self.sha.update(chunk)
        return chunk


def _add(tar, path, name, files):
    with open(path, "rb") as fh:
        stat = os.fstat(fh.fileno())
        info = tarfile.TarInfo(name)
        info.size, info.mtime, info.mode = stat.st_size, int(stat.st_mtime), 0o644
        reader = _Hashing(fh)
        tar.addfile(info, reader)
    files[name] = {"size": stat.st_size, "sha256": reader.sha.hexdigest()}


def _add_folder(tar, folder, member_dir, files):
    """Every regular file under folder, as member_dir/...; returns how many."""
    added = 0
    if not folder or not os.path.isdir(folder):
        return added
    for root, dirs, names in os.walk(folder):
        dirs.sort()
        for name in sorted(names):
            path = os.path.join(root, name)
            if name.endswith(".tmp") or not os.path.isfile(path) or os.path.islink(path):
                continue
            relative = os.path.relpath(path, folder).replace(os.sep, "/")
            try:
                _add(tar, path, f"{member_dir}/{relative}", files)
            except FileNotFoundError:
                continue  # deleted since listed (a product photo removed meanwhile)
            added += 1
    return added


def _remove(path):
    try:
        os.remove(path)
    except FileNotFoundError:
        pass
