"""How many requests failed with a server error: counted in memory by each web process and
added to the table server_error_count in the background, so a failing page writes nothing.

A page view never writes to the database (a synchronous write per view made a page fail with
"database is locked" under load), and an error is often the moment the database is struggling.
So `ErrorCounts.record()` only adds one to a number in memory, and `flush()`, run away from any
request (blueprints/errorcount.py starts a thread per process for it), adds what was counted
to the hour's row in one upsert. A flush that fails keeps its counts for the next one; what a
process counted in its last seconds before being killed outright is lost, which a count of
errors can afford.
"""
import threading
from collections import Counter
from datetime import timedelta

from sqlalchemy import text

from .extensions import db
from .transaction import unit_of_work

HOUR = 3600
# Rows older than this are deleted by the flushes: the dashboard shows the last day.
KEEP = timedelta(days=30)

# One statement that works on SQLite (3.24 and later) and PostgreSQL.
_ADD = text("""
    INSERT INTO server_error_count (hour, count) VALUES (:hour, :count)
    ON CONFLICT (hour) DO UPDATE SET count = server_error_count.count + excluded.count
""")
_SWEEP = text("DELETE FROM server_error_count WHERE hour < :before")
_SINCE = text("SELECT COALESCE(SUM(count), 0) FROM server_error_count WHERE hour > :after")


def hour_of(when):
    """The start of `when`'s hour, in seconds since the epoch."""
    return int(when.timestamp()) // HOUR * HOUR


class ErrorCounts:
    """One web process's counts not yet in the table, by hour; safe to share between threads."""

    def __init__(self):
        self._lock = threading.Lock()
        self._pending = Counter()

    def record(self, now):
        with self._lock:
            self._pending[hour_of(now)] += 1

    def pending(self):
        with self._lock:
            return dict(self._pending)

    def flush(self, now):
        """Add the pending counts to the table in a unit of work of their own (an app context
        is needed); returns how many errors were written. On failure the counts stay pending
        and the error is raised."""
        with self._lock:
            taken, self._pending = self._pending, Counter()
        if not taken:
            return 0
        try:
            with unit_of_work():
                for hour, count in sorted(taken.items()):
                    db.session.execute(_ADD, {"hour": hour, "count": count})
                db.session.execute(_SWEEP, {"before": hour_of(now - KEEP)})
        except BaseException:
            with self._lock:
                self._pending.update(taken)
            raise
        return sum(taken.values())

    def since(self, now, period=timedelta(hours=24)):
        """Errors in the hours overlapping the last `period`: every process's flushed counts
        and this process's pending ones, so an error shows at once where it happened."""
        after = hour_of(now - period) - 1
        stored = db.session.execute(_SINCE, {"after": after}).scalar_one()
        return int(stored) + sum(count for hour, count in self.pending().items() if hour > after)
