"""A guest pays on Stripe Checkout (the local stand-in) and lands on a paid order."""
import re

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
