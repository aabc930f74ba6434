"""First-party counters (domain/counters.py): counted in memory per process, handed over as a
batch row away from any request, folded into the day's figures by the worker exactly once,
whatever crashes or runs at the same time; days are the shop's."""
import os
import threading
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

import worker
from domain import counters, transaction
from domain.extensions import db
from domain.models import CounterBatch, DailyCounter
from tests.order_helpers import NOW

SEOUL = ZoneInfo("Asia/Seoul")
TODAY = NOW.astimezone(SEOUL).date()


@pytest.fixture
def products(make):
    return [make.product(title="Moon jar")["id"], make.product(title="Tea bowl")["id"]]


def figures(app):
    with app.app_context():
        return {(row.day, row.product_id, row.kind): row.count
                for row in db.session.scalars(db.select(DailyCounter))}


def batches(app):
    with app.app_context():
        return db.session.scalar(db.select(db.func.count(CounterBatch.id)))


def count(app, kind, product_id, times=1, now=NOW, zone=SEOUL):
    with app.app_context():
        for _ in range(times):
            counters.count(kind, product_id, now, zone)


def fold(app):
    with app.app_context():
        return counters.fold()


def test_counts_wait_in_memory_and_the_worker_adds_them_to_the_days_figures(app, products):
    moon, bowl = products
    count(app, "view", moon, 3)
    count(app, "cart", moon)
    count(app, "view", bowl)
    assert batches(app) == 0 and figures(app) == {}  # nothing written while counting
    assert counters.hand_over(app) == 3
    assert counters.tally(app).pending() == {}
    assert batches(app) == 1 and figures(app) == {}
    assert fold(app) == (1, 5)
    assert batches(app) == 0
    assert figures(app) == {(TODAY, moon, "view"): 3, (TODAY, moon, "cart"): 1,
                            (TODAY, bowl, "view"): 1}
    # Later hand-overs, from this process or another, add to the same rows.
    count(app, "view", moon, 2)
    counters.hand_over(app)
    with app.app_context():
        db.session.add(CounterBatch(source="other:1", counts={f"{TODAY}|{moon}|view": 10}))
        db.session.commit()
    assert fold(app) == (2, 12)
    assert figures(app)[(TODAY, moon, "view")] == 15


def test_the_day_is_the_shops_not_utcs(app, products):
    """23:59 in Seoul is the same day, 00:00 the next, though both are mid-afternoon in UTC."""
    moon = products[0]
    midnight = counters.local_day(NOW, SEOUL)
    first = NOW.astimezone(SEOUL).replace(hour=23, minute=59, second=59)
    count(app, "view", moon, now=first)
    count(app, "view", moon, now=first + timedelta(seconds=1))
    counters.hand_over(app)
    fold(app)
    assert figures(app) == {(midnight, moon, "view"): 1,
                            (midnight + timedelta(days=1), moon, "view"): 1}
    # In UTC both moments are on one day: the zone decides.
    assert first.astimezone(ZoneInfo("UTC")).date() == (first + timedelta(seconds=1)).astimezone(
        ZoneInfo("UTC")).date()


def test_a_tally_is_safe_to_share_between_threads():
    tally = counters.Tally()

    def hammer():
        for _ in range(5000):
            tally.record("view", 7, TODAY)

    threads = [threading.Thread(target=hammer) for _ in range(4)]
    for thread in threads:
        thread.start()
    taken = []
    for _ in range(50):  # hand-overs while counting: nothing lost, nothing twice
        taken.append(tally.take())
    for thread in threads:
        thread.join()
    taken.append(tally.take())
    assert sum(t.get((TODAY, 7, "view"), 0) for t in taken) == 20000


def test_unknown_kinds_are_refused_and_a_full_tally_drops_new_keys():
    tally = counters.Tally(limit=2)
    assert not tally.record("like", 1, TODAY)
    assert tally.record("view", 1, TODAY) and tally.record("view", 2, TODAY)
    assert not tally.record("view", 3, TODAY)
    assert tally.record("view", 1, TODAY)  # a key already there still counts
    assert tally.pending() == {(TODAY, 1, "view"): 2, (TODAY, 2, "view"): 1}
    assert tally.dropped == 1


def test_a_hand_over_the_database_refuses_keeps_the_counts_for_the_next(app, products):
    moon = products[0]
    count(app, "view", moon, 2)
    with app.app_context():
        db.session.execute(text("ALTER TABLE counter_batch RENAME TO elsewhere"))
        db.session.commit()
    assert counters.hand_over(app) == 0
    assert counters.tally(app).pending() == {(TODAY, moon, "view"): 2}
    count(app, "view", moon)  # counted meanwhile
    with app.app_context():
        db.session.execute(text("ALTER TABLE elsewhere RENAME TO counter_batch"))
        db.session.commit()
    assert counters.hand_over(app) == 1
    fold(app)
    assert figures(app) == {(TODAY, moon, "view"): 3}


