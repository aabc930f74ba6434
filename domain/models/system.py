"""How the shop's own machinery is doing: when each background process was last seen, and how
many requests failed with a server error."""
from ..extensions import db
from .base import UTCDateTime


class WorkerHeartbeat(db.Model):
    """One row per kind of background process ("worker"), stamped as its loop goes round, so
    the back office can tell a running worker from a stopped one on any host."""

    __tablename__ = "worker_heartbeat"
    name = db.Column(db.String(40), primary_key=True)
    seen_at = db.Column(UTCDateTime, nullable=False)


class ServerErrorCount(db.Model):
    """How many requests failed with a server error (500) in one hour, added up from every web
    process. Each process counts in memory and adds its counts here in the background
    (domain/server_errors.py): a failing page never waits for this table."""

    __tablename__ = "server_error_count"
    # The hour's start, in seconds since the epoch (UTC).
    hour = db.Column(db.BigInteger, primary_key=True, autoincrement=False)
    count = db.Column(db.Integer, nullable=False)


class StorefrontVersion(db.Model):
    """On PostgreSQL, the storefront version every app server reads once per request: one row
    (id 1), moved on inside each transaction that changes what shoppers see, so it moves
    exactly when that change is committed (domain/storefront_version.py)."""

    __tablename__ = "storefront_version"
    id = db.Column(db.Integer, primary_key=True, autoincrement=False)
    value = db.Column(db.BigInteger, nullable=False)


class ScheduledJob(db.Model):
    """One row per registered worker job (domain/jobs.py): when its next run is due, who holds
    the run now and until when (the lease, renewed while it runs), and how the last one went."""

    __tablename__ = "scheduled_job"
    name = db.Column(db.String(60), primary_key=True)
    next_due_at = db.Column(UTCDateTime, nullable=True)
    # The run in hand: its token, the due time it claimed, and the lease that keeps it.
    run_token = db.Column(db.String(40), nullable=True)
    running_due_at = db.Column(UTCDateTime, nullable=True)
    lease_until = db.Column(UTCDateTime, nullable=True)
    started_at = db.Column(UTCDateTime, nullable=True)
    finished_at = db.Column(UTCDateTime, nullable=True)
    # "ok", "failed" or "interrupted" (a lease that lapsed), and its line for --status.
    result = db.Column(db.String(12), nullable=True)
    detail = db.Column(db.String(500), nullable=False, default="")
    runs = db.Column(db.Integer, nullable=False, default=0)
