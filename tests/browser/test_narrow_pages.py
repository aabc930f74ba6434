"""Shopper pages on a 390 px phone, in English and in Korean: nothing scrolls the page sideways,
and every table is readable (no column narrower than 60 px, or the table shown as cards)."""
import json
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from domain import returns
from domain.extensions import db
from tests.order_helpers import NOW, delivered_order, shop_with_a_product
from tests.return_helpers import ask, rule_values, step

MIN_CELL = 60

# Visible table cells narrower than MIN_CELL, and elements reaching past the screen's right edge.
MEASURE = """(minCell) => {
  // Shown: neither it nor a box around it is clipped to a pixel (as .visually-hidden does).
  const shown = (el) => {
    for (let box = el; box && box !== document.body; box = box.parentElement) {
      const r = box.getBoundingClientRect();
      if (r.width <= 1 || r.height <= 1) return false;
    }
    return true;
  };
  const name = (el) => el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ').join('.') : '');
  const narrow = [...document.querySelectorAll('main th, main td')].filter(shown)
    .filter((cell) => cell.getBoundingClientRect().width < minCell)
    .map((cell) => `${name(cell.closest('table'))} ${name(cell)} "${cell.innerText.trim().slice(0, 20)}" `
                   + Math.round(cell.getBoundingClientRect().width));
  const wide = [...document.querySelectorAll('body *')].filter(shown)
    .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
    .filter((el) => !el.closest('.table-scroll, .category-nav, .gallery, .status-tabs'))
    .map((el) => `${name(el)} right=${Math.round(el.getBoundingClientRect().right)}`);
  return {scrollWidth: document.documentElement.scrollWidth, narrow, wide: wide.slice(0, 5)};
}"""


@pytest.fixture
def shop(app, make):
    """A customer's delivered order of two moon jars, one of them refunded after a return; return
    rules for the shop and two categories; the demo shop's shipping methods."""
    app.config["CLOCK"] = lambda: NOW + timedelta(days=2)
    setup = shop_with_a_product(make, email="hello@moonjar.example", phone="+82 2-555-0142",
                                free_shipping_threshold=50000)
    make.shipping("Express", price=6000, days_min=1, days_max=1)
    make.shipping("International", price=25000, days_min=7, days_max=14, region="International")
    bowls, vases = make.category("Bowls and plates"), make.category("Vases")
    with app.test_request_context():
        returns.save_rule("shop", None, rule_values(), NOW, "KRW")
        returns.save_rule("category", bowls["id"], rule_values(
            window_days=14, allow_credit=False, restocking_fee_bp=1000, return_shipping="flat",
            return_shipping_fee=3000, conditions="미사용 상품, 원래 포장 그대로"), NOW, "KRW")
        returns.save_rule("category", vases["id"], rule_values(final_sale=True, conditions="주문 제작"),
                          NOW, "KRW")
        db.session.commit()
    customer = make.user(email="minji@example.com", name="Kim Minji")
    order = delivered_order(app, setup, payment="test_card", user_id=customer["id"], quantity=2)
    rma = ask(app, order["number"], quantity=1, action="refund")
    step(app, rma, "approve", "receive", "complete")
    return {"customer": customer, "rma": rma, **order}


def pages(shop):
    number = shop["number"]
    return ["/policies/shipping", "/policies/returns", "/cart", "/checkout", f"/orders/{number}",
            f"/orders/{number}/return", f"/returns/{shop['rma']}", "/account/",
            "/policies/privacy", "/account/privacy", "/account/settings"]


@pytest.mark.parametrize("locale", ["en-US", "ko-KR"])
def test_shopper_pages_fit_a_phone_and_their_tables_are_readable(browser, browser_context_args,
                                                                 live_server, shop, locale,
                                                                 axe_violations):
    """The policy tables become cards; the order's items keep their columns, each wide enough;
    the audit stays clean with the cards' labels and roles."""
    context = browser.new_context(**{**browser_context_args, "locale": locale}, bypass_csp=True)
    page = context.new_page()
    page.goto(f"{live_server}/account/login")
    page.locator("input[name=email]").fill(shop["customer"]["email"])
    page.locator("input[name=password]").fill(shop["customer"]["password"])
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(live_server + "/")
    page.goto(f"{live_server}/products/moon-jar")
    page.locator("form.add-form button[type=submit]").click()
    expect(page.locator(".badge").first).to_have_text("1")
    problems = {}
    for path in pages(shop):
        response = page.goto(live_server + path)
        assert response.status == 200, path
        found = page.evaluate(MEASURE, MIN_CELL)
        violations = axe_violations(page)
        if found["scrollWidth"] > 390 or found["narrow"] or violations:
            problems[path] = {**found, "axe": violations}
    context.close()
    assert not problems, json.dumps(problems, ensure_ascii=False, indent=1)
