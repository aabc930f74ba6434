""""Goes well with" on a 390 px phone: the product page shows what was bought with the moon jar
below its buy box, recently viewed loads after the cached page, and in the cart one tap adds
the suggested tea cup, which completes free shipping. axe audits both blocks."""
import re

import pytest
from playwright.sync_api import expect

from domain import shopconfig
from domain.extensions import db
from domain.models import Product
from domain.recommend import pairs
from tests.recommend_helpers import NOW, order_of




@pytest.fixture
def goods(app, make):
    make.settings(name="Moonjar Studio", currency="KRW", free_shipping_threshold=50000,
                  recommend_min_support=2)
    make.shipping("Standard", price=3000)
    ceramics = make.category("Ceramics")["id"]
    made = {key: make.product(title, price=price, stock=9, category_id=ceramics)
            for key, title, price in (("jar", "Moon jar", 39000), ("cup", "Tea cup", 12000),
                                      ("bowl", "Rice bowl", 18000))}
    with app.test_request_context():
        rows = {key: db.session.get(Product, m["id"]) for key, m in made.items()}
        for _ in range(2):
            order_of([rows["jar"], rows["cup"]])
        pairs.compute(NOW, shopconfig.current())
        db.session.commit()
    return made


def test_one_tap_in_the_cart_adds_what_goes_well_and_reaches_free_shipping(phone, live_server,
                                                                          goods, axe_violations):
    page = phone
    page.goto(f"{live_server}/products/rice-bowl")
    page.goto(f"{live_server}/products/moon-jar")
    goes_well = page.get_by_role("region", name="Goes well with")
    expect(goes_well.get_by_role("link", name="Tea cup")).to_be_visible()
    # Loaded after the page, from the browser's own list.
    recent = page.get_by_role("region", name="Recently viewed")
    expect(recent.get_by_role("link", name="Rice bowl")).to_be_visible()
    assert axe_violations(page, "section.goes-well") == []

    page.get_by_role("button", name="Add to cart").click()
    expect(page.get_by_role("status").filter(has_text="Added to your cart")).to_be_visible()
    page.get_by_role("link", name=re.compile(r"^Cart")).click()
    expect(page.get_by_role("heading", name="Your cart", exact=True)).to_be_visible()
    suggested = page.get_by_role("region", name="Goes well with these items")
    expect(suggested.get_by_text("With this, your order ships free.")).to_be_visible()
    assert axe_violations(page, "section.goes-well") == []
    button = suggested.get_by_role("button", name="Add Tea cup")
    box = button.bounding_box()
    assert box["height"] >= 44

    button.click()
    expect(page.locator(".cart-line")).to_have_count(2)
    expect(page.get_by_role("link", name=re.compile(r"^Cart"))).to_have_accessible_name(
        re.compile(r"2 items$"))
    expect(page.get_by_role("table", name="Order summary")).to_contain_text("₩51,000")
    expect(page.get_by_role("region", name="Goes well with these items")).to_have_count(0)
