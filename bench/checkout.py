"""The checkout scenario of `make bench`: one-click orders per second with concurrent buyers.

wrk cannot carry what a real purchase needs (a signed-in session, the CSRF token and a fresh
one-time checkout token per order), so this scenario drives the same gunicorn server with
Python threads instead. Each thread is a customer with a default address and preferences:
it signs in through the real form, then loops for the run's duration: GET the product page
(signed in, so rendered fresh), read the one-click button's tokens, POST /checkout/buy-now.
The POST's latency is the figure: the whole order, stock taken in its transaction, committed.
"""
import http.client
import re
import threading
import time
import urllib.parse
from pathlib import Path

from bench.load import BROWSER_AGENT

CUSTOMERS = 10
PASSWORD = "bench-password-123"
# Enough units that a run never sells out: the figure is for placing orders, not refusing them.
STOCK = 1_000_000
SLUG = "bench-one-click-mug"
FIELD_RE = re.compile(r'<input type="hidden" name="(csrf_token|checkout_token|expected_total|'
                      r'variant_id|product|source)" value="([^"]*)"')


def prepare(database_uri, instance_dir, customers=CUSTOMERS):
    """Add the scenario's product and customers to a built bench shop (before serving it)."""
    from domain.accounts import register
    from domain.extensions import db
    from domain.models import Address, ShippingMethod
    from domain.products import create_product
    from domain.shopconfig import changed
    from shop import create_app

    app = create_app({
        "SQLALCHEMY_DATABASE_URI": database_uri, "SECRET_KEY": "bench-prepare",
        "UPLOAD_FOLDER": str(Path(instance_dir) / "uploads"),
        "STOREFRONT_VERSION_FILE": str(Path(instance_dir) / "storefront.version"),
    })
    with app.test_request_context():
        create_product(title="Bench one-click mug", slug=SLUG, variants=[
            {"sku": "BENCH-1CLICK", "price": 18000, "stock": STOCK}])
        standard = db.session.scalar(db.select(ShippingMethod).where(ShippingMethod.name == "Standard"))
        emails = []
        for n in range(customers):
            user = register(f"buyer{n}@example.com", PASSWORD, name=f"Buyer {n}")
            user.preferred_payment_method = "bank_transfer"
            user.preferred_shipping_method_id = standard.id if standard else None
            db.session.add(Address(user_id=user.id, label="Home", name=f"Buyer {n}",
                                   line1=f"{n} Benchmark-ro", city="Seoul", region="Domestic",
                                   country="KR", is_default=True))
            emails.append(user.email)
        db.session.commit()
        changed()
        db.session.remove()
        db.engine.dispose()
    return {"product_path": f"/products/{SLUG}", "emails": emails}


class Client:
    """One keep-alive connection with its own cookies, as one browser tab would have."""

    def __init__(self, base):
        parts = urllib.parse.urlsplit(base)
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        self.cookies = {}

    def request(self, method, path, form=None):
        # The browser's User-Agent wrk sends too: a signed-in session is tied to it
        # (Flask-Login's session protection), so both must be the same browser.
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
                   "User-Agent": BROWSER_AGENT}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            # gunicorn closes keep-alive connections idle for 2 s (while the others sign in);
            # a browser then reconnects and sends again, and so may we: buy-now is idempotent
            # by its checkout token.
            self.connection.close()
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        html = response.read().decode("utf-8", "replace")
        for header in response.headers.get_all("Set-Cookie") or ():
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, html

    def close(self):
        self.connection.close()


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _fields(html):
    return dict(FIELD_RE.findall(html))


def _sign_in(client, email):
    _, html = client.request("GET", "/account/login")
    status, _ = client.request("POST", "/account/login", {
        "csrf_token": CSRF_RE.search(html).group(1), "email": email, "password": PASSWORD})
    if status != 303:
        raise RuntimeError(f"signing in {email} answered {status}")


def _buyer(base, email, product_path, start, deadline, results):
    client = Client(base)
    try:
        try:
            _sign_in(client, email)
        except (OSError, http.client.HTTPException, RuntimeError, AttributeError) as error:
            results.append((None, f"sign-in failed: {error}"))
            start.abort()
            return
        start.wait()
        while time.monotonic() < deadline["at"]:
            status, html = client.request("GET", product_path)
            fields = _fields(html)
            if status != 200 or "checkout_token" not in fields:
                results.append((None, f"product page {status} without a one-click button"))
                continue
            began = time.monotonic()
            status, _ = client.request("POST", "/checkout/buy-now", {**fields, "quantity": 1})
            elapsed = time.monotonic() - began
            results.append((elapsed, None) if status == 303 else (elapsed, f"buy-now answered {status}"))
    except (OSError, http.client.HTTPException, threading.BrokenBarrierError) as error:
        results.append((None, str(error) or type(error).__name__))
    finally:
        client.close()


def _percentile(values, share):
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def run(base, info, seconds):
    """Every customer buys for `seconds`; returns a row shaped like a wrk scenario's."""
    results = []
    deadline = {"at": 0.0}

    def set_deadline():
        # Runs once, when every customer has signed in: the clock starts for all at once.
        deadline["began"] = time.monotonic()
        deadline["at"] = deadline["began"] + seconds

    start = threading.Barrier(len(info["emails"]), action=set_deadline)
    threads = [threading.Thread(target=_buyer, daemon=True, args=(
        base, email, info["product_path"], start, deadline, results)) for email in info["emails"]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 120)
    if "began" not in deadline:
        raise RuntimeError("checkout bench: the customers could not sign in: "
                           + "; ".join(sorted({e for _, e in results if e})))
    elapsed = time.monotonic() - deadline["began"]
    times = [t for t, error in results if t is not None and error is None]
    errors = [error for _, error in results if error]
    return {
        "rps": len(times) / elapsed if elapsed else 0.0, "requests": len(times),
        "p50_ms": _percentile(times, 0.50) * 1000, "p75_ms": _percentile(times, 0.75) * 1000,
        "p90_ms": _percentile(times, 0.90) * 1000, "p95_ms": _percentile(times, 0.95) * 1000,
        "p99_ms": _percentile(times, 0.99) * 1000, "max_ms": max(times, default=0) * 1000,
        "errors": len(errors), "error_detail": sorted(set(errors))[:5],
        "customers": len(info["emails"]),
    }
