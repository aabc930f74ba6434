"""One-click buying: the button's exact words, what it buys, its one-time token."""
import re

import pytest

from domain.extensions import db
from domain.models import CartItem, Order, Variant
from tests.checkout_helpers import (EXPECTED_TOTAL, add_to_cart, buy_now_form, count_orders,
                                    one_click_customer, stock_of, token_of)
from tests.page_helpers import csrf_of, text


def test_the_product_page_button_says_exactly_what_happens(client, customer, checkout_shop):
    """Total with shipping, the default address's label and the payment method."""
    html = text(client.get("/products/moon-jar"))
    assert "Buy now: ₩42,000 to Home, bank transfer" in html
    assert "cancel it or change the address for 30 minutes" in html
    assert 'formaction="/checkout/buy-now"' in html


def test_buying_from_the_product_page_buys_only_that_variant(app, client, customer, checkout_shop):
    """The cart's other item stays in the cart; the order holds only the jar."""
    add_to_cart(client, checkout_shop["cup"], slug=checkout_shop["cup_product"]["slug"])
    html = text(client.get("/products/moon-jar"))
    response = client.post("/checkout/buy-now", data=buy_now_form(html, checkout_shop["small"]))
    assert response.status_code == 303
    assert re.match(r"^/orders/[A-Z0-9]{3}-[A-Z0-9]{4}\?placed=1$", response.headers["Location"])
    with app.app_context():
        order = db.session.scalar(db.select(Order))
        assert [(l.sku, l.quantity) for l in order.lines] == [("MJ-S", 1)]
        assert (order.user_id, order.ship_name, order.payment_method, order.total) \
            == (customer["id"], "Kim Minji", "bank_transfer", 42000)
        assert order.shipping_method_name == "Standard"
        assert stock_of(checkout_shop["small"]) == 9
        assert [i.variant_id for i in db.session.scalars(db.select(CartItem))] == [checkout_shop["cup"]]


