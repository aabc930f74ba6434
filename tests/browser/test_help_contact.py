"""The contact form and a conversation on a phone: found by role and label, usable with htmx,
nothing wider than the screen, and free of axe violations."""
from playwright.sync_api import expect

from tests.browser_helpers import sign_in
from tests.help_helpers import help_shop, reply_as_staff, conversations


def fits_the_screen(page):
    return page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_guest_asks_and_reads_the_answer_on_a_phone(app, make, phone, live_server,
                                                      axe_violations):
    """An empty message is explained beside the field; sent, the question's page says when we
    answer; the answer shows signed with the persona; every step audits clean."""
    help_shop(app, make)
    make.user(email="boss@example.com", merchant=True)
    page = phone
    page.goto(live_server + "/")
    page.get_by_role("link", name="Contact us").last.click()
    expect(page.get_by_role("heading", name="Contact us")).to_be_visible()
    assert axe_violations(page) == [] and fits_the_screen(page)
    page.get_by_label("Your name").fill("Kim Minji")
    page.get_by_label("Email").fill("minji@example.com")
    page.get_by_label("What is it about?").select_option("shipping")
    page.get_by_role("button", name="Send message").click()
    expect(page.get_by_role("alert").first).to_contain_text("Write your message.")
    assert axe_violations(page) == []
    page.get_by_label("Your message").fill("Where is my moon jar?")
    page.get_by_role("button", name="Send message").click()
    expect(page.locator(".reply-promise")).to_contain_text(
        "We usually reply within 2 hours during business hours.")
    expect(page.locator(".reply-promise")).to_contain_text(
        "We are closed now and open Monday 09:00 (Seoul time).")
    expect(page.get_by_text("Where is my moon jar?")).to_be_visible()
    assert axe_violations(page) == [] and fits_the_screen(page)
    reply_as_staff(app, conversations(app)[0]["reference"], "It ships on Monday.")
    page.reload()
    expect(page.get_by_text("It ships on Monday.")).to_be_visible()
    expect(page.get_by_text("Minji", exact=True)).to_be_visible()


def test_the_account_s_messages_audit_clean(app, make, phone, live_server, axe_violations):
    """The list with an unread reply, and the conversation, signed in on a phone."""
    help_shop(app, make)
    make.user(email="boss@example.com", merchant=True)
    user = make.user(email="min@example.com", name="Kim Minji")
    page = phone
    sign_in(page, live_server, user)
    page.goto(live_server + "/help/contact")
    expect(page.get_by_label("Email")).to_have_value("min@example.com")
    page.get_by_label("Your message").fill("Do you ship to Jeju?")
    page.get_by_role("button", name="Send message").click()
    expect(page.get_by_text("Do you ship to Jeju?")).to_be_visible()
    reply_as_staff(app, conversations(app)[0]["reference"], "Yes, we do.")
    page.goto(live_server + "/account/messages")
    expect(page.get_by_text("1 unread")).to_be_visible()
    assert axe_violations(page) == [] and fits_the_screen(page)
    page.get_by_role("link", name="New reply").click()
    expect(page.get_by_text("Yes, we do.")).to_be_visible()
    assert axe_violations(page) == [] and fits_the_screen(page)
