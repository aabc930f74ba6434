"""A shopper follows their order on a phone; the merchant ships it from the back office."""
import re

import pytest
from playwright.sync_api import expect

from tests.order_helpers import advance, place, shop_with_a_product


@pytest.fixture
def paid_order(app, make):
    setup = shop_with_a_product(make)
    order = place(app, setup)
    advance(app, order["number"], "paid", "packed")
    return order


@pytest.fixture
def audited(browser, browser_context_args):
    """A phone whose pages the axe audit may be injected into (past the strict CSP)."""
    context = browser.new_context(**browser_context_args, bypass_csp=True)
    yield context.new_page()
    context.close()


def sign_in(page, live_server, user):
    page.goto(f"{live_server}/account/login")
    page.get_by_label("Email").fill(user["email"])
    page.get_by_label("Password").fill(user["password"])
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()


def test_shopper_follows_the_link_and_sees_the_merchant_ship_it(audited, browser, browser_context_args,
                                                               live_server, make, paid_order,
                                                               axe_violations):
    """The emailed link shows the timeline at "Packed"; after the merchant marks the order
    shipped, the shopper's page shows "Shipped" with a link to the carrier's tracking page."""
    page = audited
    link = f"{live_server}/orders/{paid_order['number']}?t={paid_order['token']}"
    page.goto(link)
    expect(page.get_by_role("heading", name=f"Order {paid_order['number']}", level=1)).to_be_visible()
    timeline = page.get_by_role("list").filter(has_text="Order placed")
    expect(timeline.locator('[aria-current="step"]')).to_contain_text("Packed")
    expect(page.get_by_role("table", name="Order total")).to_contain_text("₩42,000")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    merchant = make.user(email="boss@example.com", merchant=True)
    office = browser.new_context(**browser_context_args).new_page()
    sign_in(office, live_server, merchant)
    office.get_by_role("link", name="Orders").click()
    office.get_by_role("link", name="Packed 1").click()
    office.get_by_role("link", name=paid_order["number"]).click()
    expect(office.get_by_role("heading", name=f"Order {paid_order['number']}")).to_be_visible()
    office.get_by_label("Carrier", exact=True).fill("CJ Logistics")
    office.get_by_label("Tracking number", exact=True).fill("6543210987")
    office.get_by_role("button", name="Mark shipped").click()
    expect(office.get_by_text(f"Order {paid_order['number']} is now “Shipped”.")).to_be_visible()
    office.context.close()

    page.reload()
    expect(timeline.locator('[aria-current="step"]')).to_contain_text("Shipped")
    carrier = page.get_by_role("link", name="Follow your parcel with CJ Logistics")
    expect(carrier).to_have_attribute("href", "https://trace.cjlogistics.example/track?no=6543210987")
    expect(page.get_by_text(re.compile("Expected delivery"))).to_be_visible()
    assert axe_violations(page) == []


def test_lookup_and_back_office_order_pages_pass_the_audit(audited, live_server, make, paid_order,
                                                          axe_violations):
    """The lookup form (with its error), the order list, an order and the settings page."""
    audited.goto(f"{live_server}/orders/track")
    audited.get_by_label("Order number").fill(paid_order["number"].replace("-", "").lower())
    audited.get_by_label("Email address used for the order").fill("someone@example.com")
    audited.get_by_role("button", name="Find my order").click()
    expect(audited.get_by_role("alert")).to_have_text("We could not find an order with that number and email.")
    assert axe_violations(audited) == []
    audited.get_by_label("Email address used for the order").fill("minji@example.com")
    audited.get_by_role("button", name="Find my order").click()
    expect(audited.get_by_role("heading", name=f"Order {paid_order['number']}")).to_be_visible()
    expect(audited).to_have_url(re.compile(r"\?t="))

    sign_in(audited, live_server, make.user(merchant=True))
    for path in ("/admin/orders", f"/admin/orders/{paid_order['number']}", "/admin/settings",
                 f"/admin/orders/{paid_order['number']}/packing-slip"):
        audited.goto(live_server + path)
        assert axe_violations(audited) == [], path
