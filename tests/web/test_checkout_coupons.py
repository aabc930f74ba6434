"""Coupon codes in the cart and at checkout: the field only while a code is active, applying
and removing in place with htmx or as a plain form, refusals beside the field, the discount
line on every breakdown, and a code refused at the last moment refusing the order."""
import re

import pytest

from blueprints import mail
from domain.extensions import db
from domain.loyalty import coupons
from domain.models import Coupon, Order, OutboxMessage
from tests.checkout_helpers import (EXPECTED_TOTAL, add_to_cart, checkout_form, count_orders,
                                    one_click_customer, token_of)
from tests.page_helpers import csrf_of, text
from tests.smtp_helpers import text_and_html

HTMX = {"HX-Request": "true"}


def make_coupon(app, code="SPRING10", kind="percent", value=1000, **fields):
    with app.app_context():
        db.session.add(Coupon(code=code, code_key=coupons.key_of(code), kind=kind, value=value,
                              product_ids=[], category_ids=[], **fields))
        db.session.commit()


@pytest.fixture
def with_jar(client, checkout_shop):
    add_to_cart(client, checkout_shop["small"])  # ₩39,000 + ₩3,000 shipping
    return checkout_shop


def apply(client, code, path="/checkout/coupon", headers=None, **extra):
    html = text(client.get("/checkout"))
    return client.post(path, data={"csrf_token": csrf_of(html), "coupon_code": code, **extra},
                       headers=headers or {})


def codes_in_session(client):
    with client.session_transaction() as session:
        return session.get("coupon_codes")


def test_the_field_shows_only_while_a_code_is_active(app, client, with_jar):
    assert "Coupon code" not in text(client.get("/checkout"))
    assert "Coupon code" not in text(client.get("/cart"))
    make_coupon(app)
    assert 'for="coupon_code"' in text(client.get("/checkout"))
    assert 'for="coupon_code"' in text(client.get("/cart"))


def test_applying_a_code_with_htmx_redraws_the_totals_and_the_order_keeps_it(app, client,
                                                                             with_jar):
    make_coupon(app)
    response = apply(client, "spring10", headers=HTMX)
    html = text(response)
    assert response.status_code == 200 and "<html" not in html
    assert "Code SPRING10" in html and "−₩3,900" in html
    # The summary's total and the one by the button, out of band, agree.
    assert html.count("₩38,100") >= 2 and 'id="order-total"' in html
    assert codes_in_session(client) == ["SPRING10"]
    response = client.post("/checkout", data=checkout_form(client, with_jar))
    assert response.status_code == 303
    with app.app_context():
        order = db.session.scalar(db.select(Order))
        assert (order.discount, order.total) == (3900, 38100)
        assert [line.discount for line in order.lines] == [3900]
        message = db.session.scalar(db.select(OutboxMessage)
                                    .where(OutboxMessage.kind == "order_placed"))
        plain, email_html = text_and_html(mail.renderer(app)(message))
        assert db.session.get(Coupon, 1).used_count == 1
    assert "Code SPRING10: −₩3,900" in plain and "Code SPRING10" in email_html
    page = text(client.get(response.headers["Location"]))
    assert re.search(r"Code SPRING10</th><td>−₩3,900", page)
    # The code went with the order: the next cart starts without it.
    assert codes_in_session(client) is None


def test_a_refused_code_says_why_beside_the_field_and_changes_nothing(app, client, with_jar):
    make_coupon(app, "BIG", "amount", 5000, min_subtotal=44000)
    response = apply(client, "big", headers=HTMX)
    html = text(response)
    assert response.status_code == 422
    assert 'aria-describedby="coupon_code-error"' in html
    assert re.search(r'id="coupon_code-error"[^>]*>Add ₩5,000 more to use this code.<', html)
    assert "₩42,000" in html and "Code BIG" not in html
    assert not codes_in_session(client)
    unknown = text(apply(client, "NOPE", headers=HTMX))
    assert "know the code “NOPE”" in unknown


