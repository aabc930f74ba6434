"""The customer's tracking page and the guest lookup: who may see an order, what it shows."""
import re
from datetime import timedelta

import pytest

from tests.order_helpers import NOW, advance, place
from tests.page_helpers import csrf_token, text


@pytest.fixture
def guest_order(app, setup):
    return place(app, setup)


def page(client, order, **params):
    query = {"t": order["token"], **params}
    return client.get(f"/orders/{order['number']}", query_string=query)


def current_stage(html):
    match = re.search(r'<li class="[^"]*"\s+aria-current="step">\s*<span class="stage-label">([^<]+)<', html)
    return match and match.group(1)


def test_the_owner_sees_their_order_without_a_token(client, make, login, app, setup):
    """A signed-in customer opens their own order from their history by its plain URL."""
    user = make.user()
    order = place(app, setup, email=user["email"], user_id=user["id"])
    login(user)
    response = client.get(f"/orders/{order['number']}")
    assert response.status_code == 200
    assert f"Order {order['number']}" in response.get_data(as_text=True)


def test_another_customer_gets_the_same_404_as_a_missing_order(client, make, login, guest_order):
    """Someone else's order and a number that does not exist look exactly alike."""
    login(make.user())
    theirs = client.get(f"/orders/{guest_order['number']}")
    missing = client.get("/orders/ZZZ-ZZZZ")
    assert theirs.status_code == missing.status_code == 404
    assert "Page not found" in theirs.get_data(as_text=True)


def test_a_guest_needs_the_signed_link(client, guest_order):
    """The token from the email opens the order; without it, or altered, nothing is found."""
    assert page(client, guest_order).status_code == 200
    assert client.get(f"/orders/{guest_order['number']}").status_code == 404
    altered = guest_order["token"][:-2] + ("AA" if not guest_order["token"].endswith("AA") else "BB")
    assert client.get(f"/orders/{guest_order['number']}", query_string={"t": altered}).status_code == 404


def test_a_token_opens_only_its_own_order(client, app, setup, guest_order):
    """One order's link cannot be reused for another order's number."""
    other = place(app, setup, email="other@example.com")
    response = client.get(f"/orders/{other['number']}", query_string={"t": guest_order["token"]})
    assert response.status_code == 404


def test_lookup_with_number_and_email_redirects_to_the_signed_link(client, post, guest_order):
    """Typed lower case without the dash, with the email in capitals, still finds the order."""
    typed = guest_order["number"].replace("-", "").lower()
    response = post("/orders/track", {"number": typed, "email": "MINJI@example.com "},
                    token_from="/orders/track")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/orders/{guest_order['number']}?t={guest_order['token']}"
    assert client.get(response.headers["Location"]).status_code == 200


def _without_values(html):
    """The page with the typed values and the CSRF tokens (field and htmx header) blanked out:
    a token carries the second it was signed in, so two answers a second apart differ there."""
    html = re.sub(r'"X-CSRFToken": "[^"]*"', '"X-CSRFToken": ""', html)
    return re.sub(r'value="[^"]*"', 'value=""', html)


def test_a_wrong_number_and_a_wrong_email_get_the_same_answer(client, post, guest_order):
    """Nobody can learn whether a number exists, or which email goes with it."""
    wrong_email = post("/orders/track", {"number": guest_order["number"], "email": "x@example.com"},
                       token_from="/orders/track")
    wrong_number = post("/orders/track", {"number": "ZZZ-ZZZZ", "email": "minji@example.com"},
                        token_from="/orders/track")
    assert wrong_email.status_code == wrong_number.status_code == 422
    message = "We could not find an order with that number and email."
    assert message in wrong_email.get_data(as_text=True)
    assert _without_values(wrong_email.get_data(as_text=True)) == \
        _without_values(wrong_number.get_data(as_text=True))
    nonsense = post("/orders/track", {"number": "not an order", "email": ""}, token_from="/orders/track")
    assert nonsense.status_code == 422 and message in nonsense.get_data(as_text=True)


def test_lookup_is_rate_limited(client, guest_order):
    """After ten tries in a minute the form answers 429 instead of checking."""
    token = csrf_token(client, "/orders/track")
    data = {"csrf_token": token, "number": "ZZZ-ZZZZ", "email": "a@example.com"}
    statuses = [client.post("/orders/track", data=data).status_code for _ in range(11)]
    assert statuses[:10] == [422] * 10
    assert statuses[10] == 429
    assert "Too many attempts" in client.post("/orders/track", data=data).get_data(as_text=True)


def test_timeline_times_are_shown_in_the_shop_time_zone(client, make, app, setup):
    """An order placed at 09:00 UTC shows 6:00 PM in Seoul, with the UTC time in the markup."""
    make.settings(timezone="Asia/Seoul")
    order = place(app, setup)
    html = text(page(client, order))
    assert '<time class="stage-time" datetime="2026-03-03T09:00+00:00">Mar 3, 2026, 6:00 PM</time>' in html
    make.settings(timezone="UTC")
    assert "Mar 3, 2026, 9:00 AM" in text(page(client, order))


