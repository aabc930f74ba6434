"""With JavaScript on, what htmx swaps in place (the buy box, the cart's body) stays in place:
every link and button there leads to one whole page, never a page inside the page."""
import pytest
from playwright.sync_api import expect

from tests.browser_helpers import sign_in
from tests.checkout_helpers import krw_shop, one_click_customer

BUYBOX = "#buybox"
CART_BODY = "#cart-body"
CONTROLS = "a[href], button:not([disabled])"


@pytest.fixture
def jar_shop(make):
    # Every round below adds a jar to the cart again: enough stock for all of them.
    return krw_shop(make, stock=60)


def add_a_jar(page, live_server):
    """The product page, after "Add to cart" answered in place."""
    page.goto(f"{live_server}/products/moon-jar")
    page.get_by_role("button", name="Add to cart").click()
    expect(page.get_by_role("status").filter(has_text="Added to your cart.")).to_be_visible()


def open_cart(page, live_server):
    add_a_jar(page, live_server)
    page.goto(f"{live_server}/cart")
    expect(page.locator(CART_BODY).get_by_role("link", name="Moon jar")).to_be_visible()


def follow_each(page, open_region, region):
    """Open the region afresh for each of its links and buttons, follow that one, and check
    that what follows is one page: one <h1>, one <footer>. Returns the controls' names."""
    open_region()
    controls = page.locator(region).locator(CONTROLS)
    names = [" ".join(name.split()) for name in controls.all_inner_texts()]
    assert names
    for index, name in enumerate(names):
        if index:
            open_region()
        control = page.locator(region).locator(CONTROLS).nth(index)
        # The same control as before (a total in its name may have changed since).
        expect(control).to_contain_text(name.split(":")[0], use_inner_text=True)
        control.evaluate("element => element.setAttribute('data-followed', '')")
        control.click()
        # The control is gone once the page (or the region) has been replaced...
        expect(page.locator("[data-followed]")).to_have_count(0)
        expect(page.locator(".htmx-request, .htmx-swapping, .htmx-settling")).to_have_count(0)
        # ...and what replaced it is one page, not a page within the page.
        expect(page.locator("h1"), f"after {name!r}").to_have_count(1)
        expect(page.locator("footer"), f"after {name!r}").to_have_count(1)
        expect(page.locator("header.site-header"), f"after {name!r}").to_have_count(1)
    return names


def test_the_buy_box_and_the_cart_lead_a_guest_to_whole_pages(page, live_server, jar_shop):
    """"View cart" after adding, the shipping link, the cart's links and forms."""
    names = follow_each(page, lambda: add_a_jar(page, live_server), BUYBOX)
    assert {"Add to cart", "View cart", "Shipping and tax explained"} <= set(names)
    names = follow_each(page, lambda: open_cart(page, live_server), CART_BODY)
    assert {"Moon jar", "Update", "Remove Moon jar", "Checkout"} <= set(names)


def test_a_customer_without_one_click_is_led_to_the_settings_page(page, live_server, make,
                                                                   jar_shop):
    """"Set up one-click buying", in the buy box and in the cart, opens the settings page whole."""
    sign_in(page, live_server, make.user())
    names = follow_each(page, lambda: add_a_jar(page, live_server), BUYBOX)
    assert "Set up one-click buying" in names
    names = follow_each(page, lambda: open_cart(page, live_server), CART_BODY)
    assert "Set up one-click buying" in names


def test_buy_now_leads_to_the_whole_order_page(page, live_server, app, make, jar_shop):
    """The one-click button, in the buy box and in the cart, shows the placed order as a page."""
    sign_in(page, live_server, one_click_customer(app, make))
    names = follow_each(page, lambda: add_a_jar(page, live_server), BUYBOX)
    assert any(name.startswith("Buy now") for name in names)
    names = follow_each(page, lambda: open_cart(page, live_server), CART_BODY)
    assert any(name.startswith("Buy now") for name in names)
