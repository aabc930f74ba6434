"""A live shop (PAYMENTS_TEST_MODE unset): the test card is never offered nor accepted, shoppers
see no test banner, and test-card orders from before stay readable, marked and refundable."""
import re

import pytest

from domain import shopconfig
from domain.extensions import db
from domain.models import Order, Payment, User
from tests.checkout_helpers import (add_to_cart, checkout_form, count_orders, one_click_customer,
                                    stock_of)
from tests.order_helpers import place
from tests.page_helpers import csrf_of, text

BANNER = "Test shop: no real payments are taken"
REFUSED = "The test card works only in a test shop"


@pytest.fixture
def app_config():
    return {"PAYMENTS_TEST_MODE": False}


def test_checkout_offers_no_test_card_and_refuses_one_posted(app, client, checkout_shop):
    """Bank transfer and cash on delivery only; a forged POST naming the test card is refused
    with a message, and nothing is ordered, charged or taken from stock."""
    add_to_cart(client, checkout_shop["small"])
    page = text(client.get("/checkout"))
    assert 'value="bank_transfer"' in page and 'value="cash_on_delivery"' in page
    assert "Card (test mode)" not in page and 'value="test_card"' not in page
    refused = client.post("/checkout", data=checkout_form(
        client, checkout_shop, payment_method="test_card", card_number="4242 4242 4242 4242"))
    assert refused.status_code == 422 and REFUSED in text(refused)
    without_number = client.post("/checkout", data=checkout_form(client, checkout_shop,
                                                                 payment_method="test_card"))
    assert without_number.status_code == 422 and REFUSED in text(without_number)
    with app.app_context():
        assert count_orders() == 0 and db.session.scalar(db.select(db.func.count(Payment.id))) == 0
        assert stock_of(checkout_shop["small"]) == 10
    assert "Moon jar" in text(client.get("/cart"))


def test_preferences_refuse_the_test_card_and_keep_what_was_saved(app, client, make, login,
                                                                  checkout_shop):
    """Not in the list; a POST naming it gets the reason and the saved preference stays."""
    user = one_click_customer(app, make, payment="cash_on_delivery")
    login(user)
    html = text(client.get("/account/settings"))
    assert "Card (test mode)" not in html and 'value="test_card"' not in html
    response = client.post("/account/settings", data={
        "csrf_token": csrf_of(html), "name": "Kim Minji", "locale": "", "shipping_method": "",
        "payment_method": "test_card"})
    assert response.status_code == 422 and REFUSED in text(response)
    with app.app_context():
        assert db.session.get(User, user["id"]).preferred_payment_method == "cash_on_delivery"


def test_one_click_never_uses_a_test_card_saved_in_a_test_shop(app, client, make, login,
                                                               checkout_shop):
    """The preference saved while the shop was in test mode: the buttons ask to set up
    one-click buying (a payment method is missing), and a posted button orders nothing."""
    user = one_click_customer(app, make, payment="test_card")
    login(user)
    product = text(client.get("/products/moon-jar"))
    assert "Buy now" not in product and "Card (test mode)" not in product
    assert '<a href="/account/settings">Set up one-click buying</a>' in product
    settings = text(client.get("/account/settings"))
    assert "One-click buying needs a payment method." in settings
    assert "Card (test mode)" not in settings
    data = {"csrf_token": csrf_of(product), "product": "moon-jar", "source": "product",
            "variant_id": checkout_shop["small"], "quantity": 1, "checkout_token": "x" * 32,
            "expected_total": "42000"}
    response = client.post("/checkout/buy-now", data=data)
    assert response.status_code == 422 and "One-click buying needs" in text(response)
    with app.app_context():
        assert count_orders() == 0 and stock_of(checkout_shop["small"]) == 10


@pytest.mark.parametrize("path", ["/", "/products/moon-jar", "/cart", "/checkout", "/account/login"])
def test_no_test_banner_in_a_live_shop(client, checkout_shop, path):
    add_to_cart(client, checkout_shop["small"])
    assert BANNER not in text(client.get(path))


def _old_test_order(app, setup):
    """A test-card order placed while the shop was in test mode, before it went live."""
    app.config["PAYMENTS_TEST_MODE"] = True
    with app.app_context():
        shopconfig.changed()
    order = place(app, setup, payment="test_card")
    app.config["PAYMENTS_TEST_MODE"] = False
    with app.app_context():
        shopconfig.changed()
    return order


def test_an_old_test_order_stays_marked_readable_and_refundable(app, client, post, setup, merchant):
    """The list, the order page and the packing slip say it is a test order; cancelling it
    refunds the test payment as before."""
    order = _old_test_order(app, setup)
    url = f"/admin/orders/{order['number']}"
    assert "Test order" in text(client.get("/admin/orders"))
    assert "Test order: paid with the test card, so no money moved." in text(client.get(url))
    assert "Test order: paid with the test card" in text(client.get(f"{url}/packing-slip"))
    response = post(f"{url}/status", {"status": "cancelled", "confirm": "y"}, token_from=url)
    assert response.status_code == 303
    with app.app_context():
        placed = db.session.scalar(db.select(Order).where(Order.number == order["number"]))
        assert placed.status == "cancelled"
        assert [(p.operation, p.status) for p in placed.payments if p.operation == "refund"] \
            == [("refund", "succeeded")]


def test_the_settings_say_how_to_add_cards(client, merchant):
    """No card provider and no test mode: the payments section names the settings to set, and
    the go-live checklist's test mode item is done."""
    html = text(client.get("/admin/settings"))
    for name in ("STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "TOSS_CLIENT_KEY", "TOSS_SECRET_KEY",
                 "“Card payments” in README.md"):
        assert name in html, name
    assert "Test mode is on" not in html
    assert re.search(r'<span class="check-state">Done</span>\s*<strong>Test mode off</strong>',
                     text(client.get("/admin/")))
