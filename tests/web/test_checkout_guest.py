"""The guest checkout page: breakdown first, placing an order, field errors, htmx recompute."""
import re

import pytest

from domain.extensions import db
from domain.models import Address, Order, Variant
from tests.checkout_helpers import (add_to_cart, checkout_form, count_orders, one_click_customer,
                                    outbox_kinds, stock_of, token_of)
from tests.page_helpers import csrf_of, text

HTMX = {"HX-Request": "true"}


@pytest.fixture
def with_jar(client, checkout_shop):
    add_to_cart(client, checkout_shop["small"], quantity=2)
    return checkout_shop


def test_the_breakdown_is_on_the_page_before_anything_is_typed(client, with_jar):
    """Items, shipping, tax and total are there on the first GET, with a fresh token."""
    response = client.get("/checkout")
    html = text(response)
    assert response.status_code == 200
    summary = html[html.index('id="summary"'):html.index('name="checkout_token"')]
    assert "2 × Moon jar" in summary and "₩78,000" in summary
    assert "Standard" in summary and "₩3,000" in summary
    assert "Tax included (10 %)" in summary and "₩81,000" in summary
    assert len(token_of(html)) >= 30
    assert token_of(text(client.get("/checkout"))) != token_of(html)
    # The region's methods with price and days, and the payment choices with the bank details.
    assert "Express" in html and "₩6,000" in html and "1 day" in html
    assert "Jeju and islands" not in html
    assert "Hana Bank 123-456789-01" in html
    # No coupon field: no code is active, so the page does not ask for one (with one active
    # it does: tests/web/test_checkout_coupons.py).
    assert 'name="coupon_code"' not in html and "Coupon" not in html


def test_a_guest_places_an_order(app, client, with_jar):
    """303 to the order's page; lines copied, stock taken, cart emptied, confirmation queued."""
    response = client.post("/checkout", data=checkout_form(client, with_jar))
    assert response.status_code == 303
    location = response.headers["Location"]
    match = re.match(r"^/orders/([A-Z0-9]{3}-[A-Z0-9]{4})\?", location)
    assert match and "placed=1" in location and "t=" in location
    with app.app_context():
        order = db.session.scalar(db.select(Order))
        assert order.number == match.group(1)
        assert [(l.title, l.variant_title, l.sku, l.unit_price, l.quantity) for l in order.lines] \
            == [("Moon jar", "Small", "MJ-S", 39000, 2)]
        assert (order.email, order.ship_city, order.shipping_method_name, order.total) \
            == ("minji@example.com", "Seoul", "Standard", 81000)
        assert order.payment_method == "bank_transfer" and order.user_id is None
        assert stock_of(with_jar["small"]) == 8
        assert outbox_kinds() == ["order_placed"]
    assert "Your cart is empty" in text(client.get("/cart"))


def test_an_empty_cart_is_sent_back_to_the_cart_with_a_message(client, checkout_shop):
    """Nothing to check out: the cart page says so."""
    response = client.get("/checkout")
    assert response.status_code in (302, 303) and response.headers["Location"] == "/cart"
    assert "nothing to check out" in text(client.get("/cart"))


def test_missing_fields_come_back_422_with_messages_and_the_same_token(app, client, with_jar):
    """Each message sits next to its field; the token is kept, so the corrected form still works."""
    data = checkout_form(client, with_jar, email="not-an-email", name="", city="")
    response = client.post("/checkout", data=data)
    html = text(response)
    assert response.status_code == 422
    assert token_of(html) == data["checkout_token"]
    assert re.search(r'id="email"[^>]*aria-describedby="email-hint email-error"', html) \
        or re.search(r'aria-describedby="email-hint email-error"[^>]*id="email"', html)
    assert 'id="email-error" role="alert">Please enter the email address for your receipt.' in html
    assert 'id="name-error" role="alert">Please enter the recipient' in html
    assert 'id="city-error" role="alert">Please enter the city.' in html
    assert html.count('aria-invalid="true"') == 3
    assert 'value="1 Sejong-daero"' in html  # what was typed stays
    with app.app_context():
        assert count_orders() == 0
        assert stock_of(with_jar["small"]) == 10

    data.update(email="minji@example.com", name="Kim Minji", city="Seoul")
    response = client.post("/checkout", data=data)
    assert response.status_code == 303
    with app.app_context():
        assert count_orders() == 1


