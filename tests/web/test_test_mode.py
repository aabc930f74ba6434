"""Test mode (PAYMENTS_TEST_MODE=1, as in the demo and these tests): the test card pays, every
storefront page says no real payments are taken, and the back office marks test orders."""
import re

import pytest

from tests.checkout_helpers import add_to_cart
from tests.order_helpers import place
from tests.page_helpers import text

BANNER = """<aside class="test-mode-banner" aria-label="Test mode">
  <p>Test shop: no real payments are taken</p>
</aside>"""


@pytest.mark.parametrize("path", ["/", "/products/moon-jar", "/cart", "/checkout", "/account/login",
                                  "/policies/terms"])
def test_every_storefront_page_says_it_is_a_test_shop(client, checkout_shop, path):
    """Above the header, once, also when the page comes from the page cache."""
    add_to_cart(client, checkout_shop["small"])
    for _ in range(2):
        html = text(client.get(path))
        assert html.count(BANNER) == 1, path
        assert html.index(BANNER) < html.index('<main id="main"')


def test_the_banner_is_in_korean_for_korean_shoppers(client, post, checkout_shop):
    post("/language", {"lang": "ko", "next": "/"})
    html = text(client.get("/"))
    assert "테스트 상점" in html and "Test shop" not in html


def test_test_orders_are_marked_in_the_back_office(app, client, setup, merchant):
    """The list marks the test-card order and not the bank transfer; its page and packing slip
    say no money moved."""
    card = place(app, setup, payment="test_card")
    bank = place(app, setup, payment="bank_transfer")
    listing = text(client.get("/admin/orders"))
    rows = {number: row for row in re.findall(r"<tr>.*?</tr>", listing, re.S)
            for number in re.findall(r'<th scope="row"><a [^>]*>([^<]+)</a>', row)}
    assert 'class="test-order">Test order<' in rows[card["number"]]
    assert "Test order" not in rows[bank["number"]]
    for path in (f"/admin/orders/{card['number']}", f"/admin/orders/{card['number']}/packing-slip"):
        assert "Test order: paid with the test card, so no money moved. Do not ship it." in text(client.get(path))
    for path in (f"/admin/orders/{bank['number']}", f"/admin/orders/{bank['number']}/packing-slip"):
        assert "Test order" not in text(client.get(path))


def test_the_settings_say_test_mode_is_on_and_how_to_turn_it_off(client, merchant):
    html = text(client.get("/admin/settings"))
    assert "Test mode is on (PAYMENTS_TEST_MODE=1)" in html
    assert "Unset PAYMENTS_TEST_MODE and restart the shop" in html
