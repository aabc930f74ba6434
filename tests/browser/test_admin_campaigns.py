"""The owner's newsletter on a 390 px phone: a campaign refused with each mistake named, saved
once fixed, previewed in both languages, sent after the confirmation, and its progress updating
itself on the page until it is sent; every page fits the screen and passes the accessibility
audit."""
import json
from datetime import timedelta

from playwright.sync_api import expect

from tests.browser_helpers import sign_in
from tests.campaign_helpers import BODY, run_job, subscribe
from tests.order_helpers import NOW, shop_with_a_product

FITS = """() => ({width: document.documentElement.scrollWidth,
  wide: [...document.querySelectorAll('main *')]
    .filter((el) => !el.closest('.table-scroll, .status-tabs'))
    .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
    .map((el) => el.tagName + '.' + el.className).slice(0, 5)})"""


def test_the_owner_sends_a_campaign_on_a_phone(app, make, live_server, phone, axe_violations):
    app.config["CLOCK"] = lambda: NOW
    shop_with_a_product(make, timezone="Asia/Seoul", quiet_hours=False, campaign_rate=10)
    for n in range(3):
        subscribe(app, f"reader{n}@example.com")
    owner = make.user(email="boss@example.com", merchant=True)
    page = phone
    problems = {}

    def check(name):
        found = page.evaluate(FITS)
        violations = axe_violations(page)
        if found["width"] > 390 or found["wide"] or violations:
            problems[name] = {**found, "axe": violations}

    sign_in(page, live_server, owner, lands_on="/admin/")
    page.get_by_role("link", name="Campaigns").first.click()
    expect(page.get_by_role("heading", name="Campaigns")).to_be_visible()
    check("list")
    page.get_by_role("link", name="New campaign").click()
    page.get_by_label("Subject in English").fill("New moon jars")
    page.get_by_role("button", name="Save the campaign").click()
    expect(page.locator("#name-error")).to_contain_text("Give the campaign a name")
    expect(page.locator("#body_en-error")).to_contain_text("Write both the subject and the message")
    check("refused form")
    page.get_by_label("Name (only you see it)").fill("Spring letter")
    page.get_by_label("Message in English (Markdown)").fill(BODY["en"])
    page.get_by_label("Subject in Korean").fill("새 달항아리")
    page.get_by_label("Message in Korean (Markdown)").fill(BODY["ko"])
    page.get_by_role("button", name="Save the campaign").click()
    expect(page.locator(".flash")).to_contain_text("is saved")
    expect(page.get_by_text("(광고) 새 달항아리")).to_be_visible()
    check("draft with preview")
    page.get_by_role("button", name="Send a test to me").click()
    expect(page.locator(".flash")).to_contain_text("boss@example.com, and to nobody else")
    page.get_by_role("link", name="Send…").click()
    expect(page.get_by_text("It goes to 3 people who confirmed")).to_be_visible()
    check("confirmation")
    page.get_by_role("button", name="Send now").click()
    expect(page.locator("#campaign-progress h2")).to_have_text("Sending")
    check("sending")
    run_job(app, NOW + timedelta(seconds=1))
    # The page's poll shows the campaign sent, without a reload.
    expect(page.locator("#campaign-progress h2")).to_have_text("Sent", timeout=10_000)
    expect(page.locator("#campaign-progress")).not_to_have_attribute("hx-trigger", "every 2s")
    check("report")
    assert not problems, json.dumps(problems, indent=1)
