"""The shop behind Caddy, for real: Debian's caddy with deploy/Caddyfile (its own certificate
authority instead of Let's Encrypt, on loopback and free ports) in front of gunicorn started
as deploy/moonjar-web.service starts it, with TRUST_PROXY=1 and SESSION_COOKIE_SECURE=1 and the
data in a temporary INSTANCE_PATH."""
import re
import shutil

import pytest

from tests.deploy.deploy_helpers import Visitor, start_caddy, start_gunicorn, stop
from tests.page_helpers import csrf_of

pytestmark = pytest.mark.sqlite_only

SECURE_NOTE = "Secure checkout: your connection and payment details are encrypted"
TOO_MANY = "Too many attempts in a short time. Please wait a minute and try again."
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
SIGN_IN_LIMIT = 10  # a minute, per address (blueprints/account/routes.py)
WRONG = {"email": "nobody@example.com", "password": "not the password"}


@pytest.fixture(scope="module")
def stack(database_template, tmp_path_factory):
    """gunicorn and Caddy in front of it, for the tests of this module; always stopped."""
    caddy = shutil.which("caddy")
    # Not a skip: .ci/run installs it (Debian: apt-get install caddy).
    assert caddy, "caddy is not installed (Debian: apt-get install caddy)"
    tmp = tmp_path_factory.mktemp("behind-caddy")
    instance = tmp / "instance"
    instance.mkdir()
    shutil.copyfile(database_template, instance / "shop.sqlite")
    env = dict.fromkeys(("DATABASE_URL", "SECRET_KEY", "RATELIMIT_STORAGE_URI",
                         "TRUST_PROXY_FROM"))  # unset: the instance folder's and defaults
    env.update(INSTANCE_PATH=str(instance), TRUST_PROXY="1", SESSION_COOKIE_SECURE="1",
               SHOP_URL="https://localhost", SMTP_URL="")
    gunicorn = start_gunicorn(tmp, env)
    try:
        caddy_proc, https, http, ca = start_caddy(caddy, tmp,
                                                  gunicorn.base.removeprefix("http://"))
        try:
            yield {"https": https, "http": http, "ca": ca, "direct": gunicorn.base,
                   "instance": instance}
        finally:
            stop(caddy_proc)
    finally:
        gunicorn.stop()


def test_over_https_the_shop_knows_it_is_secure(stack):
    """The footer's secure note (only when request.is_secure), HSTS, a Secure session cookie,
    and the data where INSTANCE_PATH says."""
    visitor = Visitor(stack["https"], ca=stack["ca"])
    status, headers, html = visitor.get("/")
    assert status == 200
    assert SECURE_NOTE in html
    assert headers["Strict-Transport-Security"] == "max-age=31536000"
    assert headers["Set-Cookie"] is None  # a first visit is sent no cookie at all
    # Choosing a language is the first thing this visitor's session remembers.
    status, headers, _ = visitor.request("POST", "/language",
                                         {"csrf_token": csrf_of(html), "lang": "ko", "next": "/"},
                                         headers={"Referer": stack["https"] + "/"})
    assert status == 303
    cookie = headers["Set-Cookie"]
    assert cookie.startswith("session=") and "; Secure" in cookie and "; HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert (stack["instance"] / "secret_key").exists()


def test_plain_http_is_sent_to_https(stack):
    """Caddy answers plain HTTP with a permanent redirect to the same address over HTTPS.
    (It names no port: Caddy takes https_port for an inside port behind a forwarded 443.)"""
    status, headers, _ = Visitor(stack["http"]).get("/products/?sort=new")
    assert status == 308
    assert headers["Location"] == "https://localhost/products/?sort=new"


def test_the_request_id_is_caddys(stack):
    """Caddy's id for the request reaches the shop (header_up X-Request-ID) and comes back;
    an id the visitor sends is replaced."""
    status, headers, _ = Visitor(stack["https"], ca=stack["ca"]).get(
        "/", headers={"X-Request-ID": "chosen-by-the-visitor"})
    assert status == 200
    assert UUID.fullmatch(headers["X-Request-ID"]), headers["X-Request-ID"]


def test_rate_limits_count_the_address_caddy_saw(stack):
    """Ten wrong passwords through Caddy lock that visitor out, and a forged X-Forwarded-For
    does not get them out of it (Caddy puts the address it saw there). Another visitor, whose
    address the proxy forwards, still signs in."""
    through_caddy = Visitor(stack["https"], ca=stack["ca"])
    statuses = [through_caddy.submit("/account/login", WRONG)[0] for _ in range(SIGN_IN_LIMIT)]
    assert statuses == [422] * SIGN_IN_LIMIT
    status, _, html = through_caddy.submit("/account/login", WRONG)
    assert status == 429 and TOO_MANY in html

    forging = Visitor(stack["https"], ca=stack["ca"],
                      headers={"X-Forwarded-For": "198.51.100.7"})
    assert forging.submit("/account/login", WRONG)[0] == 429

    # What the proxy sends for a visitor at 198.51.100.7: that visitor is not locked out.
    other = Visitor(stack["direct"], headers={"X-Forwarded-For": "198.51.100.7",
                                              "X-Forwarded-Proto": "https"})
    status, _, html = other.submit("/account/login", WRONG,
                                   scheme_host=stack["direct"].replace("http:", "https:"))
    assert status == 422, html[:300]


def test_forwarded_headers_from_outside_the_proxy_count_for_nothing(stack):
    """A visitor reaching gunicorn directly from another address (127.0.0.2 stands for the
    outside) cannot pick a new X-Forwarded-For for each attempt to dodge the limit, nor claim
    HTTPS with X-Forwarded-Proto."""
    def outsider(n):
        return Visitor(stack["direct"], source="127.0.0.2",
                       headers={"X-Forwarded-For": f"203.0.113.{n}", "X-Forwarded-Proto": "https"})
    status, headers, html = outsider(0).get("/")
    assert status == 200
    assert SECURE_NOTE not in html and "Strict-Transport-Security" not in headers
    statuses = [outsider(n).submit("/account/login", WRONG)[0]
                for n in range(1, SIGN_IN_LIMIT + 2)]
    assert statuses == [422] * SIGN_IN_LIMIT + [429]
