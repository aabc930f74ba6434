"""A shopper on a phone: search, open a product, pick a variant, add it to the cart."""
import re

import pytest
from playwright.sync_api import expect


@pytest.fixture
def shop_data(make):
    make.settings(name="Moonjar Studio", tagline="Handmade stoneware", currency="KRW",
                  tax_rate_bp=1000, prices_include_tax=True, free_shipping_threshold=100000,
                  email="hello@moonjar.example", phone="+82 2 555 0100", hours="Mon-Fri 10-18")
    make.shipping("Standard", price=3000, days_min=2, days_max=3)
    make.shipping("Express", price=6000, days_min=1, days_max=1)
    vases = make.category("Vases")
    make.product("Moon jar vase", category_id=vases["id"], option1_name="Size",
                 description_md="A round **moon jar**, thrown in two halves.",
                 specs=[["Height", "24 cm"]], tags="vase, white",
                 variants=[{"sku": "MJ-S", "option1": "Small", "price": 39000, "stock": 5},
                           {"sku": "MJ-L", "option1": "Large", "price": 59000, "stock": 2}])
    make.product("Tall bud vase", category_id=vases["id"], price=25000, stock=8)
    make.product("Serving bowl", price=45000, stock=3, tags="bowl")


def test_shopper_searches_picks_a_variant_and_adds_it_to_the_cart(page, live_server, shop_data):
    """With JavaScript: live search, variant switch updates the price, badge updates in place."""
    page.goto(live_server + "/")
    page.get_by_role("link", name="Search").click()
    page.get_by_label("Search products").fill("moon")
    # Results arrive as you type: no Enter, no button.
    result = page.get_by_role("link", name="Moon jar vase")
    expect(result).to_be_visible()
    expect(page).to_have_url(re.compile(r"/search\?q=moon"))
    result.click()

    expect(page.get_by_role("heading", name="Moon jar vase", level=1)).to_be_visible()
    buybox = page.locator("#buybox")
    expect(buybox.locator(".amount")).to_have_text("₩39,000")
    breakdown = page.get_by_role("table", name=re.compile("Price breakdown"))
    expect(breakdown).to_contain_text("Standard")
    expect(breakdown).to_contain_text("₩42,000")

    page.get_by_role("radio", name=re.compile("Large")).check()
    expect(buybox.locator(".amount")).to_have_text("₩59,000")
    expect(page.get_by_text("Only 2 left")).to_be_visible()
    expect(page.get_by_role("table", name=re.compile("Price breakdown"))).to_contain_text("₩62,000")

    cart = page.get_by_role("link", name=re.compile(r"^Cart"))
    expect(cart).to_have_accessible_name(re.compile(r"0 items"))
    page.get_by_role("button", name="Add to cart").click()
    expect(page.get_by_role("status").filter(has_text="Added to your cart")).to_be_visible()
    expect(cart).to_have_accessible_name(re.compile(r"1 item$"))
    expect(page).to_have_url(re.compile(r"/products/moon-jar-vase"))

    cart.click()
    expect(page.get_by_role("heading", name="Your cart")).to_be_visible()
    expect(page.get_by_role("link", name="Moon jar vase")).to_be_visible()
    expect(page.get_by_text("Large", exact=True)).to_be_visible()
    summary = page.get_by_role("table", name="Order summary")
    expect(summary).to_contain_text("₩62,000")
    expect(page.get_by_text("Add ₩41,000 more for free shipping.")).to_be_visible()

    page.get_by_label(re.compile("Quantity of Moon jar vase")).fill("3")
    page.get_by_role("button", name="Update").click()
    expect(page.get_by_role("alert")).to_contain_text("only 2 of Moon jar vase (Large) are left")
    expect(page.get_by_label(re.compile("Quantity of Moon jar vase"))).to_have_value("1")


def test_the_same_journey_works_without_javascript(browser, browser_context_args, live_server,
                                                   shop_data):
    """Plain links and forms: search by submitting, add to cart by posting, land on the cart."""
    context = browser.new_context(**browser_context_args, java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server + "/search")
    page.get_by_label("Search products").fill("moon jar")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page).to_have_url(re.compile(r"q=moon\+jar"))
    page.get_by_role("link", name="Moon jar vase").click()

    page.get_by_role("radio", name=re.compile("Large")).check()
    page.get_by_label("Quantity").fill("2")
    page.get_by_role("button", name="Add to cart").click()

    expect(page).to_have_url(re.compile(r"/cart$"))
    expect(page.get_by_role("link", name=re.compile(r"^Cart"))).to_have_accessible_name(
        re.compile(r"2 items$"))
    expect(page.get_by_text("Large", exact=True)).to_be_visible()
    # 2 x 59,000 passes the 100,000 threshold: the cheapest shipping becomes free.
    summary = page.get_by_role("table", name="Order summary")
    expect(summary).to_contain_text("Free")
    expect(summary.locator("tfoot")).to_contain_text("₩118,000")
    expect(page.get_by_text("You get free shipping.")).to_be_visible()

    page.get_by_role("button", name="Remove Moon jar vase").click()
    expect(page.get_by_text("Your cart is empty.")).to_be_visible()
    context.close()


def test_adding_more_than_the_stock_says_so_and_adds_nothing(page, live_server, shop_data):
    """Asking for 9 of a product with 3 left shows the message and leaves the badge at 0."""
    page.goto(live_server + "/products/serving-bowl")
    page.get_by_label("Quantity").evaluate("el => el.removeAttribute('max')")
    page.get_by_label("Quantity").fill("9")
    page.get_by_role("button", name="Add to cart").click()
    expect(page.get_by_role("alert")).to_contain_text("only 3 of Serving bowl are left")
    expect(page.get_by_role("link", name=re.compile(r"^Cart"))).to_have_accessible_name(
        re.compile(r"0 items$"))
