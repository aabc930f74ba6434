"""The owner's coupon pages on a 390 px phone: a refused code is explained next to its field, the
coupon is saved once fixed, and the list, form and orders report fit the screen and pass the
accessibility audit."""
import json

from playwright.sync_api import expect

from tests.browser_helpers import sign_in
from tests.order_helpers import NOW, shop_with_a_product

FITS = """() => ({width: document.documentElement.scrollWidth,
  wide: [...document.querySelectorAll('main *')]
    .filter((el) => !el.closest('.table-scroll, .status-tabs'))
    .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
    .map((el) => el.tagName + '.' + el.className).slice(0, 5)})"""


def test_the_owner_makes_a_coupon_on_a_phone(app, make, live_server, phone, axe_violations):
    app.config["CLOCK"] = lambda: NOW
    shop_with_a_product(make, timezone="Asia/Seoul")
    owner = make.user(email="boss@example.com", merchant=True)
    page = phone
    sign_in(page, live_server, owner, lands_on="/admin/")
    page.get_by_role("link", name="Coupons").first.click()
    page.get_by_role("link", name="New coupon").click()
    page.get_by_label("Code", exact=True).fill("spring 10")
    page.get_by_label("Percentage or amount off").fill("10")
    page.get_by_label("Last day (optional)").fill("2026-03-31")
    page.get_by_role("button", name="Save the coupon").click()
    error = page.locator("#code-error")
    expect(error).to_have_text("A code has 3 to 40 letters, digits or dashes, with no spaces.")
    expect(page.get_by_label("Code", exact=True)).to_have_attribute("aria-invalid", "true")
    problems = {}

    def check(name):
        found = page.evaluate(FITS)
        violations = axe_violations(page)
        if found["width"] > 390 or found["wide"] or violations:
            problems[name] = {**found, "axe": violations}

    check("refused form")
    page.get_by_label("Code", exact=True).fill("SPRING-10")
    page.get_by_role("button", name="Save the coupon").click()
    expect(page.locator(".flash")).to_contain_text("The coupon SPRING-10 is saved.")
    expect(page.get_by_role("link", name="SPRING-10", exact=True)).to_be_visible()
    check("list")
    page.get_by_role("button", name="Pause SPRING-10").click()
    expect(page.locator(".flash")).to_contain_text("is paused")
    page.get_by_role("link", name="Orders with SPRING-10").click()
    expect(page.get_by_role("heading", name="Orders with SPRING-10")).to_be_visible()
    check("report")
    page.goto(f"{live_server}/admin/coupons/batch")
    check("batch form")
    page.goto(f"{live_server}/admin/coupons/1")
    check("edit form")
    assert not problems, json.dumps(problems, indent=1)
