"""Putting a backup archive (domain/backup.py) back, into a stopped shop.

In order, nothing changed until the last step:
1. `open_archive` unpacks the archive beside the shop's files and checks every member against
   the manifest's sizes and SHA-256: a truncated or altered archive is refused whole.
2. `check_version` refuses an archive from a newer shop (a migration this code does not have).
3. `running_signs` says why the shop seems to be running: the worker's heartbeat is fresh, or
   another program has the database open (SQLite: it cannot get the file to itself; PostgreSQL:
   other sessions are connected to the database). A running shop would write into the database
   being replaced.
4. `restore` puts the current database aside, renamed, never deleted (SQLite: the file becomes
   `shop.sqlite.before-restore-STAMP`; PostgreSQL: the `public` schema becomes
   `before_restore_STAMP`), and the photo folders likewise (`uploads.before-restore-STAMP`), then
   puts the archive's in their place and checks the result (SQLite's integrity check, and the
   manifest's counts). If any step fails, everything is put back as it was.
"""
import gzip
import hashlib
import json
import os
import shutil
import sqlite3
import tarfile
import zlib
from contextlib import closing
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import create_engine, text

from . import pgtools
from .backup import (DATABASE_MEMBERS, FORMAT, MANIFEST, PHOTO_FOLDERS, COUNTED, sqlite_path)
from .errors import ShopError

# The worker beats about once a minute: seen within 90 seconds, it is taken to be running.
HEARTBEAT_FRESH = timedelta(seconds=90)


class ArchiveDamaged(ShopError):
    """The archive cannot be read whole, or does not match its manifest."""


@dataclass
class Opened:
    path: str
    staging: str
    manifest: dict


@dataclass
class Restored:
    kept_aside: list = field(default_factory=list)


def _safe_name(name):
    parts = name.split("/")
    return (not name.startswith("/") and ".." not in parts and "" not in parts
            and (name == MANIFEST or parts[0] in ("database", *PHOTO_FOLDERS)))


def open_archive(path, staging):
    """Unpack the archive into staging and check it; the manifest, or ArchiveDamaged."""
    seen = {}
    try:
        with tarfile.open(path, "r:gz") as tar:
            for member in tar:
                if not member.isfile() or not _safe_name(member.name):
                    raise ArchiveDamaged(f"{path} holds {member.name!r}, which a shop backup "
                                         "never holds; it was not restored.")
                target = os.path.join(staging, *member.name.split("/"))
                os.makedirs(os.path.dirname(target), exist_ok=True)
                sha = hashlib.sha256()
                with tar.extractfile(member) as source, open(target, "wb") as out:
                    for chunk in iter(lambda: source.read(1 << 20), b""):
                        sha.update(chunk)
                        out.write(chunk)
                seen[member.name] = {"size": member.size, "sha256": sha.hexdigest()}
    except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile) as error:
        raise ArchiveDamaged(f"{path} is damaged ({error or type(error).__name__}): it cannot be "
                             "read to the end. Nothing was changed; restore another backup.")
    if MANIFEST not in seen:
        raise ArchiveDamaged(f"{path} has no manifest: it is not a complete shop backup. "
                             "Nothing was changed.")
    try:
        with open(os.path.join(staging, MANIFEST)) as fh:
            manifest = json.load(fh)
        files = manifest["files"]
    except (ValueError, KeyError, TypeError):
        raise ArchiveDamaged(f"{path} has an unreadable manifest. Nothing was changed.")
    del seen[MANIFEST]
    differ = sorted(name for name in set(seen) | set(files) if seen.get(name) != files.get(name))
    if differ:
        raise ArchiveDamaged(f"{path} is damaged: {len(differ)} file(s) do not match the "
                             f"manifest (first: {differ[0]}). Nothing was changed.")
    if manifest.get("format") != FORMAT or manifest.get("database") not in DATABASE_MEMBERS \
            or DATABASE_MEMBERS[manifest["database"]] not in seen:
        raise ArchiveDamaged(f"{path} is not a backup this version of the shop can read.")
    return Opened(path=path, staging=staging, manifest=manifest)


def check_version(manifest, scripts, database_kind):
    """Refuse an archive of the other kind of database, or from a newer shop."""
    if manifest["database"] != database_kind:
        raise ShopError(f"The backup holds a {manifest['database']} database and this shop runs "
                        f"on {database_kind}; restore it into a shop on {manifest['database']}.")
    revision = manifest.get("shop_version")
    try:
        known = revision is not None and scripts.get_revision(revision) is not None
    except Exception:  # alembic's lookup errors for a revision it has no file for
        known = False
    if not known:
        raise ShopError(f"The backup was made by a newer version of the shop (database version "
                        f"{revision}; this code knows up to {scripts.get_current_head()}). "
                        "Upgrade the shop first (make upgrade), then restore.")


def running_signs(database_uri, last_seen, now):
    """Why the shop seems to be running, in words; empty when it seems stopped."""
    signs = []
    if last_seen is not None and now - last_seen < HEARTBEAT_FRESH:
        seconds = max(0, int((now - last_seen).total_seconds()))
        signs.append(f"the worker was seen {seconds} seconds ago (a stopped worker stops "
                     f"counting after {int(HEARTBEAT_FRESH.total_seconds())} seconds)")
    if pgtools.database_kind(database_uri) == "sqlite":
        if _sqlite_in_use(sqlite_path(database_uri)):
            signs.append("another program has the database file open (gunicorn, the worker, "
                         "or a flask shell)")
    else:
        others = _pg_other_sessions(database_uri)
        if others:
            signs.append(f"{others} other session(s) are connected to the database")
    return signs


