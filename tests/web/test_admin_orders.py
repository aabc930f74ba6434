"""Back-office orders: the list, the order page's next steps, bulk packing and shipping, the
packing slip, and the order settings (carriers, undo window, bank transfer)."""
import os
import re
from datetime import timedelta

import pytest

from domain.extensions import db
from domain.models import ShopSettings
from tests.order_helpers import NOW, advance, order_state, place


def actions_on(html):
    """The statuses the order page offers as buttons."""
    return re.findall(r'<input type="hidden" name="status" value="([a-z_]+)">', html)


def flashes(html):
    return [m.strip() for m in re.findall(r'<p class="flash flash-\w+">([^<]*)</p>', html)]


def test_anonymous_and_customers_are_refused_everywhere(client, make, login, post, app, setup):
    """Every order URL of the back office, GET and POST, is for merchants only."""
    number = place(app, setup)["number"]
    gets = ["/admin/orders", f"/admin/orders/{number}", f"/admin/orders/{number}/packing-slip"]
    posts = [(f"/admin/orders/{number}/status", {"status": "cancelled", "confirm": "y"}),
             ("/admin/orders/bulk", {"order": number, "action": "packed"}),
             ("/admin/settings/carriers", {"carriers-0-name": "X", "carriers-0-url": "https://x/{number}"})]
    for url in gets:
        assert client.get(url).status_code == 303, url
    for url, data in posts:
        response = post(url, data)
        assert response.status_code == 303 and "/account/login" in response.headers["Location"], url
    login(make.user())
    for url in gets:
        assert client.get(url).status_code == 403, url
    for url, data in posts:
        assert post(url, data).status_code == 403, url
    assert order_state(app, number) == ("placed", ["placed"])


def test_the_list_filters_by_status_with_counts_and_searches(client, app, setup, merchant):
    """Tabs show the count per status; a tab lists only its orders; search finds by number or email."""
    first = place(app, setup, email="first@example.com")
    second = place(app, setup, email="second@example.com")
    advance(app, second["number"], "paid", "packed")
    html = client.get("/admin/orders").get_data(as_text=True)
    assert re.search(r'aria-current="page">All <span class="count">2</span>', html)
    assert 'Packed <span class="count">1</span>' in html
    packed = client.get("/admin/orders?status=packed").get_data(as_text=True)
    assert second["number"] in packed and first["number"] not in packed
    by_email = client.get("/admin/orders?q=FIRST@").get_data(as_text=True)
    assert first["number"] in by_email and second["number"] not in by_email
    typed = second["number"].replace("-", "").lower()
    by_number = client.get(f"/admin/orders?q={typed}").get_data(as_text=True)
    assert second["number"] in by_number and first["number"] not in by_number


def test_the_list_marks_orders_ready_to_fulfil_after_the_undo_window(client, make, app, setup, merchant):
    """A paid order is ready once the customer can no longer cancel it."""
    make.settings(undo_minutes=30)
    order = place(app, setup)
    advance(app, order["number"], "paid")
    assert "Ready to fulfil" not in client.get("/admin/orders").get_data(as_text=True)
    app.config["CLOCK"] = lambda: NOW + timedelta(minutes=30)
    assert "Ready to fulfil" in client.get("/admin/orders").get_data(as_text=True)


@pytest.mark.parametrize("payment, expected", [
    ("bank_transfer", ["paid", "cancelled", "payment_expired"]),
    ("cash_on_delivery", ["packed", "cancelled"]),
    ("test_card", ["packed", "cancelled"]),
])
def test_the_order_page_offers_only_the_allowed_next_steps(client, app, setup, merchant, payment, expected):
    """The buttons are exactly domain.orders.allowed_next for the order."""
    order = place(app, setup, payment=payment)
    html = client.get(f"/admin/orders/{order['number']}").get_data(as_text=True)
    assert actions_on(html) == expected
    for text in (order["number"], "minji@example.com", "Kim Minji", "MJ-S", "₩42,000", "History"):
        assert text in html, text


def test_packing_waits_for_the_undo_window(client, make, post, app, setup, merchant):
    """During the customer's undo window there is no Packed button, and posting it is refused."""
    make.settings(undo_minutes=30)
    order = place(app, setup, payment="cash_on_delivery")
    url = f"/admin/orders/{order['number']}"
    html = client.get(url).get_data(as_text=True)
    assert actions_on(html) == ["cancelled"] and "can still cancel or change" in html
    response = post(f"{url}/status", {"status": "packed"}, token_from=url)
    assert response.status_code == 422
    assert order_state(app, order["number"]) == ("placed", ["placed"])


