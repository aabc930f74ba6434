"""Checkout under real concurrency: a threaded server on the test database (a SQLite file
unless TEST_DATABASE_URL points at PostgreSQL), many buyers at once.

Each buyer is a thread with its own cookie jar, as a browser would be: it adds the jar to its
cart and opens /checkout, then all of them press "Place order" together.
"""
import re
from concurrent.futures import ThreadPoolExecutor

from domain.extensions import db
from domain.models import Order
from tests.checkout_helpers import count_orders, krw_shop, stock_of
from tests.concurrency_helpers import Buyer, race


def test_fifty_buyers_race_for_the_last_five(app, make, live_server):
    """Exactly five orders, stock 0; everyone else is told it sold out. No 500, no lock error."""
    shop = krw_shop(make, stock=5)
    buyers = [Buyer(live_server) for _ in range(50)]
    with ThreadPoolExecutor(max_workers=10) as pool:
        forms = list(pool.map(lambda b: b.ready_to_pay(shop), buyers))

    answers = race([lambda b=b, f=f: b.request("/checkout", f) for b, f in zip(buyers, forms)])

    statuses = sorted(status for status, _, _ in answers)
    placed = [location for status, location, _ in answers if status == 303]
    refused = [body for status, _, body in answers if status != 303]
    print(f"\n50 buyers, 5 units: {statuses.count(303)} orders, "
          f"{statuses.count(422)} sold-out answers, other statuses {set(statuses) - {303, 422}}")
    assert len(placed) == 5 and all(re.match(r"^/orders/[A-Z0-9-]{8}\?", p) for p in placed)
    assert len(refused) == 45
    for body in refused:
        assert "database is locked" not in body
        assert "Sorry, Moon jar (Small) is sold out." in body
    assert statuses == [303] * 5 + [422] * 45
    with app.app_context():
        assert count_orders() == 5
        assert stock_of(shop["small"]) == 0
        assert len({o.number for o in db.session.scalars(db.select(Order))}) == 5


def test_twenty_submissions_of_the_same_token_make_one_order(app, make, live_server):
    """The same form sent 20 times at once (same cookies): one order, every answer shows it."""
    shop = krw_shop(make, stock=10)
    buyer = Buyer(live_server)
    form = buyer.ready_to_pay(shop)

    answers = race([lambda: buyer.request("/checkout", form) for _ in range(20)])

    statuses = [status for status, _, _ in answers]
    locations = {location.split("?")[0] for _, location, _ in answers}
    print(f"\n20 submissions of one token: statuses {sorted(set(statuses))}, "
          f"{len(locations)} distinct order page(s)")
    assert statuses == [303] * 20
    assert len(locations) == 1
    with app.app_context():
        assert count_orders() == 1
        assert stock_of(shop["small"]) == 9
