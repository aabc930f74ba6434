"""The newsletter on a phone: a visitor signs up in the footer, confirms from the email, and
later unsubscribes with the link of an email they got (the two-yearly reminder)."""
import re
from datetime import datetime, timedelta, timezone
from email import message_from_bytes, policy
from urllib.parse import urlsplit

from playwright.sync_api import expect

from blueprints.mail import renderer
from domain import consent
from domain.extensions import db
from domain.models import Consent, OutboxMessage
from domain.newsletter import reminders
from domain.transaction import unit_of_work
from tests.browser_helpers import sign_in

EMAIL = "minji@example.com"


def link_in_email(app, kind, pattern):
    with app.app_context():
        message = db.session.scalar(db.select(OutboxMessage).where(
            OutboxMessage.kind == kind, OutboxMessage.to_address == EMAIL)
            .order_by(OutboxMessage.id.desc()))
        email = message_from_bytes(renderer(app)(message).as_bytes(), policy=policy.default)
    text = next(part.get_content() for part in email.walk()
                if part.get_content_type() == "text/plain")
    return urlsplit(re.search(pattern, text).group(0)).path


def subscribed(app):
    with app.app_context():
        return consent.may_market(EMAIL)


def test_subscribe_in_the_footer_confirm_from_the_email_and_unsubscribe(
        app, make, phone, live_server, axe_violations):
    make.settings(name="Moonjar Studio", email="hello@moonjar.example")
    owner = make.user(email="boss@example.com", merchant=True)
    page = phone
    page.goto(live_server + "/")
    footer = page.get_by_role("contentinfo")
    footer.get_by_label("Send our news to").scroll_into_view_if_needed()
    footer.get_by_label("Send our news to").fill(EMAIL)
    footer.get_by_role("button", name="Subscribe").click()
    expect(footer.get_by_role("status")).to_contain_text("Please check your inbox")
    assert axe_violations(page, "#newsletter-signup") == []
    assert not subscribed(app)

    page.goto(live_server + link_in_email(app, consent.CONFIRM_KIND,
                                          r"http\S+/newsletter/confirm/\S+"))
    expect(page.get_by_role("heading", name="Confirm your subscription")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Yes, subscribe me").click()
    expect(page.get_by_role("status")).to_contain_text("Done: you will get our news")
    assert subscribed(app)

    # The owner sees the subscriber, with where and in which words they agreed.
    sign_in(page, live_server, owner, lands_on="/admin/")
    page.goto(live_server + "/admin/newsletter")
    expect(page.get_by_role("heading", name="Newsletter", level=1)).to_be_visible()
    expect(page.get_by_role("cell", name=EMAIL)).to_be_visible()
    assert axe_violations(page, ".admin") == []
    page.context.clear_cookies()

    # Two years on, the reminder comes, and its link unsubscribes.
    with app.app_context(), unit_of_work():
        record = db.session.scalar(db.select(Consent))
        record.confirmed_at -= timedelta(days=731)
    with app.app_context(), unit_of_work():
        reminders.sweep(datetime.now(timezone.utc))
    page.goto(live_server + link_in_email(app, reminders.KIND,
                                          r"http\S+/privacy/unsubscribe/\S+"))
    expect(page.get_by_text(f"Stop our news and offers to {EMAIL}?")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.get_by_role("status")).to_contain_text("will get no more marketing email")
    assert not subscribed(app)