def test_the_current_stage_is_marked_and_later_ones_are_not_reached(client, app, guest_order):
    """aria-current="step" sits on the stage the order is at; later stages say "Not yet"."""
    advance(app, guest_order["number"], "paid", "packed")
    html = page(client, guest_order).get_data(as_text=True)
    assert current_stage(html) == "Packed"
    assert html.count('aria-current="step"') == 1
    assert html.count("Not yet") == 3


def test_timeline_polls_while_on_its_way_and_stops_once_delivered(client, app, guest_order):
    """Shipped: the timeline asks for news every minute, as a fragment; delivered: it stops."""
    advance(app, guest_order["number"], "paid", "packed", "shipped")
    html = page(client, guest_order).get_data(as_text=True)
    assert 'hx-trigger="every 60s"' in html
    assert f'hx-get="/orders/{guest_order["number"]}?t={guest_order["token"]}"' in html

    fragment = client.get(f"/orders/{guest_order['number']}", query_string={"t": guest_order["token"]},
                          headers={"HX-Request": "true"})
    body = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "HX-Request" in fragment.headers["Vary"]
    assert body.lstrip().startswith('<section id="timeline"') and "<html" not in body
    assert current_stage(body) == "Shipped"

    advance(app, guest_order["number"], "delivered")
    delivered = client.get(f"/orders/{guest_order['number']}", query_string={"t": guest_order["token"]},
                           headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "hx-trigger" not in delivered and current_stage(delivered) == "Delivered"


def test_the_carrier_link_is_built_from_the_carriers_template(client, app, guest_order):
    """The tracking number goes into the merchant's URL template, escaped."""
    advance(app, guest_order["number"], "paid", "packed", "shipped", tracking_number="AB 12/3")
    html = page(client, guest_order).get_data(as_text=True)
    assert 'href="https://trace.cjlogistics.example/track?no=AB%2012%2F3"' in html
    assert "CJ Logistics" in html and "AB 12/3" in html


def test_expected_delivery_comes_from_the_shipping_days(client, app, guest_order):
    """Shipped on 3 March with a 2-3 day method: expected 5 to 6 March."""
    advance(app, guest_order["number"], "paid", "packed", "shipped")
    html = page(client, guest_order).get_data(as_text=True)
    assert "Thursday, March 5, 2026 to Friday, March 6, 2026" in html


def test_unpaid_bank_transfer_shows_how_to_pay_until_paid(client, app, guest_order):
    """Account, amount, the order number as reference and the pay-by date; gone once paid."""
    html = text(page(client, guest_order))
    assert "How to pay" in html and "Hana Bank 123-456789-01" in html
    assert f"<dt>Reference</dt><dd>{guest_order['number']}</dd>" in html
    assert "Mar 6, 2026, 9:00 AM" in html
    advance(app, guest_order["number"], "paid")
    assert "How to pay" not in page(client, guest_order).get_data(as_text=True)


def test_cash_on_delivery_says_pay_on_delivery(client, app, setup):
    """The paid stage reads "Pay on delivery" and is reached when the parcel is delivered."""
    order = place(app, setup, payment="cash_on_delivery")
    html = page(client, order).get_data(as_text=True)
    assert "Pay on delivery" in html and "How to pay" not in html


def test_a_cancelled_order_ends_in_a_clear_final_state(client, app, guest_order):
    """Cancelled is the current (and last) step; the stages it never reached are not listed."""
    advance(app, guest_order["number"], "cancelled")
    html = page(client, guest_order).get_data(as_text=True)
    assert current_stage(html) == "Cancelled"
    assert "This order was cancelled" in html
    assert "Delivered" not in html and "hx-trigger" not in html and "Expected delivery" not in html


def test_thank_you_banner_lines_and_totals_in_the_order_currency(client, make, app, guest_order):
    """?placed=1 thanks the shopper with the merchant's note; amounts stay in won after the
    shop switched to dollars."""
    make.settings(thank_you_note="Every jar is wrapped by hand.", currency="USD")
    html = page(client, guest_order, placed="1").get_data(as_text=True)
    assert "Thank you for your order!" in html and "Every jar is wrapped by hand." in html
    assert "Thank you for your order!" not in page(client, guest_order).get_data(as_text=True)
    for text in ("Moon jar", "Small", "SKU MJ-S", "₩39,000", "₩3,000", "₩42,000",
                 "Tax included (10 %)", "(Standard)", "1 Sejong-daero", "Apt 301"):
        assert text in html, text
    assert "$" not in html.split('<footer')[0]


def test_during_the_undo_window_the_page_offers_cancel_and_change(client, make, app, setup):
    """The checkout's undo section is on the page (with the guest's token) until the window closes."""
    make.settings(undo_minutes=30)
    order = place(app, setup)
    html = text(page(client, order))
    assert f'action="/orders/{order["number"]}/cancel"' in html
    assert f'name="t" value="{order["token"]}"' in html
    app.config["CLOCK"] = lambda: NOW + timedelta(minutes=30)
    assert "/cancel" not in text(page(client, order))
