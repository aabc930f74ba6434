"""A live chat end to end: a shopper on a 390 px phone opens the chat and asks for a person; the
merchant, with the inbox open on a desktop (so the shop counts as staffed), sees the chat appear
and ring without reloading, opens it, and replies; the reply appears in the shopper's open panel
without a reload and is not emailed. The inbox pages audit clean."""
import re

from playwright.sync_api import expect

from domain.extensions import db
from domain.models import OutboxMessage
from tests.browser_helpers import sign_in
from tests.order_helpers import shop_with_a_product

# The inbox polls every 5 s, the panel every 3 s: a change shows within one or two polls.
SOON = 15_000


def help_replies(app):
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(OutboxMessage)
                                 .where(OutboxMessage.kind == "help_reply"))


def test_a_shopper_asks_for_a_person_and_the_merchant_answers_live(
        app, make, phone, browser, live_server, axe_violations):
    """The shop has no business hours set, so it is open; the merchant's open inbox makes it
    staffed."""
    shop_with_a_product(make)
    merchant = make.user(email="boss@example.com", merchant=True, name="Boss")
    office = browser.new_context(viewport={"width": 1280, "height": 900},
                                 bypass_csp=True).new_page()
    sign_in(office, live_server, merchant, lands_on="/admin/")
    office.goto(f"{live_server}/admin/inbox")
    sound = office.get_by_role("button", name="Sound for new chats")
    expect(sound).to_have_attribute("aria-pressed", "true")
    # A click on the page: browsers allow its sound from now on.
    office.get_by_role("heading", name="Inbox", level=1).click()
    expect(office.locator("#inbox-sound-blocked")).to_be_hidden()
    assert axe_violations(office) == []

    shopper = phone
    shopper.goto(f"{live_server}/")
    shopper.get_by_role("link", name="Help", exact=True).click()
    shopper.get_by_role("button", name="Talk to a person").click()
    expect(shopper.get_by_text(re.compile("will reply shortly"))).to_be_visible()

    # The merchant's inbox shows it without a reload, live, and rings once.
    row = office.get_by_role("link", name="Talk to a person")
    expect(row).to_be_visible(timeout=SOON)
    expect(office.locator("html")).to_have_attribute("data-rings", "1", timeout=SOON)
    expect(office).to_have_title(re.compile(r"^\(1\) Inbox"))
    expect(office.locator("#nav-inbox .count")).to_have_text(re.compile("^1"))
    expect(office.locator("tr", has=row).locator(".live-mark")).to_contain_text("Live")
    assert axe_violations(office) == []

    row.click()
    expect(office.get_by_role("heading", name=re.compile("Messages"))).to_be_visible()
    transcript = office.locator("#transcript")
    expect(transcript.get_by_text("Bot").first).to_be_visible()
    expect(transcript.get_by_text("Talk to a person")).to_be_visible()
    expect(transcript.get_by_text("Live", exact=True)).to_be_visible(timeout=SOON)
    assert axe_violations(office) == []
    office.get_by_label("Your reply").fill("Hello, this is Boss. How can I help?")
    office.get_by_role("button", name="Send reply").click()
    expect(office.get_by_text("Reply shown in the shopper's open chat")).to_be_visible()

    # The shopper's open panel shows the reply without a reload; no email went out.
    expect(shopper.get_by_text("Hello, this is Boss. How can I help?")).to_be_visible(timeout=SOON)
    assert help_replies(app) == 0
    assert shopper.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_sound_can_be_switched_off_and_stays_off(app, make, browser, live_server):
    """The choice is kept in this browser; the button says whether the sound is on."""
    make.settings(name="Moonjar Studio")
    merchant = make.user(email="boss@example.com", merchant=True)
    office = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(office, live_server, merchant, lands_on="/admin/")
    office.goto(f"{live_server}/admin/inbox")
    sound = office.get_by_role("button", name="Sound for new chats")
    sound.click()
    expect(sound).to_have_attribute("aria-pressed", "false")
    office.reload()
    expect(office.get_by_role("button", name="Sound for new chats")).to_have_attribute("aria-pressed", "false")
