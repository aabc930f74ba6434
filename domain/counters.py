"""First-party counters: how often each product was viewed and added to a cart, per day in the
shop's time zone. No cookie, no third-party script, and no write on the request path.

How a count travels:

1. **In memory.** A page view or a cart add calls `count()`, which adds one to this process's
   `Tally` (a dict increment under a lock) under (day, product, kind). Nothing is written.
2. **Handed over.** A daemon thread of each web process, started with its first count, takes
   the tally every COUNTER_HANDOVER_SECONDS (30) and writes it as ONE `CounterBatch` row in a
   unit of work of its own (`hand_over`); `atexit` hands over once more. A failed hand-over
   puts its counts back for the next one. What a process counted in its last seconds before
   being killed outright (SIGKILL) is lost, which a count of views can afford.
3. **Folded.** The worker job "flush-counters" (`fold`) adds each batch to `DailyCounter`, one
   transaction per batch: `DELETE ... RETURNING` takes the batch (the delete is the claim) and
   the upserts add its counts, committed together. Two workers folding at once both try the
   delete; the second finds the row gone and adds nothing. A worker that dies between the
   delete and the commit has its transaction rolled back: the batch is still there, nothing
   was added, and the next run folds it. So every batch is added exactly once.

Forks: under gunicorn each worker process counts for itself. A process forked from one that
had already counted (a preloaded app that served a request before forking) starts with an
empty tally and no thread: what the parent counted is the parent's to hand over, so nothing is
counted twice (`os.register_at_fork`).

Orders are not counted here: they are the order lines already in the database
(`domain/trending.py` reads them).
"""
import atexit
import logging
import os
import socket
import threading
import time
import weakref
from collections import Counter
from datetime import date, datetime, time as clock_time, timedelta

from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite

from . import transaction
from .extensions import db
from .models import COUNTER_KINDS, CounterBatch, DailyCounter, Product

log = logging.getLogger(__name__)

VIEW, CART = "view", "cart"
KINDS = COUNTER_KINDS
# How often, by default, a web process hands its counts over (app.config
# COUNTER_HANDOVER_SECONDS; 0: no thread, as in the tests, which call hand_over() themselves).
HANDOVER_SECONDS = 30
# Keys (day, product, kind) one process keeps between hand-overs, at most: a count beyond it is
# dropped (and counted in `dropped`), so memory stays bounded whatever happens to the database.
MAX_PENDING = 100_000
# Batches one run of "flush-counters" folds, at most; the rest wait for the next run.
FOLD_LIMIT = 500
_EXTENSION = "counters"
_SOURCE_LENGTH = 80


def local_day(now, zone):
    """The shop's day at `now` (aware): a view at 23:59 shop time counts on that day, one at
    00:00 on the next, whatever UTC says."""
    return now.astimezone(zone).date()


class _Today:
    """The shop's day, worked out once per day: the instants of its two midnights are kept,
    and a moment between them is that day (two comparisons instead of a time-zone
    conversion per count). Daylight saving is in the midnights themselves."""

    def __init__(self):
        self.found = (None, None, None, None)  # zone, first instant, end, day

    def __call__(self, now, zone):
        found_zone, start, end, day = self.found
        if found_zone is zone and start <= now < end:
            return day
        day = local_day(now, zone)
        # In `now`'s own zone (UTC): comparing moments of one tzinfo is the fast comparison.
        start = datetime.combine(day, clock_time.min, tzinfo=zone).astimezone(now.tzinfo)
        end = datetime.combine(day + timedelta(days=1), clock_time.min,
                               tzinfo=zone).astimezone(now.tzinfo)
        self.found = (zone, start, end, day)  # one assignment: threads read a whole tuple
        return day


def encode(key):
    """(day, product_id, kind) as a batch's JSON key: "YYYY-MM-DD|<product_id>|<kind>"."""
    day, product_id, kind = key
    return f"{day.isoformat()}|{product_id}|{kind}"


def decode(text):
    """A batch key back to (day, product_id, kind); None for anything malformed."""
    try:
        day, product_id, kind = str(text).split("|")
        key = (date.fromisoformat(day), int(product_id), kind)
    except (TypeError, ValueError):
        return None
    return key if kind in KINDS and key[1] > 0 else None


_tallies = weakref.WeakSet()


class Tally:
    """One process's counts not yet handed over, by (day, product_id, kind); thread-safe."""

    def __init__(self, limit=MAX_PENDING):
        self.limit = limit
        self._reset()
        _tallies.add(self)

    def _reset(self):
        # Also what a forked child starts from: a fresh lock (the parent's may have been held
        # by another thread at the fork), nothing pending, no thread.
        self.today = _Today()
        self._lock = threading.Lock()
        self._pending = Counter()
        self.dropped = 0
        self.thread = None

    def record(self, kind, product_id, day, n=1):
        """Add `n` to the day's count; writes nothing. False if dropped (unknown kind, or the
        tally is full)."""
        if kind not in KINDS:
            return False
        key = (day, product_id, kind)
        with self._lock:
            if key not in self._pending and len(self._pending) >= self.limit:
                self.dropped += 1
                return False
            self._pending[key] += n
        return True

    def pending(self):
        with self._lock:
            return dict(self._pending)

    def take(self):
        with self._lock:
            taken, self._pending = self._pending, Counter()
        return taken

    def put_back(self, taken):
        """Counts whose hand-over failed: added back to what arrived meanwhile."""
        with self._lock:
            self._pending.update(taken)