def test_two_workers_folding_at_once_add_each_batch_once(app, products, monkeypatch):
    """Both list the same batches, then both try to fold them at the same moment: the DELETE
    that claims a batch lets one of them add it; the other adds nothing."""
    moon, bowl = products
    for views in (4, 6):
        count(app, "view", moon, views)
        count(app, "cart", bowl)
        counters.hand_over(app)
    both_listed = threading.Barrier(2, timeout=20)
    real = counters.fold_batch
    first_call = threading.local()

    def together(batch_id):
        if not getattr(first_call, "done", False):
            first_call.done = True
            both_listed.wait()
        return real(batch_id)

    monkeypatch.setattr(counters, "fold_batch", together)
    results, errors = [], []

    def run():
        try:
            with app.app_context():
                results.append(counters.fold())
        except Exception as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sum(folded for folded, _added in results) == 2
    assert sum(added for _folded, added in results) == 12
    assert figures(app) == {(TODAY, moon, "view"): 10, (TODAY, bowl, "cart"): 2}
    assert batches(app) == 0


def test_a_worker_dying_mid_fold_loses_nothing_and_counts_nothing_twice(app, products,
                                                                         monkeypatch):
    """The batch was handed over; the worker took it (its DELETE ran) and died before the
    commit: the transaction is rolled back, the batch is still there, no figure moved. The
    next run adds it once."""
    moon = products[0]
    count(app, "view", moon, 5)
    counters.hand_over(app)

    def dies(rows):
        raise SystemExit("worker killed")

    monkeypatch.setattr(counters, "_upsert", dies)
    with pytest.raises(SystemExit):
        fold(app)
    assert batches(app) == 1 and figures(app) == {}
    monkeypatch.undo()
    assert fold(app) == (1, 5)
    assert fold(app) == (0, 0)
    assert figures(app) == {(TODAY, moon, "view"): 5}


def test_the_worker_job_folds_what_the_web_processes_handed_over(app, products):
    moon = products[0]
    count(app, "view", moon, 2)
    counters.hand_over(app)
    app.config["CLOCK"] = lambda: NOW
    lines = []
    worker.run_jobs(app, None, None, lines.append, registry=worker._only(("flush-counters",)))
    assert figures(app) == {(TODAY, moon, "view"): 2}
    assert any("folded 1 batch" in line for line in lines)


def test_a_batch_naming_a_deleted_product_or_nonsense_is_folded_without_it(app, products):
    moon = products[0]
    with app.app_context():
        db.session.add(CounterBatch(source="old:1", counts={
            f"{TODAY}|{moon}|view": 2, f"{TODAY}|999999|view": 4, "garbage": 1,
            f"{TODAY}|{moon}|like": 3, f"{TODAY}|{moon}|cart": -2}))
        db.session.commit()
    assert fold(app) == (1, 2)
    assert figures(app) == {(TODAY, moon, "view"): 2} and batches(app) == 0


def test_a_forked_process_starts_with_nothing_of_its_parents_counts(app, products):
    """gunicorn forks workers: a child must not hand over what its parent counted (the parent
    does), nor believe it has a hand-over thread."""
    moon = products[0]
    count(app, "view", moon, 3)
    tally = counters.tally(app)
    tally.thread = object()  # as if the parent's thread were running
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        try:
            os.write(write, repr((tally.pending(), tally.thread)).encode())
        finally:
            os._exit(0)
    os.close(write)
    seen = os.read(read, 1000).decode()
    os.waitpid(pid, 0)
    tally.thread = None
    assert seen == "({}, None)"
    assert tally.pending() == {(TODAY, moon, "view"): 3}  # the parent keeps its own


def test_the_hand_over_thread_starts_with_the_first_count_and_writes_batches(app, products):
    import time
    app.config["COUNTER_HANDOVER_SECONDS"] = 0.05
    moon = products[0]
    count(app, "view", moon)
    assert counters.tally(app).thread is not None
    for _ in range(100):
        if batches(app):
            break
        time.sleep(0.05)
    counters.tally(app).thread = "stopped"  # ends the thread's loop
    assert batches(app) == 1
    fold(app)
    assert figures(app) == {(TODAY, moon, "view"): 1}


def test_keys_are_read_back_as_written():
    key = (date(2026, 3, 3), 12, "cart")
    assert counters.decode(counters.encode(key)) == key
    assert counters.decode("2026-03-03|0|view") is None
    assert counters.decode("2026-13-03|1|view") is None


def test_a_cart_add_counts_only_once_committed(app, make):
    from domain import cart as carts
    product = make.product(title="Moon jar")
    with app.test_request_context():
        guest = carts.GuestCart({})
        carts.add(guest, product["variant_ids"][0], 1, now=NOW)
        db.session.rollback()  # a request that failed later
        assert counters.tally(app).pending() == {}
        carts.add(guest, product["variant_ids"][0], 1, now=NOW)
        transaction.finish(True)
        assert counters.tally(app).pending() == {
            (counters.local_day(NOW, ZoneInfo("UTC")), product["id"], "cart"): 1}


def test_the_remembered_day_turns_at_the_shops_midnight_across_daylight_saving():
    """The tally remembers today's midnights instead of converting every count: it must still
    agree with the zone every quarter hour, over New York's spring-forward night."""
    from datetime import datetime, timezone
    new_york = ZoneInfo("America/New_York")
    today = counters.Tally().today
    moment = datetime(2026, 3, 7, 12, 0, tzinfo=timezone.utc)
    for _ in range(4 * 72):
        assert today(moment, new_york) == counters.local_day(moment, new_york), moment
        assert today(moment, SEOUL) == counters.local_day(moment, SEOUL), moment
        moment += timedelta(minutes=15)
