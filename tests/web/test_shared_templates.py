"""Pages that show the same thing say it the same way: an order's totals on the tracking page
and in the back office."""
import re

import pytest

from tests.order_helpers import NOW, place, shop_with_a_product


def html(response):
    return response.get_data(as_text=True)


def totals_table(body):
    match = re.search(r'<table class="breakdown">.*?</table>', body, re.S)
    assert match, "no totals table on the page"
    return match.group(0)


def row(table, heading):
    """The text of the cell after the row heading that starts with `heading`."""
    match = re.search(r'<th scope="row">' + re.escape(heading) + r".*?</th>\s*<td>(.*?)</td>",
                      table, re.S)
    assert match, f"no {heading} row"
    return match.group(1)


@pytest.fixture
def merchant(make, login):
    user = make.user(email="boss@example.com", merchant=True)
    login(user)
    return user


@pytest.mark.parametrize("threshold, shipping", [(30000, "Free"), (None, "₩3,000")])
def test_back_office_and_tracking_page_show_the_same_totals(client, app, make, merchant,
                                                            threshold, shipping):
    """One totals table: "Free" shipping on both pages when the order shipped free (the back
    office used to say ₩0), the order's tax rate, and the same figures."""
    app.config["CLOCK"] = lambda: NOW
    setup = shop_with_a_product(make, free_shipping_threshold=threshold)
    order = place(app, setup)
    tracking = totals_table(html(client.get(f"/orders/{order['number']}",
                                            query_string={"t": order["token"]})))
    back_office = totals_table(html(client.get(f"/admin/orders/{order['number']}")))
    assert back_office == tracking
    assert row(tracking, "Shipping") == shipping
    assert "₩0" not in tracking
    assert re.search(r'<th scope="row">Tax included \(10 %\)</th>', tracking)
    assert row(tracking, "Total") == ("₩39,000" if threshold else "₩42,000")

