"""What there is to pay, repeated right above "Place order": always the breakdown's own figure,
on the page, in every htmx refresh and without JavaScript."""
import re

from domain.extensions import db
from domain.models import Order
from tests.checkout_helpers import add_to_cart, checkout_form, give_credit
from tests.page_helpers import text

HTMX = {"HX-Request": "true"}
BY_THE_BUTTON = re.compile(
    r'<div id="order-total" class="order-total"( hx-swap-oob="true")?>\s*'
    r'<p class="compact-total"[^>]*>\s*<span>([^<]+?) <span class="detail">\((\d+) items?\)</span>'
    r'</span>\s*<strong>([^<]+)</strong>')
TOTAL_ROW = re.compile(r'<tr class="total"><th scope="row">([^<]+)</th><td>([^<]+)</td></tr>')


def totals(html):
    """((label, amount) of the breakdown's last total row, (label, items, amount) by the button)."""
    by_the_button = BY_THE_BUTTON.search(html)
    assert by_the_button, "no total beside the Place order button"
    label, items, amount = by_the_button.group(2, 3, 4)
    return TOTAL_ROW.findall(html)[-1], (label, int(items), amount)


def test_the_total_by_the_button_is_the_breakdowns_with_shipping_tax_and_credit(
        app, client, make, customer, checkout_shop):
    """Tax on top, Express, ₩12,000 credit: the same figure as the breakdown on the page, after
    each htmx refresh and without JavaScript, and the order is placed for it."""
    make.settings(prices_include_tax=False)
    give_credit(app, customer, 12000)
    add_to_cart(client, checkout_shop["small"])
    add_to_cart(client, checkout_shop["cup"], slug="tea-cup")

    html = text(client.get("/checkout"))
    # ₩51,000 of goods + ₩3,000 Standard + 10 % tax = ₩59,400, of which credit pays ₩12,000.
    assert totals(html) == (("To pay", "₩47,400"), ("To pay", 2, "₩47,400"))
    button = html.index(">Place order</button>")
    assert html.rindex('id="order-total"', 0, button) > html.rindex("</fieldset>", 0, button)

    summary = {"region": "Domestic", "shipping_method": checkout_shop["express"],
               "credit_offered": "1", "use_credit": "1"}
    fragment = text(client.get("/checkout", query_string=summary, headers=HTMX))
    assert 'hx-swap-oob="true"' in BY_THE_BUTTON.search(fragment).group(0)
    # Express: (₩51,000 + ₩6,000) × 1.1 = ₩62,700, less the credit.
    assert totals(fragment) == (("To pay", "₩50,700"), ("To pay", 2, "₩50,700"))

    islands = {"region": "Islands", "refresh": "methods", "credit_offered": "1"}  # credit unticked
    fragment = text(client.get("/checkout", query_string=islands, headers=HTMX))
    assert totals(fragment) == (("Total", "₩63,800"), ("Total", 2, "₩63,800"))

    data = checkout_form(client, checkout_shop, shipping_method=checkout_shop["express"],
                         use_credit="1")
    recalculated = text(client.post("/checkout", data={**data, "region": "Islands",
                                                       "recalculate": "1"}))
    assert totals(recalculated) == (("To pay", "₩51,800"), ("To pay", 2, "₩51,800"))

    assert client.post("/checkout", data=data).status_code == 303
    with app.app_context():
        order = db.session.scalar(db.select(Order))
        assert (order.total, order.amount_due) == (62700, 50700)