def _sqlite_in_use(path):
    """True if another connection has the file open. Leaving WAL mode needs the file to itself
    (every WAL connection holds a shared lock until it closes); this also folds the -wal file
    into the database, so that it can be set aside as one file."""
    if not os.path.exists(path):
        return False
    try:
        with closing(sqlite3.connect(path, timeout=0)) as conn:
            conn.execute("PRAGMA journal_mode=DELETE")
            conn.execute("BEGIN EXCLUSIVE")
            conn.execute("ROLLBACK")
    except sqlite3.OperationalError as error:
        if "locked" in str(error) or "busy" in str(error):
            return True
        raise
    return False


def _pg_other_sessions(database_uri):
    engine = create_engine(database_uri)
    try:
        with engine.connect() as conn:
            return conn.execute(text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND backend_type = 'client backend'")).scalar()
    finally:
        engine.dispose()


def restore(opened, database_uri, folders, stamp):
    """Swap the archive's database and photos in; everything back as it was on any failure."""
    undo = []
    kept = []
    try:
        if opened.manifest["database"] == "sqlite":
            _swap_sqlite(opened, database_uri, stamp, undo, kept)
        else:
            _swap_postgresql(opened, database_uri, stamp, undo, kept)
        for member_dir, setting in PHOTO_FOLDERS.items():
            if folders.get(setting) is None:
                continue  # photos kept in an object store: the archive holds none of them
            _swap_folder(os.path.join(opened.staging, member_dir), folders[setting], stamp,
                         undo, kept)
        _check_counts(opened.manifest, database_uri)
    except BaseException:
        for step in reversed(undo):
            step()
        raise
    return Restored(kept_aside=kept)


def _move(source, target, undo):
    os.makedirs(os.path.dirname(target), exist_ok=True)
    shutil.move(source, target)
    undo.append(lambda: shutil.move(target, source))


def _swap_sqlite(opened, database_uri, stamp, undo, kept):
    live = sqlite_path(database_uri)
    for suffix in ("", "-wal", "-shm", "-journal"):
        if os.path.exists(live + suffix):
            aside = f"{live}.before-restore-{stamp}{suffix}"
            _move(live + suffix, aside, undo)
            if not suffix:
                kept.append(aside)
    _move(os.path.join(opened.staging, *DATABASE_MEMBERS["sqlite"].split("/")), live, undo)
    with closing(sqlite3.connect(live)) as conn:
        check = conn.execute("PRAGMA integrity_check").fetchone()[0]
    if check != "ok":
        raise ShopError(f"The restored database failed SQLite's integrity check ({check}); "
                        "the shop was put back as it was.")


def _swap_postgresql(opened, database_uri, stamp, undo, kept):
    aside = f"before_restore_{stamp}"
    engine = create_engine(database_uri)
    try:
        with engine.begin() as conn:
            conn.execute(text(f'ALTER SCHEMA public RENAME TO "{aside}"'))
            conn.execute(text("CREATE SCHEMA public"))
            # Extensions (pg_trgm for search) are one per database: they come back to public,
            # where the dump's indexes look for them; the kept-aside indexes still work.
            _move_extensions(conn, aside, "public")
    finally:
        engine.dispose()

    def put_back():
        engine = create_engine(database_uri)
        try:
            with engine.begin() as conn:
                _move_extensions(conn, "public", aside)
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text(f'ALTER SCHEMA "{aside}" RENAME TO public'))
        finally:
            engine.dispose()

    undo.append(put_back)
    kept.append(f"schema {aside}")
    dump = os.path.join(opened.staging, *DATABASE_MEMBERS["postgresql"].split("/"))
    # Into an empty public schema: nothing to drop first (dropping an extension the kept-aside
    # schema's indexes use would fail).
    pgtools.run(database_uri, "pg_restore", "--no-owner", "--no-acl",
                "--single-transaction", "--exit-on-error", dump)


def _move_extensions(conn, source, target):
    names = conn.execute(text(
        "SELECT e.extname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
        "WHERE n.nspname = :schema"), {"schema": source}).scalars().all()
    for name in names:
        conn.execute(text(f'ALTER EXTENSION "{name}" SET SCHEMA "{target}"'))


def _swap_folder(staged, folder, stamp, undo, kept):
    if os.path.exists(folder):
        aside = f"{folder.rstrip(os.sep)}.before-restore-{stamp}"
        _move(folder, aside, undo)
        kept.append(aside)
    if os.path.isdir(staged):
        _move(staged, folder, undo)
    else:
        os.makedirs(folder)
        undo.append(lambda: shutil.rmtree(folder, ignore_errors=True))


def _check_counts(manifest, database_uri):
    engine = create_engine(database_uri)
    try:
        with engine.connect() as conn:
            found = {name: conn.execute(text(f'SELECT count(*) FROM "{table}"')).scalar()
                     for name, table in COUNTED.items()}
    finally:
        engine.dispose()
    expected = {name: manifest["counts"].get(name) for name in COUNTED}
    if found != expected:
        raise ShopError(f"The restored database does not hold what the backup's manifest lists "
                        f"({found} instead of {expected}); the shop was put back as it was.")
