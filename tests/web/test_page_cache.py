"""The page cache: anonymous pages come from memory, but never with someone else's token,
cart or language, and never after the merchant changed what they show."""
import re

from domain.extensions import db
from domain.models import Variant
from tests.page_helpers import csrf_of


def raw_token(signed):
    """The session's token inside a signed CSRF token ("token.timestamp.signature"): the
    timestamp moves with the clock's second, the token itself stays the visitor's."""
    return signed.split(".")[0]


def badge_in(html):
    return re.search(r'class="badge" aria-hidden="true">(\d+)<', html).group(1)


def test_a_second_view_runs_no_query(client, make, count_queries):
    """The second anonymous view of a product page is served from memory: no query but the
    storefront version's read (which count_queries leaves out)."""
    make.product("Moon jar", price=39000, stock=3)
    first = client.get("/products/moon-jar").get_data(as_text=True)
    with count_queries() as queries:
        second = client.get("/products/moon-jar").get_data(as_text=True)
    assert queries == []
    assert "Moon jar" in second and "Only 3 left" in second
    assert raw_token(csrf_of(first)) == raw_token(csrf_of(second))


def test_each_visitor_with_a_session_gets_their_own_csrf_token(app, make):
    """Once visitors have a session (here, a cart), a cached page carries their own token, and
    one visitor's token is refused in another's session."""
    product = make.product("Moon jar", price=39000, stock=3)
    alice, bob = app.test_client(), app.test_client()
    for visitor in (alice, bob):
        first = csrf_of(visitor.get("/products/moon-jar").get_data(as_text=True))
        assert visitor.post("/cart/add", data={"csrf_token": first, "product": "moon-jar",
                                               "variant_id": product["variant_ids"][0]}).status_code == 303
    alice_token = csrf_of(alice.get("/products/moon-jar").get_data(as_text=True))
    bob_token = csrf_of(bob.get("/products/moon-jar").get_data(as_text=True))
    assert alice_token != bob_token
    form = {"variant_id": product["variant_ids"][0], "product": "moon-jar"}
    assert bob.post("/cart/add", data={"csrf_token": bob_token, **form}).status_code == 303
    assert bob.post("/cart/add", data={"csrf_token": alice_token, **form}).status_code == 400


def test_the_cart_badge_is_the_visitors_own(app, make):
    """Two visitors on the same cached page each see their own cart count."""
    product = make.product("Moon jar", price=39000, stock=5)
    alice, bob = app.test_client(), app.test_client()
    token = csrf_of(alice.get("/products/moon-jar").get_data(as_text=True))
    alice.post("/cart/add", data={"csrf_token": token, "variant_id": product["variant_ids"][0],
                                  "quantity": 2, "product": "moon-jar"})
    assert badge_in(alice.get("/products/moon-jar").get_data(as_text=True)) == "2"
    assert badge_in(bob.get("/products/moon-jar").get_data(as_text=True)) == "0"


def test_a_price_change_shows_on_the_next_request(app, client, make):
    """A merchant's committed change makes every cached page stale at once."""
    make.product("Moon jar", price=39000, stock=3, featured=True)
    assert "$390.00" in client.get("/").get_data(as_text=True)
    with app.app_context():
        db.session.scalar(db.select(Variant)).product.title = "Full moon jar"
        db.session.commit()
    assert "Full moon jar" in client.get("/").get_data(as_text=True)


def test_a_bulk_stock_update_makes_pages_stale(app, client, make):
    """Stock changed by an UPDATE statement (as orders change it) is shown at once."""
    make.product("Moon jar", price=39000, stock=3)
    assert "Only 3 left" in client.get("/products/moon-jar").get_data(as_text=True)
    with app.app_context():
        db.session.execute(db.update(Variant).values(stock=Variant.stock - 2))
        db.session.commit()
    assert "Only 1 left" in client.get("/products/moon-jar").get_data(as_text=True)


def test_a_rolled_back_change_keeps_the_cache(app, client, make, count_queries):
    """Work that is rolled back changed nothing, so cached pages stay valid."""
    make.product("Moon jar", price=39000, stock=3)
    client.get("/products/moon-jar")
    with app.app_context():
        db.session.scalar(db.select(Variant)).stock = 0
        db.session.flush()
        db.session.rollback()
    with count_queries() as queries:
        html = client.get("/products/moon-jar").get_data(as_text=True)
    assert queries == [] and "Only 3 left" in html


def test_signed_in_customers_never_get_a_cached_page(client, make, login):
    """A customer sees their own header (Account), not the cached anonymous one (Sign in)."""
    make.product("Moon jar", price=39000, stock=3)
    assert "Sign in</a>" in client.get("/products/moon-jar").get_data(as_text=True)
    login(make.user())
    html = client.get("/products/moon-jar").get_data(as_text=True)
    assert "Account</a>" in html and "Sign in</a>" not in html


def test_languages_and_fragments_are_cached_apart(client, make):
    """A Korean visitor never gets the English copy, nor a full page the htmx fragment."""
    make.product("Moon jar", price=39000, stock=3)
    assert "Add to cart" in client.get("/products/moon-jar").get_data(as_text=True)
    korean = client.get("/products/moon-jar", headers={"Accept-Language": "ko"}).get_data(as_text=True)
    assert "장바구니에 담기" in korean and "Add to cart" not in korean
    fragment = client.get("/products/moon-jar", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in fragment and 'id="buybox"' in fragment
    assert "<html" in client.get("/products/moon-jar").get_data(as_text=True)


def test_a_flash_message_is_shown_once_and_not_cached(client, make, login):
    """A visitor with a pending message gets a fresh page with it, and nobody else gets it."""
    make.product("Moon jar", price=39000, stock=3, featured=True)
    client.get("/")
    with client.session_transaction() as sess:
        sess["_flashes"] = [("success", "Welcome back!")]
    assert "Welcome back!" in client.get("/").get_data(as_text=True)
    assert "Welcome back!" not in client.get("/").get_data(as_text=True)
