"""Is the shop able to serve and do its background work right now? Four checks, read by
GET /healthz (for an uptime monitor: 200 when all pass, else 503) and shown on the dashboard:

- database: it answers a read;
- migrations: the database is at the revision this code expects (after `git pull`, until
  `make migrate` has run, pages may fail on a column that is not there yet);
- worker: its heartbeat is recent (without it no email goes out);
- disk: the instance folder (database, photos, backups) has room left.

Cheap enough for a monitor calling every few seconds: two small reads when all is well, the
migration scripts read once per process, one statfs.
"""
import functools
import shutil
from dataclasses import dataclass, field
from datetime import timedelta

from babel.dates import format_timedelta
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from . import heartbeat
from .extensions import db
from .models import WorkerHeartbeat

MIN_FREE_BYTES = 500 * 1024 * 1024


@dataclass(frozen=True)
class Check:
    key: str
    title: str
    ok: bool
    detail: str
    # What /healthz says about it besides ok: numbers and revisions, never text.
    facts: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Report:
    checks: list

    @property
    def ok(self):
        return all(check.ok for check in self.checks)

    def as_json(self):
        return {"status": "ok" if self.ok else "failing",
                "checks": {check.key: {"ok": check.ok, **check.facts} for check in self.checks}}


@functools.lru_cache(maxsize=8)
def code_heads(migrations_dir):
    """The revisions the code's migrations end at (one, unless branches are being merged)."""
    from alembic.script import ScriptDirectory
    return frozenset(ScriptDirectory(migrations_dir).get_heads())


def check(now, instance_path, migrations_dir, min_free_bytes=MIN_FREE_BYTES):
    """The four checks, in the order a person would look into them."""
    revisions, database = _database()
    checks = [database]
    if database.ok:
        checks += [_migrations(revisions, code_heads(migrations_dir)), _worker(now)]
    else:
        checks += [Check("migrations", _("Database up to date"), False,
                         _("Unknown while the database does not answer.")),
                   Check("worker", _("Worker"), False,
                         _("Unknown while the database does not answer."))]
    checks.append(_disk(instance_path, min_free_bytes))
    return Report(checks)


def _database():
    """(the database's revisions, the check). Reading the revisions is the read that proves
    the database answers; only when it fails is a bare SELECT 1 tried, to tell a database
    that is down from one never migrated. Both on a connection of their own: a failure here
    leaves the request's transaction alone."""
    title = _("Database")
    try:
        with db.engine.connect() as conn:
            revisions = frozenset(conn.scalars(text("SELECT version_num FROM alembic_version")))
        return revisions, Check("database", title, True, _("It answers."))
    except SQLAlchemyError:
        pass
    try:
        with db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return None, Check("database", title, False, _(
            "It does not answer: pages and orders fail. Check that the database server is "
            "running and DATABASE_URL names it."))
    return frozenset(), Check("database", title, True, _("It answers."))


def _migrations(revisions, heads):
    facts = {"database": sorted(revisions), "code": sorted(heads)}
    title = _("Database up to date")
    if revisions == heads:
        return Check("migrations", title, True, _("At the code's revision."), facts)
    return Check("migrations", title, False, _(
        "The database is not at the revision this code expects: run make migrate, then "
        "restart the shop."), facts)


def _ago(delta):
    return format_timedelta(delta, threshold=1, locale=str(get_locale() or "en"))


def _worker(now):
    title = _("Worker")
    try:
        # On a connection of its own, like the database check: a database never migrated has
        # no heartbeat table, and that must fail this check, not the request.
        with db.engine.connect() as conn:
            seen = conn.scalar(db.select(WorkerHeartbeat.seen_at)
                               .where(WorkerHeartbeat.name == heartbeat.WORKER))
    except SQLAlchemyError:
        return Check("worker", title, False, _(
            "Its heartbeat cannot be read: the database is not migrated."),
            {"seen_seconds_ago": None})
    if seen is None:
        return Check("worker", title, False, _(
            "It has never run: no email is sent and unpaid bank transfers do not expire. "
            "Start it (make worker, or the moonjar-worker service)."), {"seen_seconds_ago": None})
    silent = max(now - seen, timedelta(0))
    facts = {"seen_seconds_ago": int(silent.total_seconds())}
    if silent > heartbeat.SILENT_AFTER:
        return Check("worker", title, False, _(
            "Last seen %(ago)s ago: it seems to have stopped, so emails wait. Start it again.",
            ago=_ago(silent)), facts)
    return Check("worker", title, True, _("Last seen %(ago)s ago.", ago=_ago(silent)), facts)


def _disk(instance_path, min_free_bytes):
    title = _("Disk space")
    try:
        free = shutil.disk_usage(instance_path).free
    except OSError:
        return Check("disk", title, False, _(
            "The data folder %(folder)s cannot be read.", folder=instance_path), {"free_mb": None})
    facts = {"free_mb": free // (1024 * 1024)}
    if free < min_free_bytes:
        return Check("disk", title, False, _(
            "Only %(free)s MB free in %(folder)s: the database, photos and backups need room. "
            "Delete old backups or enlarge the disk.", free=facts["free_mb"],
            folder=instance_path), facts)
    return Check("disk", title, True, _("%(free)s MB free in %(folder)s.",
                                        free=facts["free_mb"], folder=instance_path), facts)
