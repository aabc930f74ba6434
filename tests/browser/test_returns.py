"""A customer returns an item on a phone and follows it until the money is back; the merchant
approves, receives and refunds it in the back office."""
import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.browser_helpers import decoded_width, sign_in
from tests.order_helpers import NOW, delivered_order, shop_with_a_product

RETURN_HEADING = re.compile(r"^Return R-[A-Z0-9]{7}$")


@pytest.fixture
def delivered(app, make):
    """A customer's order of two moon jars (paid by card), delivered two days ago."""
    app.config["CLOCK"] = lambda: NOW + timedelta(days=2)
    setup = shop_with_a_product(make)
    customer = make.user(email="minji@example.com", name="Kim Minji")
    order = delivered_order(app, setup, payment="test_card", user_id=customer["id"], quantity=2)
    return {"customer": customer, **order}


def test_a_customer_returns_one_jar_and_follows_it_to_refunded(phone, browser, browser_context_args,
                                                               live_server, make, delivered,
                                                               axe_violations):
    """From the order page to the form, the estimate before sending, then the return's page
    moving to "Refunded" once the merchant has approved, received and refunded it."""
    page = phone
    sign_in(page, live_server, delivered["customer"])
    expect(page.get_by_role("link", name="Account", exact=True)).to_be_visible()
    page.goto(f"{live_server}/orders/{delivered['number']}")
    page.get_by_role("link", name="Return or exchange items").click()
    expect(page.get_by_role("heading", name="Return or exchange items", level=1)).to_be_visible()

    quantity = page.get_by_role("combobox", name=re.compile("^How many to send back Moon jar"))
    expect(quantity).to_have_value("1")
    estimate = page.locator("#estimate")
    expect(estimate).to_contain_text("You get back ₩39,000")
    quantity.select_option("2")
    expect(estimate).to_contain_text("You get back ₩78,000")
    page.get_by_role("radio", name="Store credit").check()
    expect(estimate).to_contain_text("You get ₩78,000 in store credit")
    page.get_by_role("radio", name="Refund").check()
    quantity.select_option("1")
    expect(estimate).to_contain_text("You get back ₩39,000")
    expect(page.get_by_role("table", name="Estimated refund")).to_contain_text("Free")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert axe_violations(page) == []

    page.get_by_role("button", name="Send return request").click()
    expect(page.get_by_label("Why are you returning them?")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_text("Choose why you are returning the items.").last).to_be_visible()
    page.get_by_label("Why are you returning them?").select_option(label="Wrong size or fit")
    expect(page.get_by_role("radio", name="Drop-off")).to_be_checked()
    page.get_by_role("button", name="Send return request").click()

    expect(page.get_by_role("heading", name=RETURN_HEADING, level=1)).to_be_visible()
    number = page.get_by_role("heading", level=1).inner_text().split()[-1]
    timeline = page.get_by_role("list").filter(has_text="Return requested")
    expect(timeline.locator('[aria-current="step"]')).to_contain_text("Return requested")
    expect(page.get_by_role("table", name="What you get back")).to_contain_text("₩39,000")
    assert axe_violations(page) == []

    merchant = make.user(email="boss@example.com", merchant=True)
    office = browser.new_context(**browser_context_args).new_page()
    sign_in(office, live_server, merchant, lands_on="/admin/")
    office.goto(f"{live_server}/admin/returns/{number}")
    office.get_by_role("button", name="Approve").click()
    office.get_by_role("button", name="Mark received").click()
    office.get_by_role("button", name="Refund ₩39,000").click()
    expect(office.get_by_text(re.compile("Nothing more to do"))).to_be_visible()
    office.context.close()

    page.reload()
    expect(timeline.locator('[aria-current="step"]')).to_contain_text("Refunded")
    expect(page.get_by_role("status").filter(has_text="Refunded.")).to_be_visible()

    page.goto(f"{live_server}/orders/{delivered['number']}")
    expect(page.get_by_role("link", name=re.compile(f"Return {number}"))).to_contain_text("Refunded")
    expect(page.get_by_role("link", name="Return or exchange items")).to_be_visible()  # one jar left