def test_an_illegal_step_is_refused_with_422_and_changes_nothing(client, post, app, setup, merchant):
    """Delivering an unpaid order is not in the pipeline: the message says so."""
    order = place(app, setup)
    url = f"/admin/orders/{order['number']}"
    response = post(f"{url}/status", {"status": "delivered"}, token_from=url)
    assert response.status_code == 422
    assert "cannot become" in response.get_data(as_text=True)
    assert order_state(app, order["number"]) == ("placed", ["placed"])


def test_marking_paid_records_who_did_it(client, post, app, setup, merchant):
    """The event names the merchant, and the page shows the capture."""
    order = place(app, setup)
    url = f"/admin/orders/{order['number']}"
    response = post(f"{url}/status", {"status": "paid", "note": "HANA 0042"}, token_from=url)
    assert response.status_code == 303 and response.headers["Location"] == url
    assert order_state(app, order["number"]) == ("paid", ["placed", "paid"])
    html = client.get(url).get_data(as_text=True)
    assert "boss@example.com" in html and "HANA 0042" in html and "Capture" in html


def test_shipping_needs_a_tracking_number(client, post, app, setup, merchant):
    """Without a tracking number: 422 and still packed; with it: shipped, carrier stored."""
    order = place(app, setup)
    advance(app, order["number"], "paid", "packed")
    url = f"/admin/orders/{order['number']}"
    refused = post(f"{url}/status", {"status": "shipped", "carrier": "CJ Logistics"}, token_from=url)
    assert refused.status_code == 422 and "tracking number" in refused.get_data(as_text=True)
    assert order_state(app, order["number"])[0] == "packed"
    done = post(f"{url}/status", {"status": "shipped", "carrier": "CJ Logistics",
                                  "tracking_number": "6001"}, token_from=url)
    assert done.status_code == 303
    html = client.get(url).get_data(as_text=True)
    assert 'href="https://trace.cjlogistics.example/track?no=6001"' in html
    assert actions_on(html) == ["out_for_delivery", "delivered"]


def test_cancelling_needs_the_confirmation(client, post, app, setup, merchant):
    """The cancel button only works with its box ticked."""
    order = place(app, setup)
    url = f"/admin/orders/{order['number']}"
    refused = post(f"{url}/status", {"status": "cancelled"}, token_from=url)
    assert refused.status_code == 422 and "Tick the box" in refused.get_data(as_text=True)
    assert order_state(app, order["number"])[0] == "placed"
    assert post(f"{url}/status", {"status": "cancelled", "confirm": "y", "note": "Asked by phone"},
                token_from=url).status_code == 303
    assert order_state(app, order["number"]) == ("cancelled", ["placed", "cancelled"])


def test_bulk_mark_packed_reports_each_order(client, post, app, setup, merchant):
    """Two paid orders are packed; an unpaid one is refused, and each is named in the report."""
    paid = [place(app, setup, email=f"p{i}@example.com") for i in range(2)]
    for order in paid:
        advance(app, order["number"], "paid")
    unpaid = place(app, setup, email="u@example.com")
    response = post("/admin/orders/bulk", {
        "order": [o["number"] for o in paid] + [unpaid["number"]], "action": "packed",
        "status": "", "q": "", "page": "1"}, token_from="/admin/orders")
    assert response.status_code == 303 and response.headers["Location"] == "/admin/orders"
    messages = flashes(client.get("/admin/orders").get_data(as_text=True))
    assert any(paid[0]["number"] in m and paid[1]["number"] in m and "Packed" in m for m in messages)
    assert any(m.startswith(f"Not changed: {unpaid['number']}.") for m in messages)
    for order in paid:
        assert order_state(app, order["number"]) == ("packed", ["placed", "paid", "packed"])
    assert order_state(app, unpaid["number"]) == ("placed", ["placed"])


def test_bulk_mark_shipped_uses_each_rows_tracking_number(client, post, app, setup, merchant):
    """Rows with a tracking number ship with the chosen carrier; a row without one is refused."""
    first, second = place(app, setup, email="a@example.com"), place(app, setup, email="b@example.com")
    for order in (first, second):
        advance(app, order["number"], "paid", "packed")
    html = client.get("/admin/orders?status=packed").get_data(as_text=True)
    assert f'<label class="visually-hidden" for="tracking-{first["number"]}">' in html
    response = post("/admin/orders/bulk", {
        "order": [first["number"], second["number"]], "action": "shipped", "carrier": "CJ Logistics",
        f"tracking-{first['number']}": "5550001", "status": "packed", "q": "", "page": "1"},
        token_from="/admin/orders")
    assert response.headers["Location"] == "/admin/orders?status=packed"
    messages = flashes(client.get("/admin/orders").get_data(as_text=True))
    assert any(first["number"] in m and "Shipped" in m for m in messages)
    assert any(second["number"] in m and "tracking number" in m for m in messages)
    assert order_state(app, first["number"])[0] == "shipped"
    assert order_state(app, second["number"]) == ("packed", ["placed", "paid", "packed"])


