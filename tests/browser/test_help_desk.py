"""The help desk end to end: a guest on a phone finds no answer on the help page, asks about
their order from its page, the merchant answers from the inbox on a desktop with a saved reply,
and the guest reads the answer through the link in the emailed reply. Every page audits clean."""
import re

from playwright.sync_api import expect

from domain import faq
from domain.extensions import db
from domain.helpdesk import saved_replies
from domain.models import OutboxMessage
from tests.browser_helpers import sign_in
from tests.help_helpers import LINK_RE, help_shop
from tests.order_helpers import place, shop_with_a_product


def fits_the_screen(page):
    return page.evaluate("document.documentElement.scrollWidth") <= 390


def the_emailed_reply(app):
    """The reply email as the worker would send it: its plain text."""
    from blueprints.mail import renderer
    with app.app_context():
        message = db.session.scalar(db.select(OutboxMessage).where(
            OutboxMessage.kind == "help_reply"))
        email = renderer(app)(message)
        return email.get_body(("plain",)).get_content()


def test_a_guest_asks_about_an_order_and_reads_the_merchants_saved_reply(
        app, make, phone, browser, browser_context_args, live_server, axe_violations):
    """The guest on a 390 px phone, the merchant on a desktop."""
    setup = shop_with_a_product(make)
    help_shop(app, make)
    merchant = make.user(email="boss@example.com", merchant=True, name="Boss")
    with app.app_context():
        topic = faq.save_category(None, "Care")
        faq.save_entry(None, category_id=topic.id, question="Can the jar hold water?",
                       answer_md="Yes: it is glazed inside.")
        saved_replies.create("Where is my order?",
                             "Hello {first_name}, order {order_number} leaves on Monday.",
                             {}, "en")
        db.session.commit()
    order = place(app, setup)

    page = phone
    page.goto(f"{live_server}/help")
    expect(page.get_by_role("heading", name="Help and questions", level=1)).to_be_visible()
    assert axe_violations(page) == [] and fits_the_screen(page)
    page.get_by_label("Search the questions").fill("engraving")
    expect(page.get_by_role("status")).to_contain_text("No answers for “engraving”")

    page.goto(f"{live_server}/orders/{order['number']}?t={order['token']}")
    page.get_by_role("link", name="Question about this order?").click()
    expect(page.get_by_role("heading", name="Contact us")).to_be_visible()
    assert axe_violations(page) == [] and fits_the_screen(page)
    page.get_by_label("Your name").fill("Minji Park")
    page.get_by_label("Email").fill("minji@example.com")
    page.get_by_label("Your message").fill("Could my jar be engraved before it ships?")
    page.get_by_role("button", name="Send message").click()
    expect(page.get_by_text("Could my jar be engraved before it ships?")).to_be_visible()
    expect(page.locator(".reply-promise")).to_contain_text("We are closed now and open Monday 09:00")
    assert axe_violations(page) == [] and fits_the_screen(page)
    reference = re.search(r"C-[A-Z0-9]{7}", page.url).group(0)

    office = browser.new_context(viewport={"width": 1280, "height": 900},
                                 bypass_csp=True).new_page()
    sign_in(office, live_server, merchant, lands_on="/admin/")
    office.goto(f"{live_server}/admin/inbox")
    question = office.get_by_role("link", name=re.compile("Could my jar be engraved"))
    expect(question).to_be_visible()
    assert axe_violations(office) == []
    question.click()
    expect(office.get_by_role("heading", level=1)).to_contain_text(reference)
    expect(office.get_by_text(order["number"]).first).to_be_visible()
    assert axe_violations(office) == []
    office.get_by_label("Saved reply").select_option(label="Where is my order?")
    reply_box = office.get_by_label("Your reply to minji@example.com")
    expect(reply_box).to_have_value(
        f"Hello Minji, order {order['number']} leaves on Monday.")
    office.get_by_role("button", name="Send reply").click()
    expect(office.get_by_text("Waiting for customer").first).to_be_visible()
    office.context.close()

    text = the_emailed_reply(app)
    assert f"order {order['number']} leaves on Monday" in text
    link = re.search(r"https?://\S+" + LINK_RE.pattern, text)
    assert link and link.group(1) == reference
    fresh = browser.new_context(**browser_context_args, bypass_csp=True).new_page()
    fresh.goto(live_server + link.group(0)[link.group(0).index("/help/messages/"):])
    expect(fresh.get_by_text(f"order {order['number']} leaves on Monday.")).to_be_visible()
    expect(fresh.get_by_text("Could my jar be engraved before it ships?")).to_be_visible()
    assert axe_violations(fresh) == [] and fits_the_screen(fresh)
    fresh.context.close()
