"""An order's totals after a return was refunded: what went back, as money or as store credit,
and what the customer paid in the end, on the tracking page and in the back office."""
import re

from tests.order_helpers import delivered_order
from tests.return_helpers import ask, step


def totals_rows(html):
    """The totals table's rows as "heading amount" strings, tags and spacing dropped."""
    table = re.search(r'<table class="breakdown">.*?</table>', html, re.S).group(0)
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in rows]


def test_a_refunded_return_shows_on_the_tracking_page_and_in_the_back_office(app, client, setup, make,
                                                                           login):
    """Two ₩39,000 jars and ₩3,000 shipping, paid by card; one jar comes back for a refund."""
    order = delivered_order(app, setup, payment="test_card", quantity=2)
    before = totals_rows(client.get(f"/orders/{order['number']}", query_string={"t": order["token"]})
                         .get_data(as_text=True))
    assert not any(row.startswith(("Refunded", "Net paid")) for row in before)
    rma = ask(app, order["number"], quantity=1, action="refund")
    step(app, rma, "approve", "receive", "complete")
    html = client.get(f"/orders/{order['number']}", query_string={"t": order["token"]}).get_data(as_text=True)
    rows = totals_rows(html)
    assert "Total ₩81,000" in rows
    assert "Refunded −₩39,000" in rows
    assert rows[-1] == "Net paid ₩42,000"
    assert not any("store credit" in row for row in rows)
    login(make.user(email="boss@example.com", merchant=True))
    admin_rows = totals_rows(client.get(f"/admin/orders/{order['number']}").get_data(as_text=True))
    assert "Refunded −₩39,000" in admin_rows and admin_rows[-1] == "Net paid ₩42,000"


def test_store_credit_given_back_for_a_return_counts_as_refunded(app, client, setup, make, login):
    """A customer's jar returned for store credit: the totals say it went back as credit."""
    user = make.user()
    order = delivered_order(app, setup, payment="test_card", quantity=2, user_id=user["id"],
                            email=user["email"])
    rma = ask(app, order["number"], quantity=1, action="credit")
    step(app, rma, "approve", "receive", "complete")
    login(user)
    rows = totals_rows(client.get(f"/orders/{order['number']}").get_data(as_text=True))
    assert "Refunded to store credit −₩39,000" in rows
    assert not any(row.startswith("Refunded −") for row in rows)
    assert rows[-1] == "Net paid ₩42,000"
    korean = totals_rows(client.get(f"/orders/{order['number']}", headers={"Accept-Language": "ko"})
                         .get_data(as_text=True))
    assert any(row.endswith("−₩39,000") and "Refunded" not in row for row in korean)
