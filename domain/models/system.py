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
