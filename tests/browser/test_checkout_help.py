"""Help for a stalled checkout on a phone: a declined test card brings exactly one help offer,
which leads to the chat; the back office's checkouts page lists it. Both pass the audit."""
import re

from playwright.sync_api import expect

from tests.browser_helpers import sign_in


def test_a_declined_card_brings_one_help_offer(phone, live_server, app, make, checkout_shop,
                                               axe_violations, browser, browser_context_args):
    page = phone
    page.goto(f"{live_server}/products/moon-jar")
    page.get_by_role("button", name="Add to cart").click()
    expect(page.get_by_role("status").filter(has_text="Added to your cart")).to_be_visible()
    page.clock.install()  # the heartbeat's minute, fast-forwarded below
    page.goto(f"{live_server}/checkout")
    page.get_by_label("Email for your receipt").fill("minji@example.com")
    page.get_by_label("Full name").fill("Kim Minji")
    page.get_by_label("Phone (for the courier)").fill("010-1234-5678")
    page.get_by_label("Street address").fill("1 Sejong-daero")
    page.get_by_label("City").fill("Seoul")
    page.get_by_label("Postcode").fill("04524")
    page.get_by_role("radio", name=re.compile("Standard")).check()
    page.get_by_role("radio", name="Card (test mode)").check()
    page.get_by_label("Card number").fill("4000 0000 0000 0002")
    page.get_by_role("button", name="Place order").click()

    expect(page.get_by_text("Your card was declined by the bank")).to_be_visible()
    offer = page.get_by_role("complementary", name="Card declined? We can help, or try bank transfer.")
    expect(offer).to_have_count(1)
    link = offer.get_by_role("link", name="Chat with us")
    expect(link).to_have_attribute("href", re.compile(r"/chat\?about=checkout$"))
    box = link.bounding_box()
    assert box["height"] >= 44
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert axe_violations(page, "#checkout-help") == []
    assert axe_violations(page) == []

    # A minute later the page's heartbeat keeps the one offer: the server answers 204 for this
    # checkout from now on, and nothing is swapped.
    with page.expect_response(re.compile(r"/checkout/heartbeat$")) as answer:
        page.clock.fast_forward(61_000)
    assert answer.value.status == 204
    expect(page.get_by_role("complementary", name=re.compile("We can help"))).to_have_count(1)

    # Declined again: still that one offer.
    page.get_by_label("Card number").fill("4000 0000 0000 0002")
    page.get_by_role("button", name="Place order").click()
    expect(page.get_by_text("Your card was declined by the bank")).to_be_visible()
    expect(page.get_by_role("complementary", name=re.compile("We can help"))).to_have_count(0)

    # The merchant's list, on a desktop.
    desk = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    try:
        admin = desk.new_page()
        owner = make.user(email="boss@example.com", merchant=True)
        from blueprints.checkout import heartbeat
        heartbeat.flush(app)
        sign_in(admin, live_server, owner, lands_on="/admin/")
        admin.goto(f"{live_server}/admin/checkouts")
        table = admin.get_by_role("table", name="Checkouts, most recently seen first")
        expect(table).to_contain_text("minji@example.com")
        expect(table).to_contain_text("Card declined")
        expect(admin.get_by_role("button", name="Start a chat")).to_be_visible()
        assert axe_violations(admin) == []
    finally:
        desk.close()
