"""Rate limits counted in the shop's database (domain/ratelimit.py): what every worker process
reads and adds to, on SQLite and PostgreSQL."""
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from limits.storage import storage_from_string

from domain.extensions import db
from domain.models import RateLimitCounter
from domain.ratelimit import SWEEP_SECONDS, DatabaseStorage

T0 = 1_800_000_000.0


class Clock:
    def __init__(self):
        self.now = T0

    def __call__(self):
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def storage(ctx, clock):
    return DatabaseStorage(clock=clock)


def rows():
    return db.session.execute(db.select(RateLimitCounter.key, RateLimitCounter.count)
                              .order_by(RateLimitCounter.key)).all()


def test_the_shops_database_is_the_storage_flask_limiter_builds(ctx):
    """RATELIMIT_STORAGE_URI unset: the limiter counts in the shop's database."""
    from domain.extensions import limiter
    assert isinstance(limiter.storage, DatabaseStorage)
    assert isinstance(storage_from_string("shopdb://"), DatabaseStorage)
    assert limiter.storage.check()


def test_hits_add_up_per_key(storage):
    """Each hit returns the window's count with it; other keys are counted apart."""
    assert [storage.incr("login/10.0.0.1", 60) for _ in range(3)] == [1, 2, 3]
    assert storage.incr("login/10.0.0.2", 60) == 1
    assert storage.incr("login/10.0.0.1", 60, amount=2) == 5
    assert storage.get("login/10.0.0.1") == 5
    assert storage.get("login/10.0.0.2") == 1
    assert storage.get("login/never") == 0


def test_the_window_is_fixed_at_the_first_hit_and_then_starts_over(storage, clock):
    """A minute from the first hit the count is back to zero, whatever came between."""
    storage.incr("key", 60)
    clock.now += 59
    assert storage.incr("key", 60) == 2
    assert storage.get_expiry("key") == T0 + 60
    clock.now = T0 + 60
    assert storage.get("key") == 0
    assert storage.get_expiry("key") == clock.now
    assert storage.incr("key", 60) == 1
    assert storage.get_expiry("key") == T0 + 120


def test_clear_forgets_one_key_and_reset_forgets_all(storage):
    """clear(key) (one visitor's limit) and reset() (the test suite's) empty what they name."""
    for key in ("a", "a", "b", "c"):
        storage.incr(key, 60)
    storage.clear("a")
    assert (storage.get("a"), storage.get("b")) == (0, 1)
    assert storage.reset() == 2
    assert rows() == []


def test_a_hit_counts_when_the_request_is_rolled_back(storage):
    """A failed attempt (a 422 or a 429) rolls its request back; the attempt still counts."""
    storage.incr("login/10.0.0.1", 60)
    db.session.add(RateLimitCounter(key="written by the request", expires_at=T0 + 60, count=7))
    db.session.flush()
    db.session.rollback()
    assert storage.get("login/10.0.0.1") == 1
    assert storage.get("written by the request") == 0


def test_ended_windows_are_swept_away_by_later_hits(storage, clock):
    """Rows of ended windows go at the next hit, at most once a minute per process."""
    storage.incr("short", 1)
    storage.incr("long", 3600)
    clock.now += 2
    storage.incr("other", 60)
    assert [key for key, _ in rows()] == ["long", "other", "short"]  # swept less than a minute ago
    clock.now = T0 + SWEEP_SECONDS
    storage.incr("other", 60)
    assert rows() == [("long", 1), ("other", 2)]


def test_a_very_long_key_is_counted_and_kept_apart(storage):
    """An email key carries whatever was typed: long ones fit the column and stay distinct."""
    first, second = "reset-email:" + "a" * 5000, "reset-email:" + "a" * 4999 + "b"
    assert [storage.incr(first, 60) for _ in range(2)] == [1, 2]
    assert storage.incr(second, 60) == 1
    assert storage.get(first) == 2
    assert all(len(key) <= 255 for key, _ in rows())


def test_hits_at_the_same_instant_each_get_their_own_count(ctx, clock):
    """Twenty hits at once, each on its own connection: counts 1 to 20, none lost or repeated."""
    storage = DatabaseStorage(engine=db.engine, clock=clock)
    barrier = threading.Barrier(20)

    def hit(_):
        barrier.wait()
        return storage.incr("login/10.0.0.1", 60)

    with ThreadPoolExecutor(max_workers=20) as pool:
        counts = list(pool.map(hit, range(20)))
    assert sorted(counts) == list(range(1, 21))
    assert storage.get("login/10.0.0.1") == 20
