"""Checkout under real concurrency: a threaded server on the test database (a SQLite file
unless TEST_DATABASE_URL points at PostgreSQL), many buyers at once.

Each buyer is a thread with its own cookie jar, as a browser would be: it adds the jar to its
cart and opens /checkout, then all of them press "Place order" together.
"""
import http.cookiejar
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from werkzeug.serving import make_server

from domain.extensions import db
from domain.models import Order
from tests.checkout_helpers import ADDRESS, CSRF_RE, TOKEN_RE, count_orders, krw_shop, stock_of


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Buyer:
    """A browser: its own cookies; answers as (status, Location, body)."""

    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect())

    def request(self, path, data=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, data=body, timeout=60) as response:
                return response.status, response.headers.get("Location", ""), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Location", ""), error.read().decode()

    def ready_to_pay(self, shop):
        """Cart holds one small jar; returns the checkout form as the page hands it out."""
        status, _, html = self.request("/products/moon-jar")
        assert status == 200
        status, _, _ = self.request("/cart/add", {
            "csrf_token": CSRF_RE.search(html).group(1), "product": "moon-jar",
            "variant_id": shop["small"], "quantity": 1})
        assert status == 303
        status, _, html = self.request("/checkout")
        assert status == 200, html[:300]
        return {"csrf_token": CSRF_RE.search(html).group(1),
                "checkout_token": TOKEN_RE.search(html).group(1), "email": "buyer@example.com",
                **ADDRESS, "shipping_method": shop["standard"], "payment_method": "bank_transfer"}


@pytest.fixture
def server(app):
    """The app on a real threaded HTTP server, as in production, on the test's SQLite file."""
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    httpd.request_queue_size = 128
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join(timeout=5)


def race(jobs):
    """Run the callables together, released at the same instant."""
    barrier = threading.Barrier(len(jobs))

    def run(job):
        barrier.wait()
        return job()

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        return list(pool.map(run, jobs))


def test_fifty_buyers_race_for_the_last_five(app, make, server):
    """Exactly five orders, stock 0; everyone else is told it sold out. No 500, no lock error."""
    shop = krw_shop(make, stock=5)
    buyers = [Buyer(server) for _ in range(50)]
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


def test_twenty_submissions_of_the_same_token_make_one_order(app, make, server):
    """The same form sent 20 times at once (same cookies): one order, every answer shows it."""
    shop = krw_shop(make, stock=10)
    buyer = Buyer(server)
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