def test_without_javascript_the_form_applies_and_removes_a_code(app, client, with_jar):
    make_coupon(app, "TAKE5", "amount", 5000)
    response = apply(client, "take5")
    assert response.status_code == 303 and response.headers["Location"].endswith("/checkout")
    page = text(client.get("/checkout"))
    assert "Code TAKE5" in page and "₩37,000" in page
    response = apply(client, "", remove="TAKE5")
    assert response.status_code == 303 and codes_in_session(client) == []
    assert "₩42,000" in text(client.get("/checkout"))
    refused = apply(client, "NOPE")
    assert refused.status_code == 422 and "know the code “NOPE”" in text(refused)


def test_the_cart_applies_a_code_and_one_click_from_the_cart_uses_it(app, client, make, login,
                                                                     checkout_shop):
    user = one_click_customer(app, make)
    login(user)
    add_to_cart(client, checkout_shop["small"])
    make_coupon(app, "CART", "amount", 4000)
    html = text(client.get("/cart"))
    response = client.post("/cart/coupon", data={"csrf_token": csrf_of(html),
                                                 "coupon_code": "cart"}, headers=HTMX)
    fragment = text(response)
    assert response.status_code == 200 and "Code CART" in fragment and "−₩4,000" in fragment
    assert "₩38,000" in fragment  # ₩39,000 − ₩4,000 + ₩3,000 shipping
    html = text(client.get("/cart"))
    response = client.post("/checkout/buy-now", data={
        "csrf_token": csrf_of(html), "source": "cart", "checkout_token": token_of(html),
        "expected_total": EXPECTED_TOTAL.search(html).group(1)})
    assert response.status_code == 303, text(response)[:500]
    with app.app_context():
        order = db.session.scalar(db.select(Order))
        assert (order.discount, order.total) == (4000, 38000)
    assert codes_in_session(client) is None


def test_a_code_used_up_meanwhile_refuses_the_order_and_is_noted_as_a_checkout_problem(
        app, client, with_jar):
    make_coupon(app, "LAST", "amount", 5000, usage_limit=1)
    apply(client, "LAST")
    form = checkout_form(client, with_jar)
    with app.app_context():
        db.session.get(Coupon, 1).used_count = 1  # another shopper's order took the last use
        db.session.commit()
    response = client.post("/checkout", data=form)
    html = text(response)
    assert response.status_code == 422
    assert "This code is used up." in html
    assert "Nothing was ordered or charged" in html
    with app.app_context():
        assert count_orders() == 0
    with client.session_transaction() as session:
        assert session["checkout_problem"]["code"] == "coupon"


def test_a_code_applied_at_checkout_redraws_what_the_points_are_worth(app, client, make, login,
                                                                      checkout_shop):
    """Points pay the goods left after the codes: applying a code redraws the points choice
    (out of band) with the smaller amount, and keeps the box as the shopper left it."""
    from domain.models import User
    user = one_click_customer(app, make)
    with app.app_context():
        db.session.get(User, user["id"]).points_balance = 50000
        db.session.commit()
    login(user)
    add_to_cart(client, checkout_shop["small"])
    make_coupon(app, "CART", "amount", 4000)
    page = text(client.get("/checkout"))
    assert "Use my points (39,000, worth ₩39,000)" in page and "You have 50,000 points." in page
    response = client.post("/checkout/coupon", headers=HTMX, data={
        "csrf_token": csrf_of(page), "coupon_code": "cart", "points_offered": "1",
        "use_points": "1"})
    fragment = text(response)
    assert response.status_code == 200 and "<html" not in fragment
    assert '<div id="points-choice" hx-swap-oob="true">' in fragment
    assert "Use my points (35,000, worth ₩35,000)" in fragment
    assert re.search(r'id="use_points"[^>]*checked', fragment)