def test_htmx_gets_an_hx_redirect_to_the_order(app, client, customer, checkout_shop):
    """The add-to-cart form posts with htmx: the answer sends the whole page to the order."""
    html = text(client.get("/products/moon-jar"))
    response = client.post("/checkout/buy-now", data=buy_now_form(html, checkout_shop["small"]),
                           headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response.headers["HX-Redirect"].startswith("/orders/")


def test_a_changed_quantity_asks_again_with_the_new_total(app, client, customer, checkout_shop):
    """The button said ₩42,000 for one; two cost ₩81,000: nothing is ordered until confirmed."""
    html = text(client.get("/products/moon-jar"))
    response = client.post("/checkout/buy-now", data=buy_now_form(html, checkout_shop["small"], quantity=2))
    html = text(response)
    assert response.status_code == 422
    assert "The total is now ₩81,000 for 2 items" in html
    assert "Buy now: ₩81,000 to Home, bank transfer" in html and 'value="2"' in html
    with app.app_context():
        assert count_orders() == 0
    response = client.post("/checkout/buy-now", data=buy_now_form(html, checkout_shop["small"], quantity=2))
    assert response.status_code == 303
    with app.app_context():
        assert db.session.scalar(db.select(Order.total)) == 81000


def test_a_double_click_gives_one_order(app, client, customer, checkout_shop):
    """The same button token twice: one order, both answers lead to it."""
    data = buy_now_form(text(client.get("/products/moon-jar")), checkout_shop["small"])
    first = client.post("/checkout/buy-now", data=data)
    second = client.post("/checkout/buy-now", data=data)
    assert first.headers["Location"] == second.headers["Location"]
    with app.app_context():
        assert count_orders() == 1 and stock_of(checkout_shop["small"]) == 9


def test_buying_the_whole_cart_from_the_cart_page(app, client, customer, checkout_shop):
    """The cart's button buys every line and empties the cart; a retry shows the same order."""
    add_to_cart(client, checkout_shop["small"])
    add_to_cart(client, checkout_shop["cup"], quantity=2, slug=checkout_shop["cup_product"]["slug"])
    html = text(client.get("/cart"))
    assert "Buy now: ₩66,000 to Home, bank transfer" in html
    data = {"csrf_token": csrf_of(html), "source": "cart", "checkout_token": token_of(html),
            "expected_total": EXPECTED_TOTAL.search(html).group(1)}
    first = client.post("/checkout/buy-now", data=data)
    assert first.status_code == 303
    again = client.post("/checkout/buy-now", data=data)
    assert again.headers["Location"] == first.headers["Location"]
    with app.app_context():
        order = db.session.scalar(db.select(Order))
        assert sorted((l.sku, l.quantity) for l in order.lines) == [("MJ-S", 1), ("SKU-2", 2)]
        assert count_orders() == 1
        assert db.session.scalar(db.select(db.func.count(CartItem.id))) == 0


def test_preferred_shipping_method_is_used(app, client, make, login, checkout_shop):
    """Express preferred: the button's total includes Express."""
    user = one_click_customer(app, make, shipping_id=checkout_shop["express"], label="")
    login(user)
    html = text(client.get("/products/moon-jar"))
    assert "Buy now: ₩45,000 to 1 Sejong-daero, bank transfer" in html


@pytest.mark.parametrize("kind", ["no address", "card payment", "no payment"])
def test_without_usable_defaults_the_page_offers_the_set_up_link(app, client, make, login, checkout_shop,
                                                                  kind):
    """No button, a link to the settings; card payments need a number each time."""
    user = one_click_customer(app, make, with_address=kind != "no address",
                              payment={"card payment": "test_card", "no payment": None}.get(kind, "bank_transfer"))
    login(user)
    html = text(client.get("/products/moon-jar"))
    assert "Buy now" not in html
    assert '<a href="/account/settings">Set up one-click buying</a>' in html


def test_anonymous_visitors_see_neither_button_nor_link(client, checkout_shop):
    """The cached anonymous page stays the same for everyone."""
    html = text(client.get("/products/moon-jar"))
    assert "Buy now" not in html and "one-click" not in html


def test_the_button_posted_without_defaults_explains_and_orders_nothing(app, client, make, login,
                                                                        checkout_shop):
    """A stale button after the default address was removed: a message, no order."""
    user = one_click_customer(app, make, with_address=False)
    login(user)
    html = text(client.get("/products/moon-jar"))
    data = {"csrf_token": csrf_of(html), "product": "moon-jar", "variant_id": checkout_shop["small"],
            "quantity": 1, "source": "product", "checkout_token": "x" * 32, "expected_total": "42000"}
    response = client.post("/checkout/buy-now", data=data)
    assert response.status_code == 422
    assert "One-click buying needs a default address" in text(response)
    with app.app_context():
        assert count_orders() == 0


def test_sold_out_after_the_page_was_drawn_names_the_product(app, client, customer, checkout_shop):
    """The last unit went meanwhile: the buybox says so, nothing is ordered."""
    html = text(client.get("/products/moon-jar"))
    with app.app_context():
        db.session.get(Variant, checkout_shop["small"]).stock = 0
        db.session.commit()
    response = client.post("/checkout/buy-now", data=buy_now_form(html, checkout_shop["small"]))
    assert response.status_code == 422
    assert "Sorry, Moon jar (Small) is sold out." in text(response)
    with app.app_context():
        assert count_orders() == 0


def test_guests_are_sent_to_sign_in(client, checkout_shop):
    """The endpoint is for signed-in customers only."""
    html = text(client.get("/products/moon-jar"))
    response = client.post("/checkout/buy-now", data={"csrf_token": csrf_of(html)})
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]


def test_the_button_without_its_csrf_token_is_refused(app, client, customer, checkout_shop):
    """400, nothing ordered."""
    data = buy_now_form(text(client.get("/products/moon-jar")), checkout_shop["small"])
    data.pop("csrf_token")
    assert client.post("/checkout/buy-now", data=data).status_code == 400
    with app.app_context():
        assert count_orders() == 0
