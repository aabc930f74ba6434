"""On a 390 px phone: the owner reads "What converts", features the product that had a good week
with one tap, and the home page shows it among the featured and in "Trending this week"; both
pages fit the screen and pass the accessibility audit."""
import json
from datetime import timedelta

from playwright.sync_api import expect

from domain.extensions import db
from domain.models import DailyCounter
from tests.browser_helpers import sign_in
from tests.order_helpers import NOW, shop_with_a_product

FITS = """() => ({width: document.documentElement.scrollWidth,
  wide: [...document.querySelectorAll('main *')]
    .filter((el) => !el.closest('.table-scroll, .status-tabs'))
    .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
    .map((el) => el.tagName + '.' + el.className).slice(0, 5)})"""



def test_the_owner_features_what_trends_on_a_phone(app, make, live_server, phone, axe_violations):
    app.config["CLOCK"] = lambda: NOW
    shop_with_a_product(make)
    vase = make.product("Celadon vase", price=89000)
    make.product("Quiet plate", price=15000)
    with app.app_context():
        today = NOW.date()
        db.session.add_all([DailyCounter(day=today - timedelta(days=d), product_id=vase["id"],
                                         kind=kind, count=n)
                            for d in range(3) for kind, n in (("view", 40), ("cart", 6))])
        db.session.commit()
    owner = make.user(email="boss@example.com", merchant=True)
    sign_in(phone, live_server, owner, lands_on="/admin/")
    phone.get_by_role("link", name="What converts").click()
    expect(phone.get_by_role("heading", name="What converts")).to_be_visible()
    problems = {}

    def check(name):
        found = phone.evaluate(FITS)
        violations = axe_violations(phone)
        if found["width"] > 390 or found["wide"] or violations:
            problems[name] = {**found, "axe": violations}

    check("what converts")
    phone.get_by_role("link", name="Last 7 days").click()
    expect(phone.get_by_role("link", name="Last 7 days")).to_have_attribute("aria-current", "page")
    first = phone.get_by_role("row").nth(1)
    expect(first).to_contain_text("Celadon vase")
    expect(first).to_contain_text("120")
    expect(first).to_contain_text("15 %")
    phone.get_by_role("button", name="Feature Celadon vase").click()
    expect(phone.locator(".flash")).to_contain_text("“Celadon vase” is now featured on the home page.")
    expect(phone.get_by_role("button", name="Stop featuring Celadon vase")).to_be_visible()
    expect(phone.get_by_role("link", name="Last 7 days")).to_have_attribute("aria-current", "page")
    check("featured")
    phone.goto(live_server + "/")
    featured = phone.get_by_role("region", name="Featured")
    expect(featured.get_by_role("link", name="Celadon vase")).to_be_visible()
    trending = phone.get_by_role("region", name="Trending this week")
    expect(trending.get_by_role("link", name="Celadon vase")).to_be_visible()
    check("home")
    assert not problems, json.dumps(problems, indent=1)