def _after_fork():
    for found in list(_tallies):
        found._reset()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork)


def tally(app=None):
    """This process's tally for `app` (the current one by default)."""
    app = app or current_app._get_current_object()
    found = app.extensions.get(_EXTENSION)
    if found is None:
        found = app.extensions.setdefault(_EXTENSION, Tally())
    return found


_start_lock = threading.Lock()


def count(kind, product_id, now, zone, app=None):
    """Count one `kind` ("view" or "cart") of a product at `now` on the shop's day: in memory
    only, the hand-over thread started with the first count of this process."""
    app = app or current_app._get_current_object()
    found = tally(app)
    found.record(kind, product_id, found.today(now, zone))
    if found.thread is None:
        _start_handing_over(app, found)


def count_on_commit(kind, product_id, now, zone):
    """Count once the current transaction commits (a cart add that is kept), never if it is
    rolled back. The day is the one of `now`, decided here."""
    app = current_app._get_current_object()
    day = local_day(now, zone)

    def effect():
        found = tally(app)
        found.record(kind, product_id, day)
        if found.thread is None:
            _start_handing_over(app, found)
    transaction.after_commit(effect)


def _start_handing_over(app, found):
    every = app.config.get("COUNTER_HANDOVER_SECONDS", HANDOVER_SECONDS)
    if not every:
        return
    with _start_lock:
        if found.thread is not None:
            return
        found.thread = threading.Thread(target=_hand_over_every, args=(app, found, every),
                                        name="counter-handover", daemon=True)
        found.thread.start()
        if not getattr(found, "at_exit", False):
            # Registered once per tally: a forked child inherits the parent's registration,
            # which then hands over the child's own (reset) tally.
            found.at_exit = True
            atexit.register(hand_over, app)


def _hand_over_every(app, found, every):
    # Runs while it is the tally's thread (tests take it away to end it).
    while found.thread is threading.current_thread():
        time.sleep(every)
        hand_over(app)


def source_name():
    """Which process a batch came from (for reading the table, not for correctness)."""
    return f"{socket.gethostname()}:{os.getpid()}"[:_SOURCE_LENGTH]


def hand_over(app):
    """Write this process's counts as one CounterBatch row, in a unit of work of its own,
    away from any request. Returns how many keys were handed over; a failure is logged and the
    counts wait for the next hand-over."""
    found = tally(app)
    taken = found.take()
    if not taken:
        return 0
    try:
        with app.app_context():
            with transaction.unit_of_work():
                db.session.add(CounterBatch(
                    source=source_name(),
                    counts={encode(key): n for key, n in sorted(taken.items())}))
    except Exception:
        found.put_back(taken)
        log.warning("Could not hand over the product counters; trying again later",
                    exc_info=True)
        return 0
    return len(taken)


def _upsert(rows):
    table = DailyCounter.__table__
    dialect = db.session.get_bind().dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    statement = insert.on_conflict_do_update(
        index_elements=[table.c.day, table.c.product_id, table.c.kind],
        set_={"count": table.c.count + insert.excluded.count})
    db.session.execute(statement, rows)


def fold_batch(batch_id):
    """Add one batch to DailyCounter and delete it, in the current transaction: the DELETE is
    the claim, so of two folders only the one whose delete returned the row adds it. Returns
    the number of counts added, or None if another folder had it. Counts of products deleted since
    are dropped, as are malformed keys."""
    table = CounterBatch.__table__
    taken = db.session.execute(
        table.delete().where(table.c.id == batch_id).returning(table.c.counts)).first()
    if taken is None:
        return None
    counts = {}
    for text, n in (taken.counts or {}).items():
        key = decode(text)
        if key is not None and isinstance(n, int) and n > 0:
            counts[key] = counts.get(key, 0) + n
    ids = {product_id for _day, product_id, _kind in counts}
    known = set(db.session.scalars(db.select(Product.id).where(Product.id.in_(ids)))) if ids else set()
    rows = [{"day": day, "product_id": product_id, "kind": kind, "count": n}
            for (day, product_id, kind), n in sorted(counts.items()) if product_id in known]
    if rows:
        _upsert(rows)
    return sum(row["count"] for row in rows)


def fold(limit=FOLD_LIMIT, should_stop=None):
    """The worker's job: fold waiting batches, oldest first, each in a transaction of its own
    (its delete and its upserts committed together). Returns (batches folded, counts added)."""
    with transaction.unit_of_work():
        ids = db.session.scalars(db.select(CounterBatch.id).order_by(CounterBatch.id)
                                 .limit(limit)).all()
    batches = added = 0
    for batch_id in ids:
        if should_stop and should_stop():
            break
        with transaction.unit_of_work():
            n = fold_batch(batch_id)
        if n is not None:
            batches += 1
            added += n
    return batches, added


def totals(product_id, first_day, last_day):
    """{kind: count} of one product over a range of days, as folded (for the back office and
    tests; pending counts of web processes are not in it)."""
    found = dict.fromkeys(KINDS, 0)
    found.update(db.session.execute(
        db.select(DailyCounter.kind, db.func.sum(DailyCounter.count))
        .where(DailyCounter.product_id == product_id, DailyCounter.day >= first_day,
               DailyCounter.day <= last_day).group_by(DailyCounter.kind)).all())
    return {kind: int(n or 0) for kind, n in found.items()}


def days_back(today, days):
    """The first day of the `days` days ending with `today`."""
    return today - timedelta(days=days - 1)
