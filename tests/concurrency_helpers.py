"""Many browsers at once against the app on a real threaded server (the `server` fixture).

Each Buyer is a browser with its own cookie jar; race() releases their requests together.
"""
import http.cookiejar
import threading
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from tests.checkout_helpers import ADDRESS, TOKEN_RE
from tests.page_helpers import csrf_of


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Buyer:
    """A browser: its own cookies; answers as (status, Location, body). `headers` go with
    every request (X-Forwarded-For: a browser elsewhere, behind the shop's proxy)."""

    def __init__(self, base, headers=None):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect())
        self.opener.addheaders = [*self.opener.addheaders, *(headers or {}).items()]

    def request(self, path, data=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, data=body, timeout=60) as response:
                return response.status, response.headers.get("Location", ""), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Location", ""), error.read().decode()

    def sign_in(self, user):
        """Sign in through the form, as the user would in this browser."""
        _, _, html = self.request("/account/login")
        status, _, _ = self.request("/account/login", {
            "csrf_token": csrf_of(html), "email": user["email"], "password": user["password"]})
        assert status == 303
        return self

    def ready_to_pay(self, shop):
        """Cart holds one small jar; returns the checkout form as the page hands it out."""
        status, _, html = self.request("/products/moon-jar")
        assert status == 200
        status, _, _ = self.request("/cart/add", {
            "csrf_token": csrf_of(html), "product": "moon-jar",
            "variant_id": shop["small"], "quantity": 1})
        assert status == 303
        status, _, html = self.request("/checkout")
        assert status == 200, html[:300]
        return {"csrf_token": csrf_of(html),
                "checkout_token": TOKEN_RE.search(html).group(1), "email": "buyer@example.com",
                **ADDRESS, "shipping_method": shop["standard"], "payment_method": "bank_transfer"}


def race(jobs):
    """Run the callables together, released at the same instant."""
    barrier = threading.Barrier(len(jobs))

    def run(job):
        barrier.wait()
        return job()

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        return list(pool.map(run, jobs))
