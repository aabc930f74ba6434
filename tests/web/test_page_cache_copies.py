"""The stored copies of cached pages: compressed once for first-time visitors, who get no cookie,
and drawn with the signed-in customer's own parts, never another's."""
import gzip

import brotli
import pytest

from domain.extensions import db
from domain.models import Variant
from tests.checkout_helpers import (EXPECTED_TOTAL, add_to_cart, count_orders, give_credit,
                                    one_click_customer, token_of)
from tests.page_helpers import csrf_of, sign_in, text

PAGES = ["/", "/products/moon-jar", "/search?q=moon", "/c/jars"]


@pytest.fixture
def jar(make):
    category = make.category("Jars")
    return make.product("Moon jar", price=39000, stock=3, featured=True, category_id=category["id"])


@pytest.mark.parametrize("path", PAGES)
def test_a_compressed_copy_is_the_plain_page(app, jar, path):
    """br and gzip copies decompress to exactly the page sent uncompressed, with an ETag each."""
    client = app.test_client()
    client.get(path)  # stores the page
    plain = client.get(path, headers={"Accept-Encoding": "identity"})
    as_br = client.get(path, headers={"Accept-Encoding": "gzip, deflate, br, zstd"})
    as_gzip = client.get(path, headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in plain.headers
    assert as_br.headers["Content-Encoding"] == "br" and as_gzip.headers["Content-Encoding"] == "gzip"
    assert brotli.decompress(as_br.get_data()) == plain.get_data()
    assert gzip.decompress(as_gzip.get_data()) == plain.get_data()
    assert b"Moon jar" in plain.get_data()
    for response in (plain, as_br, as_gzip):
        assert {"Accept-Encoding", "Cookie", "HX-Request"} <= set(response.vary.as_set(preserve_casing=True))
    assert len({plain.headers["ETag"], as_br.headers["ETag"], as_gzip.headers["ETag"]}) == 3


def test_a_revisit_with_the_etag_gets_304(app, jar):
    """The browser's copy is confirmed without a body, until the merchant changes the page."""
    client = app.test_client()
    first = client.get("/products/moon-jar", headers={"Accept-Encoding": "br"})
    again = client.get("/products/moon-jar", headers={"Accept-Encoding": "br",
                                                      "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""
    with app.app_context():
        db.session.scalar(db.select(Variant)).price = 41000
        db.session.commit()
    changed = client.get("/products/moon-jar", headers={"Accept-Encoding": "br",
                                                        "If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and "$410.00" in brotli.decompress(changed.get_data()).decode()


@pytest.mark.parametrize("path", PAGES)
def test_a_first_visit_sets_no_cookie(app, jar, path):
    """Neither the page that fills the cache nor the ones served from it start a session."""
    for _ in range(2):
        response = app.test_client().get(path, headers={"Accept-Encoding": "br"})
        assert response.status_code == 200
        assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize("path", PAGES)
def test_a_stored_page_keeps_the_shops_headers(app, jar, path):
    """A first visit's page comes straight from the cache, yet with the headers every page has:
    the security headers, a request id of its own (the reference an error page would show) and
    a Vary naming what chose the copy."""
    client = app.test_client()
    client.get(path)  # stores the page
    first, second = (client.get(path, headers={"Accept-Encoding": "br"}) for _ in range(2))
    for response in (first, second):
        assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Cache-Control"] == "private, no-cache"
        assert response.headers["Date"] and response.headers["ETag"]
        assert {"Accept-Encoding", "Cookie", "HX-Request", "HX-Boosted", "HX-History-Restore-Request"} \
            <= set(response.vary.as_set(preserve_casing=True))
    assert first.headers["X-Request-ID"] != second.headers["X-Request-ID"]
    assert first.get_data() == second.get_data()


def test_a_stored_fragment_stays_a_fragment(app, jar):
    """htmx's request for the product's buy box gets the box from the cache, the page the page."""
    client = app.test_client()
    for _ in range(2):  # drawn and stored, then from the cache
        fragment = client.get("/products/moon-jar", headers={"HX-Request": "true"})
        assert "<html" not in fragment.get_data(as_text=True)
        assert 'id="buybox"' in fragment.get_data(as_text=True)
        assert "<html" in client.get("/products/moon-jar").get_data(as_text=True)


def test_pages_served_before_the_rate_limiter_carry_no_limit(app):
    """A first visit's stored page is sent before the rate limiter runs (pagecache.serve_stored):
    none of those pages may carry a limit, or it would not be counted for first visits."""
    from flask_limiter.util import get_qualified_name

    from domain.extensions import limiter

    served_first = [endpoint for endpoint, view in app.view_functions.items()
                    if getattr(view, "page_cache", None) == "shared"]
    assert {"products.home", "products.category", "products.search", "products.product"} \
        <= set(served_first)
    manager = limiter.limit_manager
    assert not manager.default_limits and not manager.application_limits
    for endpoint in served_first:
        assert not manager.decorated_limits(get_qualified_name(app.view_functions[endpoint])), endpoint
        assert not manager.blueprint_limits(app, endpoint.rpartition(".")[0]), endpoint


def test_the_first_visits_token_adds_to_the_cart_from_this_shop_only(app, jar):
    """The token on a first visit's page works from this shop's own form; sent from another site
    it changes nothing, and without it nothing is changed either."""
    form = {"variant_id": jar["variant_ids"][0], "product": "moon-jar"}
    token = csrf_of(app.test_client().get("/products/moon-jar").get_data(as_text=True))
    for headers in ({"Origin": "http://evil.example"}, {"Sec-Fetch-Site": "cross-site"},
                    {"Origin": "null"}, {"Sec-Fetch-Site": "same-site"}):
        refused = app.test_client().post("/cart/add", data={"csrf_token": token, **form}, headers=headers)
        assert refused.status_code == 400, headers
    missing = app.test_client().post("/cart/add", data=form, headers={"Sec-Fetch-Site": "same-origin"})
    assert missing.status_code == 400
    shopper = app.test_client()
    added = shopper.post("/cart/add", data={"csrf_token": token, **form},
                         headers={"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"})
    assert added.status_code == 303
    assert "1 item" in text(shopper.get("/cart"))


def test_the_shared_token_needs_proof_once_a_visitor_has_a_session(app, jar):
    """A visitor with a cart is not exposed by the shared token: without the browser saying the
    form came from this shop, only their own token is accepted."""
    form = {"variant_id": jar["variant_ids"][0], "product": "moon-jar"}
    shopper = app.test_client()
    shared = csrf_of(shopper.get("/products/moon-jar").get_data(as_text=True))
    assert shopper.post("/cart/add", data={"csrf_token": shared, **form}).status_code == 303
    assert shopper.post("/cart/add", data={"csrf_token": shared, **form}).status_code == 400
    assert shopper.post("/cart/add", data={"csrf_token": shared, **form},
                        headers={"Origin": "http://evil.example"}).status_code == 400
    assert shopper.post("/cart/add", data={"csrf_token": shared, **form},
                        headers={"Sec-Fetch-Site": "same-origin"}).status_code == 303
    assert "2 items" in text(shopper.get("/cart"))


def _customer(app, make, name, email):
    user = one_click_customer(app, make)
    with app.app_context():
        from domain.models import Address, User
        db.session.get(User, user["id"]).name = name
        db.session.scalar(db.select(Address).where(Address.user_id == user["id"])).label = name + " flat"
        db.session.commit()
    client = app.test_client()
    assert sign_in(client, user["email"], user["password"]).status_code == 303
    return client


def test_a_customer_never_sees_another_customers_parts(app, make, checkout_shop):
    """Two customers on the same cached pages: each sees their own cart count and one-click
    address, and the second one's pages come from the copy the first one filled."""
    minji = _customer(app, make, "Minji", "minji@example.com")
    jun = _customer(app, make, "Jun", "jun@example.com")
    add_to_cart(minji, checkout_shop["small"], quantity=2)
    for path in ("/", "/products/moon-jar", "/search?q=moon"):
        minji_page, jun_page = text(minji.get(path)), text(jun.get(path))
        assert 'aria-hidden="true">2<' in minji_page and 'aria-hidden="true">0<' in jun_page
        assert "Account</a>" in jun_page and "Sign in</a>" not in jun_page
        assert csrf_of(minji_page) != csrf_of(jun_page)
    minji_product, jun_product = text(minji.get("/products/moon-jar")), text(jun.get("/products/moon-jar"))
    assert "to Minji flat" in minji_product and "Jun flat" not in minji_product
    assert "to Jun flat" in jun_product and "Minji flat" not in jun_product


def test_a_price_change_reaches_the_customers_copy(app, make, checkout_shop):
    """The page and its one-click total follow the merchant's new price at once."""
    minji = _customer(app, make, "Minji", "minji@example.com")
    assert "Buy now: ₩42,000" in text(minji.get("/products/moon-jar"))
    with app.app_context():
        db.session.get(Variant, checkout_shop["small"]).price = 45000
        db.session.commit()
    page = text(minji.get("/products/moon-jar"))
    assert "₩45,000" in page and "Buy now: ₩48,000" in page


def test_the_kept_header_and_footer_are_each_visitors_own(app, make, client, login, jar):
    """Pages built per request reuse the site's header and footer: a visitor, a customer and a
    merchant each get their own header, and the footer's language form returns to this page."""
    assert "Sign in</a>" in text(client.get("/cart"))
    login(make.user())
    page = text(client.get("/cart"))
    assert "Account</a>" in page and "Sign in</a>" not in page and 'href="/admin' not in page
    assert 'name="next" value="/cart"' in page
    merchant = app.test_client()
    assert sign_in(merchant, make.user(merchant=True)["email"], "correct horse battery").status_code == 303
    assert 'href="/admin' in text(merchant.get("/cart"))
    assert 'name="next" value="/search?q=jar"' in text(client.get("/search?q=jar"))


def test_a_changed_shop_name_reaches_the_kept_header(app, make, client, jar):
    """The header kept for per-request pages follows the merchant's settings at once."""
    make.settings(name="Moonjar Studio")
    assert "Moonjar Studio</a>" in text(client.get("/cart"))
    make.settings(name="Full Moon Studio")
    page = text(client.get("/cart"))
    assert "Full Moon Studio</a>" in page and "Moonjar Studio" not in page


# The cart page is kept per cart and per one-click offer (blueprints/cart/context.py).

def _cart_buy_now(client):
    html = text(client.get("/cart"))
    return html, {"csrf_token": csrf_of(html), "source": "cart", "checkout_token": token_of(html),
                  "expected_total": EXPECTED_TOTAL.search(html).group(1)}


def test_a_customers_second_cart_view_reads_no_product(app, make, checkout_shop, count_queries):
    """The second view of the same cart is the kept copy: one query reads the account with its
    cart's lines, the products are not read, and its one-click button carries a new one-time
    token."""
    minji = _customer(app, make, "Minji", "minji@example.com")
    add_to_cart(minji, checkout_shop["small"], quantity=2)
    first, _ = _cart_buy_now(minji)
    with count_queries() as statements:
        second, _ = _cart_buy_now(minji)
    assert len(statements) == 1 and "FROM product" not in statements[0]
    assert "Buy now: ₩81,000" in second and 'aria-hidden="true">2<' in second
    assert token_of(first) != token_of(second)


def test_two_presses_from_two_views_of_the_kept_cart_are_two_orders(app, make, checkout_shop):
    """Each view of the cart has its own token, so buying the same cart again from a later view
    places a second order, as it did before the page was kept."""
    minji = _customer(app, make, "Minji", "minji@example.com")
    for _ in range(2):
        add_to_cart(minji, checkout_shop["small"])
        _html, form = _cart_buy_now(minji)
        assert minji.post("/checkout/buy-now", data=form).status_code == 303
    with app.app_context():
        assert count_orders() == 2


def test_the_kept_cart_follows_the_customers_changes(app, make, checkout_shop):
    """Quantity, price, default address, payment preference and store credit: each change shows
    on the very next view of the cart."""
    minji = _customer(app, make, "Minji", "minji@example.com")
    add_to_cart(minji, checkout_shop["small"])
    assert "Buy now: ₩42,000 to Minji flat, bank transfer" in text(minji.get("/cart"))
    html, _ = _cart_buy_now(minji)
    minji.post("/cart/update", data={"csrf_token": csrf_of(html), "variant_id": checkout_shop["small"],
                                     "quantity": 2})
    assert "Buy now: ₩81,000" in text(minji.get("/cart"))
    with app.app_context():
        db.session.get(Variant, checkout_shop["small"]).price = 40000
        db.session.commit()
    assert "Buy now: ₩83,000" in text(minji.get("/cart"))
    with app.app_context():
        from domain.models import Address, User
        address = db.session.scalar(db.select(Address).where(Address.label == "Minji flat"))
        address.label = "Office"
        db.session.commit()
        assert "to Office" in text(minji.get("/cart"))
        user = db.session.get(User, address.user_id)
        user.preferred_payment_method = "cash_on_delivery"
        db.session.commit()
        assert "cash on delivery" in text(minji.get("/cart"))
        give_credit(app, {"id": user.id}, 5000)
    assert "Your store credit pays ₩5,000 of it" in text(minji.get("/cart"))


def test_a_customer_never_gets_another_customers_kept_cart(app, make, checkout_shop):
    """Two customers with the same cart each see their own address on the button."""
    minji = _customer(app, make, "Minji", "minji@example.com")
    jun = _customer(app, make, "Jun", "jun@example.com")
    for client in (minji, jun):
        add_to_cart(client, checkout_shop["small"])
    minji_cart, jun_cart = text(minji.get("/cart")), text(jun.get("/cart"))
    assert "to Minji flat" in minji_cart and "Jun flat" not in minji_cart
    assert "to Jun flat" in jun_cart and "Minji flat" not in jun_cart


def test_the_kept_one_click_button_follows_the_customer_and_has_a_new_token_each_view(
        app, make, checkout_shop):
    """The product page's button is drawn once per customer and offer: each view gets its own
    one-time token, and a new default address shows on the next view."""
    minji = _customer(app, make, "Minji", "minji@example.com")
    first, second = text(minji.get("/products/moon-jar")), text(minji.get("/products/moon-jar"))
    assert "Buy now: ₩42,000 to Minji flat, bank transfer" in second
    assert token_of(first) != token_of(second)
    with app.app_context():
        from domain.models import Address
        db.session.scalar(db.select(Address).where(Address.label == "Minji flat")).label = "Office"
        db.session.commit()
    assert "Buy now: ₩42,000 to Office, bank transfer" in text(minji.get("/products/moon-jar"))
