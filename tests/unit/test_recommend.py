""""Goes well with": pairs from delivered, not-returned orders over a minimum support, the one
source with its fallback chain (pairs, the merchant's picks, the category's best sellers), and
what is never suggested."""
from datetime import timedelta
from types import SimpleNamespace

import pytest

import worker
from domain import jobs, shopconfig
from domain.errors import ShopError
from domain.extensions import db
from domain.models import ProductPair, ScheduledJob
from domain.recommend import complements, pairs
from domain.recommend.suggest import bought_by, suggestions
from tests.recommend_helpers import NOW, order_of, products_named, return_line


@pytest.fixture
def shop(ctx, make):
    make.settings(currency="KRW", recommend_min_support=2, recommend_after_orders=3)
    cups = make.category("Cups")["id"]
    return products_named(make, ["Jar", "Cup", "Tray", "Spoon", "Vase", "Bowl"], category_id=cups)


def stored_pairs():
    return {(p.product_id, p.other_id): p.support for p in db.session.scalars(db.select(ProductPair))}


def compute():
    return pairs.compute(NOW, shopconfig.current())


def test_pairs_need_the_minimum_support_and_are_stored_both_ways(shop):
    jar, cup, tray = shop["Jar"], shop["Cup"], shop["Tray"]
    order_of([jar, cup, tray])
    order_of([jar, cup])
    order_of([cup, tray, tray])  # twice the same product in one order counts once
    compute()
    assert stored_pairs() == {(jar.id, cup.id): 2, (cup.id, jar.id): 2,
                              (cup.id, tray.id): 2, (tray.id, cup.id): 2}
    pairs.compute(NOW, SimpleNamespace(recommend_min_support=3))
    assert stored_pairs() == {}


def test_only_delivered_orders_count_and_returned_lines_are_ignored(shop):
    jar, cup = shop["Jar"], shop["Cup"]
    order_of([jar, cup])
    order_of([jar, cup], status="shipped")
    order_of([jar, cup], status="cancelled")
    compute()
    assert stored_pairs() == {}
    returned = order_of([jar, cup])
    return_line(returned, cup)
    compute()
    assert stored_pairs() == {}, "a returned cup is not a cup that went with the jar"
    rejected = order_of([jar, cup])
    return_line(rejected, cup, status="rejected")
    compute()
    assert stored_pairs()[(jar.id, cup.id)] == 2


def test_the_chain_goes_pairs_then_the_merchants_picks_then_best_sellers(shop):
    jar, cup, tray, spoon, vase = (shop[n] for n in ("Jar", "Cup", "Tray", "Spoon", "Vase"))
    # Nothing at all: no pairs, no picks, nothing sold yet.
    assert suggestions([jar.id], None).items == [] and suggestions([jar.id]).level is None
    # Best sellers of the same category.
    vase.sales_count, spoon.sales_count = 9, 3
    db.session.flush()
    found = suggestions([jar.id], None)
    assert found.products == [vase, spoon] and found.level == "best_sellers"
    # The merchant's picks come before best sellers.
    complements.replace(jar, complements.resolve("tray", jar.id))
    found = suggestions([jar.id], None)
    assert found.products == [tray, vase, spoon] and found.level == "best_sellers"
    assert [s.level for s in found.items] == ["complements", "best_sellers", "best_sellers"]
    assert suggestions([jar.id], None, limit=1).level == "complements"
    # Pairs come first.
    order_of([jar, cup])
    order_of([jar, cup])
    compute()
    found = suggestions([jar.id], None, limit=2)
    assert found.products == [cup, tray]
    assert [s.level for s in found.items] == ["pairs", "complements"]
    assert suggestions([jar.id], None, limit=1).level == "pairs"


def test_never_the_product_itself_a_sold_out_one_or_one_the_customer_bought(shop, make):
    jar, cup, tray, spoon = (shop[n] for n in ("Jar", "Cup", "Tray", "Spoon"))
    for _ in range(2):
        order_of([jar, cup, tray, spoon])
    compute()
    assert set(suggestions([jar.id]).products) == {cup, tray, spoon}
    assert jar not in suggestions([jar.id, cup.id]).products
    tray.stock_total = 0
    tray.status = "active"
    spoon.status = "draft"
    db.session.flush()
    assert suggestions([jar.id]).products == [cup]
    customer = make.user()
    order_of([cup], status="placed", user_id=customer["id"])
    assert bought_by(customer["id"]).product_ids() == {cup.id}
    assert suggestions([jar.id], exclude_product_ids=bought_by(customer["id"])).products == []
    assert suggestions([jar.id], exclude_product_ids=bought_by(None)).products == [cup]
    assert suggestions([jar.id], exclude_product_ids=[cup.id]).products == []


def test_complements_refuse_unknown_products_and_the_product_itself(shop):
    jar = shop["Jar"]
    with pytest.raises(ShopError, match="no-such"):
        complements.resolve("cup, no-such", jar.id)
    with pytest.raises(ShopError):
        complements.resolve("jar", jar.id)
    assert complements.of(jar.id) == []
    complements.replace(jar, complements.resolve("https://shop.example/products/vase/, cup"))
    assert complements.as_text(jar.id) == "vase, cup"


def test_the_job_runs_nightly_and_at_once_after_enough_deliveries(app, shop):
    """Registered as "recommend-pairs"; deliveries past the setting move it to now."""
    job = next(j for j in jobs.REGISTRY if j.name == "recommend-pairs")
    assert isinstance(job.schedule, jobs.Daily) and job.run is worker.recommend_pairs
    later = NOW + timedelta(hours=10)
    db.session.add(ScheduledJob(name="recommend-pairs", next_due_at=later, started_at=NOW))
    db.session.flush()
    config = shopconfig.current()
    moved_at = NOW + timedelta(minutes=5)
    order_of([shop["Jar"]], delivered_at=moved_at)
    order_of([shop["Cup"]], delivered_at=moved_at)
    assert pairs.nudge(moved_at, config) is False  # 2 of 3
    order_of([shop["Tray"]], delivered_at=moved_at)
    assert pairs.nudge(moved_at, config) is True
    db.session.expire_all()
    assert db.session.get(ScheduledJob, "recommend-pairs").next_due_at == moved_at
    assert pairs.nudge(moved_at, config) is False  # already due


def test_two_workers_compute_the_pairs_once(app, make):
    """The job's claim lets one of two racing workers run it; the other finds it done."""
    from tests.concurrency_helpers import race
    from tests.unit.test_jobs import Clock, run_due
    registry = jobs.Registry()
    registry.register("recommend-pairs", jobs.Daily("03:15"))(worker.recommend_pairs)
    clock = Clock(NOW)
    run_due(app, registry, clock)  # first pass: schedules the night's run
    clock.now = NOW + timedelta(days=1)
    results = race([lambda: run_due(app, registry, clock) for _ in range(2)])
    assert sorted(len(r) for r in results) == [0, 1]
