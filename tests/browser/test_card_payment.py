"""A guest pays on Stripe Checkout (the local stand-in) and lands on a paid order."""
import re

import pytest

from playwright.sync_api import expect

from tests.payment_fakes import stripe_fake as stripe_module


def test_a_guest_pays_with_stripe_checkout_and_lands_on_a_paid_order(
        phone, app, live_server, checkout_shop, stripe_fake, axe_violations):
    app.config.update(STRIPE_SECRET_KEY=stripe_module.SECRET_KEY,
                      STRIPE_WEBHOOK_SECRET=stripe_module.WEBHOOK_SECRET,
                      STRIPE_API_BASE=stripe_fake.base_url)
    page = phone
    page.goto(f"{live_server}/products/moon-jar")
    page.get_by_role("button", name="Add to cart").click()
    expect(page.get_by_role("status").filter(has_text="Added to your cart")).to_be_visible()
    page.goto(f"{live_server}/checkout")
    page.get_by_label("Email for your receipt").fill("minji@example.com")
    page.get_by_label("Full name").fill("Kim Minji")
    page.get_by_label("Street address").fill("1 Sejong-daero")
    page.get_by_label("City").fill("Seoul")
    page.get_by_role("radio", name=re.compile("Standard")).check()
    page.get_by_role("radio", name="Card, processed by Stripe").check()
    assert axe_violations(page, "#payment_method") == []
    page.get_by_role("button", name="Place order").click()

    # On Stripe's page (the stand-in): the shopper closes it, comes back, and pays after all.
    expect(page).to_have_url(re.compile(re.escape(stripe_fake.base_url) + r"/c/pay/cs_"))
    first = page.url.rsplit("/", 1)[1]
    page.goto(stripe_fake.sessions[first]["cancel_url"])
    expect(page.get_by_role("heading", name="Waiting for your card payment")).to_be_visible()
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("button", name="Pay now").click()
    expect(page).to_have_url(re.compile(re.escape(stripe_fake.base_url) + r"/c/pay/cs_"))
    second = page.url.rsplit("/", 1)[1]
    assert second != first
    page.goto(stripe_fake.pay(second))

    expect(page.get_by_text("Thank you: your card payment was received.")).to_be_visible()
    expect(page.get_by_text("Payment method: Card, processed by Stripe")).to_be_visible()
    expect(page.get_by_role("button", name="Pay now")).to_have_count(0)
    assert axe_violations(page) == []


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_toss_choice_needs_javascript(browser, browser_context_args, app, live_server,
                                          checkout_shop, toss_fake, javascript):
    """Toss's window opens only through its script: without JavaScript the choice is disabled
    and says why; with it, it can be chosen, also after a boosted link to checkout."""
    from tests.browser.test_checkout import open_checkout_with_a_jar
    from tests.payment_fakes import toss_fake as toss_module
    app.config.update(TOSS_SECRET_KEY=toss_module.SECRET_KEY,
                      TOSS_CLIENT_KEY=toss_module.CLIENT_KEY, TOSS_API_BASE=toss_fake.base_url)
    page = open_checkout_with_a_jar(browser, browser_context_args, live_server, "en", javascript)
    toss = page.get_by_role("radio", name="Card, processed by Toss Payments")
    if javascript:
        expect(toss).to_be_enabled()
        expect(page.get_by_text("Needs JavaScript, which is off in this browser.")).to_be_hidden()
        page.goto(f"{live_server}/cart")
        page.get_by_role("link", name="Checkout", exact=True).click()
        expect(page.get_by_role("heading", name="Checkout", level=1)).to_be_visible()
        expect(page.get_by_role("radio", name="Card, processed by Toss Payments")).to_be_enabled()
    else:
        expect(toss).to_be_disabled()
        expect(page.get_by_text("Needs JavaScript, which is off in this browser.")).to_be_visible()
    page.context.close()


def test_the_toss_payment_page_says_when_the_window_cannot_open(phone, app, live_server,
                                                                checkout_shop, toss_fake,
                                                                axe_violations):
    """Toss's script cannot load here (no network): the page says so and links back."""
    from tests.payment_fakes import toss_fake as toss_module
    app.config.update(TOSS_SECRET_KEY=toss_module.SECRET_KEY,
                      TOSS_CLIENT_KEY=toss_module.CLIENT_KEY, TOSS_API_BASE=toss_fake.base_url)
    page = phone
    page.goto(f"{live_server}/products/moon-jar")
    page.get_by_role("button", name="Add to cart").click()
    expect(page.get_by_role("status").filter(has_text="Added to your cart")).to_be_visible()
    page.goto(f"{live_server}/checkout")
    page.get_by_label("Email for your receipt").fill("minji@example.com")
    page.get_by_label("Full name").fill("Kim Minji")
    page.get_by_label("Street address").fill("1 Sejong-daero")
    page.get_by_label("City").fill("Seoul")
    page.get_by_role("radio", name=re.compile("Standard")).check()
    page.get_by_role("radio", name="Card, processed by Toss Payments").check()
    page.get_by_role("button", name="Place order").click()
    expect(page).to_have_url(re.compile(r"/payments/[A-Z0-9]{3}-[A-Z0-9]{4}/toss\?"))
    expect(page.get_by_role("alert")).to_contain_text("could not be opened")
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("link", name="Back to your order").click()
    expect(page.get_by_role("button", name="Pay now")).to_be_visible()
