"""The chat on a phone: the Help button stays clear of what the shopper must reach, the panel
loads only when pressed, answers quick replies, fetches a person (or asks for an email when
nobody is there), shows a reply without reloading, and falls back to plain pages without
JavaScript; axe finds nothing in the panel."""
import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.chat_helpers import chats
from tests.help_helpers import help_shop, reply_as_staff


@pytest.fixture
def shop(app, make, checkout_shop):
    help_shop(app, make)
    make.user(email="boss@example.com", merchant=True)
    return app


def _overlaps(a, b):
    return a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"] \
        and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"]


def _clear_at_the_bottom(page, target):
    """Scroll until `target` sits at the bottom edge, under the Help button, and check it is
    not covered there."""
    target.scroll_into_view_if_needed()
    top = page.evaluate("(el) => el.getBoundingClientRect().top + window.scrollY", target.element_handle())
    height = target.bounding_box()["height"]
    page.evaluate(f"window.scrollTo(0, {top} + {height} - window.innerHeight + 20)")
    page.wait_for_timeout(100)
    help_box = page.locator(".chat-button").bounding_box()
    assert help_box["y"] >= 0 and not _overlaps(help_box, target.bounding_box())


def test_the_help_button_never_covers_buying_the_total_or_placing_the_order(phone, live_server,
                                                                             shop):
    page = phone
    page.goto(f"{live_server}/products/moon-jar")
    _clear_at_the_bottom(page, page.get_by_role("button", name="Add to cart"))
    page.get_by_role("button", name="Add to cart").click()
    expect(page.get_by_role("status").filter(has_text="Added to your cart")).to_be_visible()
    page.goto(f"{live_server}/cart")
    _clear_at_the_bottom(page, page.locator(".breakdown tr:last-child td").last)
    _clear_at_the_bottom(page, page.get_by_role("link", name="Checkout", exact=True))
    page.goto(f"{live_server}/checkout")
    _clear_at_the_bottom(page, page.locator(".order-total"))
    _clear_at_the_bottom(page, page.get_by_role("button", name="Place order"))


def test_a_shopper_asks_the_bot_then_a_person_and_leaves_an_email(phone, live_server, shop,
                                                                   axe_violations):
    page = phone
    asked = []
    page.on("request", lambda request: asked.append(request.url))
    page.goto(f"{live_server}/products/moon-jar")
    assert not any(urlsplit(url).path.startswith("/chat") for url in asked)
    help_button = page.get_by_role("link", name="Help", exact=True)
    help_button.click()
    panel = page.get_by_role("region", name=re.compile("Chat with us"))
    expect(panel).to_contain_text("Questions about the Moon jar?")
    expect(page).to_have_url(f"{live_server}/products/moon-jar")
    assert axe_violations(page, "#chat-panel") == []
    page.get_by_role("button", name="Shipping cost").click()
    expect(panel.locator(".from-bot").last).to_contain_text("₩3,000")
    page.get_by_label("Your message").fill("I want to talk to a person")
    page.get_by_role("button", name="Send", exact=True).click()
    expect(panel).to_contain_text("We are closed now and open Monday 09:00")
    assert axe_violations(page, "#chat-panel") == []
    page.get_by_label("Your email address").fill("minji@example.com")
    page.get_by_role("button", name="Send my email address").click()
    expect(panel).to_contain_text("We will answer by email at minji@example.com")
    kinds = [(m[3] or {}).get("kind") for m in chats(shop)[0]["messages"] if m[1] == "bot"]
    assert kinds.count("away") == 1
    reply_as_staff(shop, chats(shop)[0]["reference"], "Hello, this is Minji.")
    expect(panel).to_contain_text("Hello, this is Minji.", timeout=10_000)
    assert page.locator("#chat-messages").inner_text().count("Hello, this is Minji.") == 1
    page.get_by_role("button", name="Close the chat").click()
    expect(panel).to_have_count(0)
    expect(help_button).to_be_focused()


def test_asking_for_a_person_in_the_panel_is_kept_on_reopening(phone, live_server, shop):
    page = phone
    page.goto(f"{live_server}/checkout")
    page.get_by_role("link", name="Help", exact=True).click()
    expect(page.get_by_text("Need help with paying or delivery? Ask us.")).to_be_visible()
    page.get_by_role("button", name="Talk to a person").click()
    expect(page.get_by_text("Leave your email address")).to_be_visible()
    page.goto(f"{live_server}/")
    page.get_by_role("link", name="Help", exact=True).click()
    expect(page.locator("#chat-messages")).to_contain_text("Talk to a person")


def test_without_javascript_help_is_the_contact_form_and_the_chat_a_plain_page(
        browser, browser_context_args, live_server, shop):
    context = browser.new_context(**browser_context_args, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server}/products/moon-jar")
    page.get_by_role("link", name="Help", exact=True).click()
    expect(page.get_by_role("heading", name="Contact us", level=1)).to_be_visible()
    expect(page.get_by_text("About Moon jar.")).to_be_visible()
    page.goto(f"{live_server}/chat?about=checkout")
    expect(page.get_by_text("Need help with paying or delivery? Ask us.")).to_be_visible()
    page.get_by_role("button", name="Talk to a person").click()
    expect(page.get_by_text("Leave your email address")).to_be_visible()
    page.get_by_label("Your email address").fill("minji@example.com")
    page.get_by_role("button", name="Send my email address").click()
    expect(page.get_by_text("We will answer by email at minji@example.com")).to_be_visible()
    context.close()


def test_the_away_message_gives_the_opening_on_the_visitors_own_clock(
        browser, browser_context_args, live_server, shop):
    """Monday 09:00 in Seoul is Sunday 20:00 in New York (on daylight time from 8 March 2026)."""
    context = browser.new_context(**browser_context_args, timezone_id="America/New_York")
    page = context.new_page()
    page.goto(f"{live_server}/")
    page.get_by_role("link", name="Help", exact=True).click()
    page.get_by_role("button", name="Talk to a person").click()
    expect(page.locator("#chat-messages .your-time")).to_have_text("That is Sunday 20:00 your time.")
    context.close()
