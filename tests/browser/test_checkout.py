"""Buying on a phone: a guest through the checkout page, a returning customer with one click."""
import re

from playwright.sync_api import expect

from tests.checkout_helpers import one_click_customer

ORDER_HEADING = re.compile(r"^Order [A-Z0-9]{3}-[A-Z0-9]{4}$")


def test_a_guest_buys_from_the_product_page_to_the_confirmation(phone, live_server, checkout_shop,
                                                               axe_violations):
    """Breakdown first, the region changes prices in place, the order page confirms."""
    page = phone
    page.goto(f"{live_server}/products/moon-jar")
    page.get_by_role("button", name="Add to cart").click()
    expect(page.get_by_role("status").filter(has_text="Added to your cart")).to_be_visible()
    page.get_by_role("link", name=re.compile(r"^Cart")).click()
    page.get_by_role("link", name="Checkout", exact=True).click()

    expect(page.get_by_role("heading", name="Checkout", level=1)).to_be_visible()
    summary = page.get_by_role("table", name="Price breakdown")
    expect(summary).to_contain_text("₩42,000")  # before anything is typed
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.get_by_label("Shipping region").select_option("Islands")
    expect(summary).to_contain_text("Jeju and islands")
    expect(summary).to_contain_text("₩46,000")
    expect(page.get_by_role("radio", name=re.compile("Jeju and islands"))).to_be_checked()
    page.get_by_label("Shipping region").select_option("Domestic")
    page.get_by_role("radio", name=re.compile("Express")).check()
    expect(summary).to_contain_text("₩45,000")

    page.get_by_label("Email for your receipt").fill("minji@example.com")
    page.get_by_label("Full name").fill("Kim Minji")
    page.get_by_label("Phone (for the courier)").fill("010-1234-5678")
    page.get_by_label("Street address").fill("1 Sejong-daero")
    page.get_by_label("City").fill("Seoul")
    page.get_by_label("Postcode").fill("04524")
    page.get_by_role("radio", name=re.compile("Standard")).check()
    expect(summary).to_contain_text("₩42,000")
    page.get_by_role("radio", name="Bank transfer").check()
    page.get_by_role("button", name="Place order").click()

    expect(page).to_have_url(re.compile(r"/orders/[A-Z0-9]{3}-[A-Z0-9]{4}\?"))
    expect(page.get_by_role("heading", name=ORDER_HEADING, level=1)).to_be_visible()
    expect(page.get_by_role("link", name=re.compile(r"^Cart"))).to_have_accessible_name(
        re.compile(r"0 items"))


def test_field_errors_are_announced_next_to_their_fields(phone, live_server, checkout_shop,
                                                         axe_violations):
    """Placing an empty form: messages by the fields, linked from the top, audit still clean."""
    page = phone
    page.goto(f"{live_server}/products/moon-jar")
    page.get_by_role("button", name="Add to cart").click()
    expect(page.get_by_role("status").filter(has_text="Added to your cart")).to_be_visible()
    page.goto(f"{live_server}/checkout")
    expect(page.get_by_label(re.compile("Coupon"))).to_have_count(0)
    page.get_by_role("button", name="Place order").click()
    email = page.get_by_label("Email for your receipt")
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(email).to_have_accessible_description(re.compile("Please enter the email address"))
    assert axe_violations(page) == []


def test_a_returning_customer_buys_with_one_click_and_undoes_it(phone, live_server, app, make,
                                                                 checkout_shop, axe_violations):
    """The button says what it will do; the order page offers the undo; cancelling works."""
    page = phone
    user = one_click_customer(app, make)
    page.goto(f"{live_server}/account/login")
    page.get_by_label("Email").fill(user["email"])
    page.get_by_label("Password").fill(user["password"])
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("link", name="Account", exact=True)).to_be_visible()

    page.goto(f"{live_server}/products/moon-jar")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Buy now: ₩42,000 to Home, bank transfer").click()

    expect(page).to_have_url(re.compile(r"/orders/[A-Z0-9]{3}-[A-Z0-9]{4}\?placed=1"))
    expect(page.get_by_role("heading", name=ORDER_HEADING, level=1)).to_be_visible()
    undo = page.get_by_role("region", name="Changed your mind?")
    expect(undo).to_be_visible()
    expect(undo).to_contain_text("You can cancel or change this order until")
    undo.get_by_text("Change the delivery address").click()
    expect(undo.get_by_label("Street address")).to_have_value("1 Sejong-daero")
    assert axe_violations(page, ".undo") == []
    undo.get_by_role("button", name="Cancel order").click()
    expect(page.get_by_text("Your order is cancelled.")).to_be_visible()
    expect(page.get_by_text("This order was cancelled.")).to_be_visible()
    expect(page.get_by_role("region", name="Changed your mind?")).to_have_count(0)
