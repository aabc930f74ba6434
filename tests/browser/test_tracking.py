"""A shopper follows their order on a phone; the merchant ships it from the back office."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser_helpers import sign_in
from tests.order_helpers import advance, place, shop_with_a_product


@pytest.fixture
def paid_order(app, make):
    setup = shop_with_a_product(make)
    order = place(app, setup)
    advance(app, order["number"], "paid", "packed")
    return order


def test_shopper_follows_the_link_and_sees_the_merchant_ship_it(phone, browser, browser_context_args,
                                                               live_server, make, paid_order,
                                                               axe_violations):
    """The emailed link shows the timeline at "Packed"; after the merchant marks the order
    shipped, the shopper's page shows "Shipped" with a link to the carrier's tracking page."""
    page = phone
    link = f"{live_server}/orders/{paid_order['number']}?t={paid_order['token']}"
    page.goto(link)
    expect(page.get_by_role("heading", name=f"Order {paid_order['number']}", level=1)).to_be_visible()
    timeline = page.get_by_role("list").filter(has_text="Order placed")
    expect(timeline.locator('[aria-current="step"]')).to_contain_text("Packed")
    expect(page.get_by_role("table", name="Order total")).to_contain_text("₩42,000")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    merchant = make.user(email="boss@example.com", merchant=True)
    office = browser.new_context(**browser_context_args).new_page()
    sign_in(office, live_server, merchant, lands_on="/admin/")
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


def test_lookup_and_back_office_order_pages_pass_the_audit(phone, live_server, make, paid_order,
                                                          axe_violations):
    """The lookup form (with its error), the order list, an order and the settings page."""
    phone.goto(f"{live_server}/orders/track")
    phone.get_by_label("Order number").fill(paid_order["number"].replace("-", "").lower())
    phone.get_by_label("Email address used for the order").fill("someone@example.com")
    phone.get_by_role("button", name="Find my order").click()
    expect(phone.get_by_role("alert")).to_have_text("We could not find an order with that number and email.")
    assert axe_violations(phone) == []
    phone.get_by_label("Email address used for the order").fill("minji@example.com")
    phone.get_by_role("button", name="Find my order").click()
    expect(phone.get_by_role("heading", name=f"Order {paid_order['number']}")).to_be_visible()
    expect(phone).to_have_url(re.compile(r"\?t="))

    sign_in(phone, live_server, make.user(merchant=True), lands_on="/admin/")
    for path in ("/admin/orders", f"/admin/orders/{paid_order['number']}", "/admin/settings",
                 f"/admin/orders/{paid_order['number']}/packing-slip"):
        phone.goto(live_server + path)
        assert axe_violations(phone) == [], path