def test_bulk_without_a_selection_changes_nothing(client, post, app, setup, merchant):
    """No ticked order: a message, no change."""
    order = place(app, setup)
    response = post("/admin/orders/bulk", {"action": "packed"}, token_from="/admin/orders")
    assert response.status_code == 303
    assert "Tick the orders" in client.get("/admin/orders").get_data(as_text=True)
    assert order_state(app, order["number"]) == ("placed", ["placed"])


def test_packing_slip_is_an_a4_page_without_prices(client, make, app, setup, merchant):
    """Print stylesheet with @page A4, the address and lines with SKU and quantity, no money."""
    make.settings(thank_you_note="Thank you for supporting a small studio.")
    order = place(app, setup, quantity=2)
    response = client.get(f"/admin/orders/{order['number']}/packing-slip")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert re.search(r'<link rel="stylesheet" href="/static/css/print\.css\?v=\w+">', html)
    css = open(os.path.join(app.static_folder, "css", "print.css")).read()
    assert "@page { size: A4; margin: 15mm; }" in css
    for text in (order["number"], "Kim Minji", "1 Sejong-daero", "Seoul 04524", "MJ-S", "Moon jar",
                 '<td class="qty">2</td>', "Thank you for supporting a small studio."):
        assert text in html, text
    assert "₩" not in html and "39,000" not in html
    assert "<style" not in html and "style=" not in html


def carriers_form(*rows):
    data = {}
    for i, (name, url) in enumerate(rows):
        data[f"carriers-{i}-name"], data[f"carriers-{i}-url"] = name, url
    return data


def test_carriers_are_saved_and_blank_rows_ignored(client, post, app, setup, merchant):
    """Two carriers and a blank row: two saved, in order; the order page suggests them."""
    response = post("/admin/settings/carriers", carriers_form(
        ("CJ Logistics", "https://trace.cj.example/?no={number}"), ("", ""),
        ("Korea Post", "http://post.example/track/{number}")), token_from="/admin/settings")
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(ShopSettings, 1).carriers == [
            {"name": "CJ Logistics", "url": "https://trace.cj.example/?no={number}"},
            {"name": "Korea Post", "url": "http://post.example/track/{number}"}]
    html = client.get("/admin/settings").get_data(as_text=True)
    assert 'value="Korea Post"' in html and "Carrier 4 name" in html


@pytest.mark.parametrize("url", ["javascript:alert(1)//{number}", "https://no-placeholder.example/",
                                 "ftp://x.example/{number}"])
def test_carrier_urls_must_be_web_addresses_with_the_number(client, post, app, setup, merchant, url):
    """A bad address is refused next to its field, and nothing is saved."""
    response = post("/admin/settings/carriers", carriers_form(("Bad", url)), token_from="/admin/settings")
    assert response.status_code == 422
    assert 'id="carriers-0-url-error" role="alert"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(ShopSettings, 1).carriers[0]["name"] == "CJ Logistics"


def settings_form(**overrides):
    data = {"name": "Moonjar Studio", "currency": "KRW", "tax_rate": "10", "prices_include_tax": "y",
            "free_shipping_threshold": "", "default_region": "Domestic", "timezone": "Asia/Seoul",
            "low_stock_threshold": "5", "undo_minutes": "15", "bank_transfer_days": "5",
            "bank_account": "Hana Bank\n123-456789-01", "thank_you_note": "Thanks!"}
    data.update(overrides)
    return data


def test_order_settings_are_saved(client, post, app, setup, merchant):
    """Undo window, bank account (line breaks kept), days to pay and the thank-you note."""
    response = post("/admin/settings", settings_form(), token_from="/admin/settings")
    assert response.status_code == 303
    with app.app_context():
        row = db.session.get(ShopSettings, 1)
        assert (row.undo_minutes, row.bank_transfer_days, row.bank_account, row.thank_you_note) == \
            (15, 5, "Hana Bank\n123-456789-01", "Thanks!")
    html = client.get("/admin/settings").get_data(as_text=True)
    assert '<label for="undo_minutes">' in html and '<label for="bank_account">' in html


@pytest.mark.parametrize("field, value", [("undo_minutes", "-1"), ("undo_minutes", "5000"),
                                          ("undo_minutes", ""), ("bank_transfer_days", "0"),
                                          ("bank_account", "x" * 301)])
def test_order_settings_are_checked(client, post, app, setup, merchant, field, value):
    """Out-of-range numbers, a blank number and an over-long account are refused."""
    response = post("/admin/settings", settings_form(**{field: value}), token_from="/admin/settings")
    assert response.status_code == 422
    assert f'id="{field}-error" role="alert"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(ShopSettings, 1).undo_minutes == 0