def test_a_card_payment_needs_the_card_number(client, with_jar):
    """Card chosen without a number: the field says so; other methods never ask for it."""
    response = client.post("/checkout", data=checkout_form(client, with_jar,
                                                           payment_method="test_card"))
    assert response.status_code == 422
    assert 'id="card_number-error" role="alert">Please enter your card number.' in text(response)


def test_a_card_payment_is_charged_and_the_order_paid(app, client, with_jar):
    """4242 4242 4242 4242 approves: the order is paid at once."""
    response = client.post("/checkout", data=checkout_form(
        client, with_jar, payment_method="test_card", card_number="4242 4242 4242 4242"))
    assert response.status_code == 303
    with app.app_context():
        assert db.session.scalar(db.select(Order.status)) == "paid"


def test_a_coupon_code_sent_anyway_changes_nothing(app, client, with_jar):
    """A code typed into the order form by a script is not read (codes are applied with the
    coupon field, and checked again when the order is placed): the order is at full price."""
    response = client.post("/checkout", data=checkout_form(client, with_jar, coupon="SPRING10",
                                                           coupon_code="SPRING10"))
    assert response.status_code == 303
    with app.app_context():
        order = db.session.scalar(db.select(Order))
        assert order.discount == 0 and order.total == 81000


def test_htmx_recomputes_the_summary_for_another_region_and_method(app, client, with_jar):
    """The fragment changes shipping and total, sends the region's methods, and orders nothing."""
    response = client.get("/checkout", headers=HTMX,
                          query_string={"region": "Islands", "refresh": "methods"})
    html = text(response)
    assert response.status_code == 200 and "<html" not in html
    assert "Jeju and islands" in html and "₩7,000" in html and "₩85,000" in html
    assert 'id="shipping_method"' in html and 'hx-swap-oob="true"' in html
    assert "checkout_token" not in html and "Standard" not in html

    response = client.get("/checkout", headers=HTMX,
                          query_string={"region": "Domestic", "shipping_method": with_jar["express"]})
    html = text(response)
    assert "Express" in html and "₩84,000" in html and 'id="shipping_method"' not in html
    assert "HX-Request" in response.headers["Vary"]
    with app.app_context():
        assert count_orders() == 0


def test_without_javascript_the_update_button_recomputes_and_keeps_the_token(app, client, with_jar):
    """'Update shipping options' re-renders for the new region with everything typed kept."""
    data = checkout_form(client, with_jar, region="Islands", recalculate="1")
    response = client.post("/checkout", data=data)
    html = text(response)
    assert response.status_code == 200
    assert token_of(html) == data["checkout_token"]
    assert "Jeju and islands" in html and "₩85,000" in html and 'value="minji@example.com"' in html
    with app.app_context():
        assert count_orders() == 0

    # The old (Domestic) method with the new region is refused, not silently swapped.
    data.pop("recalculate")
    response = client.post("/checkout", data=data)
    assert response.status_code == 422
    assert "Please choose a shipping method for your region." in text(response)
    data["shipping_method"] = with_jar["islands"]
    assert client.post("/checkout", data=data).status_code == 303
    with app.app_context():
        assert db.session.scalar(db.select(Order.total)) == 85000


def test_a_declined_card_keeps_the_cart_and_says_why(app, client, with_jar):
    """422 with the bank's answer at the top; no order, no stock taken, cart unchanged."""
    response = client.post("/checkout", data=checkout_form(
        client, with_jar, payment_method="test_card", card_number="4000000000000002"))
    html = text(response)
    assert response.status_code == 422
    assert "Your card was declined by the bank" in html
    assert "Nothing was ordered or charged" in html
    with app.app_context():
        assert count_orders() == 0
        assert stock_of(with_jar["small"]) == 10
        assert outbox_kinds() == []
    assert "2 × Moon jar" in text(client.get("/checkout"))


