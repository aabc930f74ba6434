"""The footer's "Secure checkout" and the HSTS header are only there when the connection is
HTTPS: this request's own scheme, or the proxy's X-Forwarded-Proto when TRUST_PROXY=1."""
import pytest

from domain.extensions import db
from shop import create_app

NOTE = "Secure checkout: your connection and payment details are encrypted"
HSTS = "Strict-Transport-Security"
FORWARDED_HTTPS = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}


@pytest.fixture
def jar(make):
    make.settings(name="Moonjar Studio", currency="KRW")
    return make.product("Moon jar", price=39000, stock=3)


@pytest.fixture
def proxied(app):
    """The same shop and database, started with TRUST_PROXY=1 as behind nginx or Caddy."""
    proxied_app = create_app({**app.config, "TRUST_PROXY": True})
    yield proxied_app.test_client()
    with proxied_app.app_context():
        db.session.remove()
        db.engine.dispose()


def get(client, path, **kwargs):
    response = client.get(path, **kwargs)
    assert response.status_code == 200, path
    return response


def test_plain_http_makes_no_claim_of_encryption(client, jar):
    """Over HTTP the footer does not say the connection is encrypted, and sends no HSTS."""
    for path in ("/", f"/products/{jar['slug']}", "/policies/shipping"):
        response = get(client, path)
        assert NOTE not in response.get_data(as_text=True), path
        assert HSTS not in response.headers, path


def test_https_says_so_and_asks_browsers_to_keep_to_it(client, jar):
    """wsgi.url_scheme=https: the note is in the footer and HSTS asks for a year of HTTPS."""
    response = get(client, f"/products/{jar['slug']}", base_url="https://shop.example")
    assert NOTE in response.get_data(as_text=True)
    assert response.headers[HSTS] == "max-age=31536000"


def test_behind_a_trusted_proxy_its_https_counts(proxied, jar):
    """TRUST_PROXY=1: the proxy's X-Forwarded-Proto: https makes the request secure."""
    response = get(proxied, f"/products/{jar['slug']}", headers=FORWARDED_HTTPS)
    assert NOTE in response.get_data(as_text=True)
    assert response.headers[HSTS] == "max-age=31536000"
    plain = get(proxied, f"/products/{jar['slug']}")
    assert NOTE not in plain.get_data(as_text=True) and HSTS not in plain.headers


def test_without_proxy_trust_a_forwarded_header_proves_nothing(client, jar):
    """Anyone can send X-Forwarded-Proto; without TRUST_PROXY it changes nothing."""
    response = get(client, f"/products/{jar['slug']}", headers=FORWARDED_HTTPS)
    assert NOTE not in response.get_data(as_text=True)
    assert HSTS not in response.headers


def test_the_page_cache_keeps_http_and_https_copies_apart(client, jar, count_queries):
    """A page first built for an HTTPS visitor is not served with its note over HTTP, nor the
    other way round, even from the cache."""
    path = f"/products/{jar['slug']}"
    get(client, path, base_url="https://shop.example")
    get(client, path)
    with count_queries() as queries:
        secure = get(client, path, base_url="https://shop.example").get_data(as_text=True)
        plain = get(client, path).get_data(as_text=True)
    assert queries == []  # cache hits
    assert NOTE in secure and NOTE not in plain


def test_behind_a_proxy_only_the_proxys_own_connections_are_believed(app, jar):
    """TRUST_PROXY=1: X-Forwarded-Proto counts from the proxy's address (the loopback by
    default, TRUST_PROXY_FROM otherwise), not from a visitor who reaches the shop directly."""
    path = f"/products/{jar['slug']}"
    local = create_app({**app.config, "TRUST_PROXY": True}).test_client()
    outsider = get(local, path, headers=FORWARDED_HTTPS,
                   environ_base={"REMOTE_ADDR": "198.51.100.20"})
    assert NOTE not in outsider.get_data(as_text=True) and HSTS not in outsider.headers

    remote = create_app({**app.config, "TRUST_PROXY": True,
                         "TRUST_PROXY_FROM": "10.0.0.0/24"}).test_client()
    proxied = get(remote, path, headers=FORWARDED_HTTPS, environ_base={"REMOTE_ADDR": "10.0.0.5"})
    assert proxied.headers[HSTS] == "max-age=31536000"
    assert HSTS not in get(remote, path, headers=FORWARDED_HTTPS).headers  # from 127.0.0.1


def test_a_mistyped_proxy_address_stops_the_shop_from_starting(app):
    with pytest.raises(ValueError, match="TRUST_PROXY_FROM: '10.0.0.300' is not an IP"):
        create_app({**app.config, "TRUST_PROXY": True, "TRUST_PROXY_FROM": "10.0.0.300"})