def test_a_bank_transfer_return_asks_where_the_refund_goes(phone, live_server, app, make,
                                                           axe_violations):
    """On a phone: the account fields come with a refund and leave for store credit, a wrong
    number is named, and the return's page shows the account masked."""
    app.config["CLOCK"] = lambda: NOW + timedelta(days=2)
    setup = shop_with_a_product(make)
    customer = make.user(email="minji@example.com", name="Kim Minji")
    order = delivered_order(app, setup, payment="bank_transfer", user_id=customer["id"])
    page = phone
    sign_in(page, live_server, customer)
    expect(page.get_by_role("link", name="Account", exact=True)).to_be_visible()
    page.goto(f"{live_server}/orders/{order['number']}/return")
    # The reason redraws the form: chosen first, and settled before anything is typed.
    page.get_by_label("Why are you returning them?").select_option(label="Wrong size or fit")
    page.wait_for_load_state("networkidle")

    account = page.get_by_role("group", name="Where should we send your refund?")
    expect(account).to_be_visible()
    page.get_by_role("radio", name="Store credit").check()
    expect(account).to_have_count(0)
    page.get_by_role("radio", name="Refund").check()
    expect(account).to_be_visible()
    page.wait_for_load_state("networkidle")
    page.get_by_label("Bank", exact=True).fill("KB Kookmin")
    page.get_by_label("Account number").fill("123456-01-78AB")
    page.get_by_label("Account holder's name").fill("Kim Minji")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("button", name="Send return request").click()

    expect(page.get_by_label("Account number")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_text("Use only digits and dashes").last).to_be_visible()
    page.get_by_label("Account number").fill("123456-01-781234")
    page.get_by_role("button", name="Send return request").click()

    expect(page.get_by_role("heading", name=RETURN_HEADING, level=1)).to_be_visible()
    section = page.get_by_role("region", name="Your refund account")
    expect(section).to_contain_text("KB Kookmin · ******-**-**1234 · Kim Minji")
    expect(section).not_to_contain_text("781234")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert axe_violations(page) == []


def test_a_damaged_jar_with_a_photo_is_approved_and_refunded_in_full(phone, browser,
                                                                    browser_context_args,
                                                                    live_server, make, app,
                                                                    delivered, axe_violations):
    """The shop keeps 10 % of change-of-mind refunds; a jar that arrived cracked is sent back
    with a photo, nothing is kept, and the merchant sees the photo, approves and refunds it all."""
    import io

    from PIL import Image

    from domain import returns
    from domain.extensions import db
    from tests.return_helpers import rule_values
    with app.test_request_context():
        returns.save_rule("shop", None, rule_values(restocking_fee_bp=1000), NOW)
        db.session.commit()
    photo = io.BytesIO()
    Image.new("RGB", (120, 90), (200, 60, 40)).save(photo, "JPEG")

    page = phone
    sign_in(page, live_server, delivered["customer"])
    expect(page.get_by_role("link", name="Account", exact=True)).to_be_visible()
    page.goto(f"{live_server}/orders/{delivered['number']}/return")
    estimate = page.locator("#estimate")
    expect(estimate).to_contain_text("You get back ₩35,100")
    page.get_by_label("Why are you returning them?").select_option(label="Arrived damaged")
    expect(estimate).to_contain_text("You get back ₩39,000")
    expect(estimate).to_contain_text("nothing is kept from what you paid")
    page.get_by_label("Anything else we should know? (optional)").fill("Cracked along the rim.")
    page.get_by_label("Photos (optional)").set_input_files(
        files=[{"name": "crack.jpg", "mimeType": "image/jpeg", "buffer": photo.getvalue()}])
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert axe_violations(page) == []
    page.get_by_role("button", name="Send return request").click()

    expect(page.get_by_role("heading", name=RETURN_HEADING, level=1)).to_be_visible()
    number = page.get_by_role("heading", level=1).inner_text().split()[-1]
    picture = page.get_by_role("img", name=f"Photo 1 of 1 sent with return {number}")
    expect(picture).to_be_visible()
    assert decoded_width(picture) == 120
    expect(page.get_by_role("table", name="What you get back")).to_contain_text("₩39,000")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert axe_violations(page) == []

    merchant = make.user(email="boss@example.com", merchant=True)
    office = browser.new_context(**browser_context_args).new_page()
    sign_in(office, live_server, merchant, lands_on="/admin/")
    office.goto(f"{live_server}/admin/returns?fault=1")
    office.get_by_role("link", name=number).click()
    expect(office.get_by_text("Fault", exact=True).first).to_be_visible()
    shown = office.get_by_role("img", name=f"Photo 1 of 1 sent with return {number}")
    expect(shown).to_be_visible()
    assert decoded_width(shown) == 120
    office.get_by_role("button", name="Approve").click()
    office.get_by_role("button", name="Mark received").click()
    office.get_by_role("button", name="Refund ₩39,000").click()
    expect(office.get_by_text(re.compile("Nothing more to do"))).to_be_visible()
    office.context.close()

    page.reload()
    expect(page.get_by_role("status").filter(has_text="Refunded.")).to_be_visible()
