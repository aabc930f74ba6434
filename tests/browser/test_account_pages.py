"""The account pages on a phone: found by role and label, and free of axe violations."""
import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from domain.extensions import db
from domain.models import OutboxMessage
from tests.browser_helpers import sign_in


@pytest.fixture
def customer(make):
    make.settings(name="Moonjar Studio", currency="KRW")
    make.shipping("Standard", price=3000)
    make.shipping("Island", price=5000, region="Jeju")
    return make.user("min@example.com", password="correct horse battery")


def test_account_pages_have_no_accessibility_violations(phone, live_server, customer,
                                                        axe_violations):
    """Overview, addresses (with a validation error), settings: found by label, audit clean."""
    page = phone
    sign_in(page, live_server, customer)
    page.goto(live_server + "/account/")
    expect(page.get_by_role("heading", name="Your orders")).to_be_visible()
    assert axe_violations(page) == []

    page.get_by_role("link", name="Addresses").click()
    page.get_by_role("link", name="Add an address").click()
    page.get_by_role("button", name="Save address").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_label("Recipient's name").fill("Kim Minji")
    page.get_by_label("Street address").fill("1 Sejong-daero")
    page.get_by_label("City").fill("Seoul")
    page.get_by_label("Shipping region").select_option("Jeju")
    page.get_by_role("button", name="Save address").click()
    expect(page.get_by_text("Address saved.")).to_be_visible()
    expect(page.get_by_text("Default", exact=True)).to_be_visible()
    assert axe_violations(page) == []

    page.get_by_role("link", name="Settings").click()
    page.get_by_label("Preferred shipping method").select_option(label="Island (Jeju), ₩5,000")
    page.get_by_label("Preferred payment method").select_option("bank_transfer")
    page.get_by_role("button", name="Save preferences").click()
    expect(page.get_by_text(
        "One-click buys go to 1 Sejong-daero, Island, paid by Bank transfer.")).to_be_visible()
    assert axe_violations(page) == []


def test_reset_pages_have_no_accessibility_violations(app, phone, live_server, customer,
                                                      axe_violations):
    """Ask for a link, open it, and the expired-or-used page: all audit clean."""
    page = phone
    page.goto(live_server + "/account/login")
    page.get_by_role("link", name="Forgot your password?").click()
    assert axe_violations(page) == []
    page.get_by_label("Email").fill(customer["email"])
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_text("If an account exists for that email, we sent a link.")).to_be_visible()
    assert axe_violations(page) == []
    with app.app_context():
        url = db.session.scalar(db.select(OutboxMessage)).data["url"]
    page.goto(live_server + urlsplit(url).path)
    page.get_by_label(re.compile("New password")).fill("a brand new password")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Save the new password").click()
    expect(page.get_by_text("Your password is changed, and you are signed in.")).to_be_visible()
    page.goto(live_server + urlsplit(url).path)
    expect(page.get_by_role("alert")).to_contain_text("already been used")
    assert axe_violations(page) == []
