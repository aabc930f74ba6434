"""How the shop's own machinery is doing: when each background process was last seen."""
from ..extensions import db
from .base import UTCDateTime


class WorkerHeartbeat(db.Model):
    """One row per kind of background process ("worker"), stamped as its loop goes round, so
    the back office can tell a running worker from a stopped one on any host."""

    __tablename__ = "worker_heartbeat"
    name = db.Column(db.String(40), primary_key=True)
    seen_at = db.Column(UTCDateTime, nullable=False)
