"""The worker's heartbeat: a row it stamps as its loop goes round, so the back office can say
when it was last seen, whichever host it runs on."""
from datetime import timedelta

from .extensions import db
from .models import WorkerHeartbeat

WORKER = "worker"
# The worker beats every minute or so; five without a beat and it is probably stopped.
SILENT_AFTER = timedelta(minutes=5)


def beat(now, name=WORKER):
    """Record that `name` is alive at `now`, in the caller's transaction."""
    updated = db.session.execute(
        db.update(WorkerHeartbeat).where(WorkerHeartbeat.name == name).values(seen_at=now)
        .execution_options(synchronize_session=False)).rowcount
    if not updated:
        db.session.add(WorkerHeartbeat(name=name, seen_at=now))
    db.session.flush()


def last_seen(name=WORKER):
    """When `name` last beat, or None if it never ran against this database."""
    return db.session.scalar(db.select(WorkerHeartbeat.seen_at).where(WorkerHeartbeat.name == name))