def test_out_of_stock_names_the_product_and_what_is_left(app, client, make, with_jar):
    """Stock fell to 1 after the jar went into the cart: the message says so; nothing made."""
    with app.app_context():
        db.session.get(Variant, with_jar["small"]).stock = 1
        db.session.commit()
    response = client.post("/checkout", data=checkout_form(client, with_jar))
    assert response.status_code == 422
    assert "Sorry, only 1 of Moon jar (Small) is left." in text(response)
    with app.app_context():
        assert count_orders() == 0 and stock_of(with_jar["small"]) == 1


def test_the_same_token_twice_gives_one_order_and_shows_it_again(app, client, with_jar):
    """A double-click or refresh of the POST: the second answer redirects to the same order."""
    data = checkout_form(client, with_jar)
    first = client.post("/checkout", data=data)
    second = client.post("/checkout", data=data)
    assert first.status_code == second.status_code == 303
    path = first.headers["Location"].split("?")[0]
    assert second.headers["Location"].split("?")[0] == path
    with app.app_context():
        assert count_orders() == 1 and stock_of(with_jar["small"]) == 8


def test_a_retry_carrying_the_old_cart_cookie_does_not_bring_the_items_back(app, client, with_jar):
    """The double-click's second request still has the cart: it is emptied, not kept."""
    data = checkout_form(client, with_jar)
    cookie = client.get_cookie("session").value
    assert client.post("/checkout", data=data).status_code == 303
    client.set_cookie("session", cookie)  # the second click left before the first answer came
    assert client.post("/checkout", data=data).status_code == 303
    assert "Your cart is empty" in text(client.get("/cart"))


def test_a_form_without_a_checkout_token_places_nothing(app, client, with_jar):
    """A blank token would match another blank one: the form comes back with a fresh token."""
    data = checkout_form(client, with_jar, checkout_token="")
    response = client.post("/checkout", data=data)
    assert response.status_code == 422 and len(token_of(text(response))) >= 30
    with app.app_context():
        assert count_orders() == 0


def test_a_post_without_the_csrf_token_is_refused(app, client, with_jar):
    """400 and nothing placed."""
    data = checkout_form(client, with_jar)
    data.pop("csrf_token")
    assert client.post("/checkout", data=data).status_code == 400
    with app.app_context():
        assert count_orders() == 0


def test_the_cart_links_to_checkout(client, with_jar):
    """The cart's 'Checkout' link replaces the old 'opens soon' line."""
    html = text(client.get("/cart"))
    assert 'href="/checkout"' in html and "opens soon" not in html


def test_a_signed_in_customer_gets_their_email_and_default_address(app, client, login, make, checkout_shop):
    """Prefilled from the account; another saved address can be picked without JavaScript."""
    user = one_click_customer(app, make, payment="cash_on_delivery", shipping_id=checkout_shop["express"])
    with app.app_context():
        other = Address(user_id=user["id"], label="Office", name="Kim Minji", line1="9 Jeju-ro",
                        city="Jeju", region="Islands")
        db.session.add(other)
        db.session.commit()
        other_id = other.id
    login(user)
    add_to_cart(client, checkout_shop["small"])
    html = text(client.get("/checkout"))
    assert f'value="{user["email"]}"' in html and 'value="1 Sejong-daero"' in html
    assert re.search(r'value="cash_on_delivery"[^>]*checked', html)
    assert re.search(rf'value="{checkout_shop["express"]}"\s+checked', html)
    html = text(client.get("/checkout", query_string={"address": other_id}))
    assert 'value="9 Jeju-ro"' in html and "Jeju and islands" in html
    assert csrf_of(html)


@pytest.mark.parametrize("email", ["a@b.com\nBcc: x@y.z", "a@b.com\nbcc:x@y.z",
                                   "a@b.com\tx", "a@b@c.com"])
def test_an_email_with_a_line_break_is_refused_and_no_order_is_made(app, client, with_jar, email):
    """A line break would end an email header: 422 with the message on the email field."""
    data = checkout_form(client, with_jar, email=email)
    response = client.post("/checkout", data=data)
    html = text(response)
    assert response.status_code == 422
    assert 'id="email-error" role="alert">Please enter the email address for your receipt.' in html
    with app.app_context():
        assert count_orders() == 0
        assert outbox_kinds() == []
        assert stock_of(with_jar["small"]) == 10
