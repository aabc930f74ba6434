"""Pages that show the same thing say it the same way: an order's totals on the tracking page
and in the back office. And every answer that depends on htmx's headers says so in Vary."""
import re

import pytest

from tests.order_helpers import NOW, place, shop_with_a_product

HX = {"HX-Request": "true"}


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


def test_see_other_varies_on_htmx_both_ways(client, make):
    """An empty cart's checkout sends the visitor back to the cart: a 303, or for htmx a 204 with
    HX-Redirect; a cache must not hand one to the other."""
    make.settings(currency="KRW")
    plain = client.get("/checkout")
    assert plain.status_code == 303 and "HX-Request" in plain.headers["Vary"]
    htmx = client.get("/checkout", headers=HX)
    assert htmx.status_code == 204 and htmx.headers["HX-Redirect"].endswith("/cart")
    assert "HX-Request" in htmx.headers["Vary"]


def test_the_carts_plain_redirect_varies_on_htmx(client, make, post):
    """Adding to the cart without htmx redirects; with htmx it answers the buybox."""
    make.settings(currency="KRW")
    make.shipping("Standard", price=3000)
    mug = make.product("Blue Mug", price=12000, stock=3)
    data = {"product": mug["slug"], "variant_id": mug["variant_ids"][0], "quantity": 1}
    plain = post("/cart/add", data, token_from=f"/products/{mug['slug']}")
    assert plain.status_code == 303 and "HX-Request" in plain.headers["Vary"]
    htmx = post("/cart/add", data, token_from=f"/products/{mug['slug']}", headers=HX)
    assert htmx.status_code == 200 and "HX-Request" in htmx.headers["Vary"]


def test_fragments_vary_on_every_header_that_picks_them(client, make):
    """A boosted request and a history restore get the whole page, so those headers count too;
    a page served from the page cache keeps its Vary."""
    make.product("Moon jar", price=39000, stock=3)
    for _ in range(2):  # the second answer comes from the page cache
        response = client.get("/products/moon-jar", headers=HX)
        vary = set(response.headers["Vary"].replace(" ", "").split(","))
        assert {"HX-Request", "HX-Boosted", "HX-History-Restore-Request"} <= vary
        response = client.get("/products/moon-jar")
        assert "HX-Request" in response.headers["Vary"]
