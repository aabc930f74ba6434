"""Buying on a phone: a guest through the checkout page, a returning customer with one click."""
import re

import pytest

from playwright.sync_api import expect

from domain.extensions import db
from domain.models import Coupon

from tests.checkout_helpers import one_click_customer

ORDER_HEADING = re.compile(r"^Order [A-Z0-9]{3}-[A-Z0-9]{4}$")


def test_a_guest_buys_from_the_product_page_to_the_confirmation(phone, live_server, checkout_shop,
                                                               axe_violations):
    """Breakdown first, the region changes prices in place, the order page confirms."""
    page = phone
    page.goto(f"{live_server}/products/moon-jar")
    page.get_by_role("button", name="Add to cart").click()
    expect(page.get_by_role("status").filter(has_text="Added to your cart")).to_be_visible()
    page.get_by_role("link", name=re.compile(r"^Cart")).click()
    page.get_by_role("link", name="Checkout", exact=True).click()

    expect(page.get_by_role("heading", name="Checkout", level=1)).to_be_visible()
    summary = page.get_by_role("table", name="Price breakdown")
    expect(summary).to_contain_text("₩42,000")  # before anything is typed
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.get_by_label("Shipping region").select_option("Islands")
    expect(summary).to_contain_text("Jeju and islands")
    expect(summary).to_contain_text("₩46,000")
    expect(page.get_by_role("radio", name=re.compile("Jeju and islands"))).to_be_checked()
    page.get_by_label("Shipping region").select_option("Domestic")
    page.get_by_role("radio", name=re.compile("Express")).check()
    expect(summary).to_contain_text("₩45,000")

    page.get_by_label("Email for your receipt").fill("minji@example.com")
    page.get_by_label("Full name").fill("Kim Minji")
    page.get_by_label("Phone (for the courier)").fill("010-1234-5678")
    page.get_by_label("Street address").fill("1 Sejong-daero")
    page.get_by_label("City").fill("Seoul")
    page.get_by_label("Postcode").fill("04524")
    page.get_by_role("radio", name=re.compile("Standard")).check()
    expect(summary).to_contain_text("₩42,000")
    page.get_by_role("radio", name="Bank transfer").check()
    page.get_by_role("button", name="Place order").click()

    expect(page).to_have_url(re.compile(r"/orders/[A-Z0-9]{3}-[A-Z0-9]{4}\?"))
    expect(page.get_by_role("heading", name=ORDER_HEADING, level=1)).to_be_visible()
    expect(page.get_by_role("link", name=re.compile(r"^Cart"))).to_have_accessible_name(
        re.compile(r"0 items"))


def test_field_errors_are_announced_next_to_their_fields(phone, live_server, checkout_shop,
                                                         axe_violations, app):
    """Placing an empty form: messages by the fields, linked from the top, audit still clean."""
    page = phone
    page.goto(f"{live_server}/products/moon-jar")
    page.get_by_role("button", name="Add to cart").click()
    expect(page.get_by_role("status").filter(has_text="Added to your cart")).to_be_visible()
    page.goto(f"{live_server}/checkout")
    # No coupon field while no code is active; one appears (labelled) once a code is.
    expect(page.get_by_label(re.compile("Coupon"))).to_have_count(0)
    with app.app_context():
        db.session.add(Coupon(code="SPRING10", code_key="SPRING10", kind="percent", value=1000,
                              product_ids=[], category_ids=[]))
        db.session.commit()
    page.reload()
    expect(page.get_by_label("Coupon code")).to_have_count(1)
    page.get_by_role("button", name="Place order").click()
    email = page.get_by_label("Email for your receipt")
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(email).to_have_accessible_description(re.compile("Please enter the email address"))
    assert axe_violations(page) == []


def test_a_returning_customer_buys_with_one_click_and_undoes_it(phone, live_server, app, make,
                                                                 checkout_shop, axe_violations):
    """The button says what it will do; the order page offers the undo; cancelling works."""
    page = phone
    user = one_click_customer(app, make)
    page.goto(f"{live_server}/account/login")
    page.get_by_label("Email").fill(user["email"])
    page.get_by_label("Password").fill(user["password"])
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("link", name="Account", exact=True)).to_be_visible()

    page.goto(f"{live_server}/products/moon-jar")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Buy now: ₩42,000 to Home, bank transfer").click()

    expect(page).to_have_url(re.compile(r"/orders/[A-Z0-9]{3}-[A-Z0-9]{4}\?placed=1"))
    expect(page.get_by_role("heading", name=ORDER_HEADING, level=1)).to_be_visible()
    undo = page.get_by_role("region", name="Changed your mind?")
    expect(undo).to_be_visible()
    expect(undo).to_contain_text("You can cancel or change this order until")
    undo.get_by_text("Change the delivery address").click()
    expect(undo.get_by_label("Street address")).to_have_value("1 Sejong-daero")
    assert axe_violations(page, ".undo") == []
    undo.get_by_role("button", name="Cancel order").click()
    expect(page.get_by_text("Your order is cancelled.")).to_be_visible()
    expect(page.get_by_text("This order was cancelled.")).to_be_visible()
    expect(page.get_by_role("region", name="Changed your mind?")).to_have_count(0)


WORDS = {
    "en": {"place": "Place order", "region": "Shipping region", "update": "Update shipping options",
           "breakdown": "Price breakdown", "see": "See breakdown", "payment": "Payment",
           "bank": "Bank transfer", "total": r"^\s*Total \(1 item\)\s+₩{}\s*$"},
    "ko": {"place": "주문하기", "region": "배송 지역", "update": "배송 옵션 업데이트",
           "breakdown": "금액 상세", "see": "금액 상세 보기", "payment": "결제",
           "bank": "무통장 입금", "total": r"^\s*합계 \(상품 1개\)\s+₩{}\s*$"},
}


def open_checkout_with_a_jar(browser, browser_context_args, live_server, lang, javascript):
    """A phone (JavaScript on or off) with a moon jar in its cart, on the checkout page in
    `lang`. Returns the page."""
    context = browser.new_context(**browser_context_args, java_script_enabled=javascript,
                                  bypass_csp=True)
    page = context.new_page()
    page.goto(f"{live_server}/products/moon-jar")
    page.get_by_role("button", name="Add to cart").click()
    if javascript:
        expect(page.get_by_role("status").filter(has_text="Added to your cart")).to_be_visible()
    else:
        expect(page).to_have_url(re.compile(r"/cart$"))
    if lang == "ko":
        page.get_by_role("button", name="한국어").click()
        expect(page.locator("html")).to_have_attribute("lang", "ko")
    page.goto(f"{live_server}/checkout")
    return page


def gap_above(page, button, total):
    """Pixels from the bottom of the total to the top of the button, and whether both lie in
    the viewport below the sticky header once the button is scrolled into view."""
    button.scroll_into_view_if_needed()
    header = page.get_by_role("banner").bounding_box()
    button_box, total_box = button.bounding_box(), total.bounding_box()
    both_visible = (total_box["y"] >= header["y"] + header["height"]
                    and button_box["y"] + button_box["height"] <= page.viewport_size["height"])
    return button_box["y"] - (total_box["y"] + total_box["height"]), both_visible


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_total_sits_just_above_the_place_order_button(browser, browser_context_args,
                                                         live_server, checkout_shop,
                                                         axe_violations, lang, javascript):
    """At 390x844 the amount to pay is a few pixels above the button, seen with it, the same as
    the breakdown's after the region changes, and its link leads back up to the breakdown."""
    words = WORDS[lang]
    page = open_checkout_with_a_jar(browser, browser_context_args, live_server, lang, javascript)
    button = page.get_by_role("button", name=words["place"])
    total = page.locator("#compact-total")
    breakdown = page.get_by_role("table", name=words["breakdown"])
    expect(total).to_have_text(re.compile(words["total"].format("42,000")))
    expect(button).to_have_accessible_description(re.compile(words["total"].format("42,000")))

    gap, both_visible = gap_above(page, button, total)
    assert 0 <= gap < 120 and both_visible, (gap, both_visible)

    page.get_by_label(words["region"]).select_option("Islands")
    if not javascript:
        page.get_by_role("button", name=words["update"]).click()
    expect(breakdown.locator("tfoot")).to_contain_text("₩46,000")
    expect(total).to_have_text(re.compile(words["total"].format("46,000")))

    page.get_by_role("radio", name=words["bank"]).check()
    if javascript:  # the audit runs as a script; the page is the same without one
        assert axe_violations(page) == []
    page.get_by_role("link", name=words["see"]).click()
    expect(breakdown).to_be_in_viewport()
    page.context.close()


def test_payment_methods_are_compact_cards_in_one_group(phone, live_server, checkout_shop):
    """Each method is one tap target of 44 px or more with a short hint; the bank account shows
    once bank transfer is chosen, the card number once a card is."""
    page = phone
    page.goto(f"{live_server}/products/moon-jar")
    page.get_by_role("button", name="Add to cart").click()
    expect(page.get_by_role("status").filter(has_text="Added to your cart")).to_be_visible()
    page.goto(f"{live_server}/checkout")
    payment = page.get_by_role("group", name="Payment")
    radios = payment.get_by_role("radio")
    expect(radios).to_have_count(3)
    for radio in radios.all():
        card = radio.locator("xpath=ancestor::label[1]").bounding_box()
        assert 44 <= card["height"] <= 80, card
    expect(payment.get_by_role("radio", name="Bank transfer")).to_have_accessible_description(
        re.compile(r"^Pay within 3 days"))
    assert payment.bounding_box()["height"] < 260

    bank_account = payment.get_by_text("Hana Bank 123-456789-01")
    expect(bank_account).to_be_hidden()
    payment.get_by_role("radio", name="Bank transfer").check()
    expect(bank_account).to_be_visible()
    expect(payment.get_by_label("Card number")).to_be_hidden()
    payment.get_by_role("radio", name="Card (test mode)").check()
    expect(payment.get_by_label("Card number")).to_be_visible()
    expect(bank_account).to_be_hidden()


def test_the_test_shop_banner_is_above_the_header_and_covers_nothing(phone, live_server, checkout_shop):
    """In test mode (these tests' shop) the banner is a landmark of its own, in the page's flow
    above the header on a 390 px phone, and scrolls away with the page instead of covering it."""
    page = phone
    page.goto(f"{live_server}/products/moon-jar")
    banner = page.get_by_role("complementary", name="Test mode")
    expect(banner).to_have_text("Test shop: no real payments are taken")
    box, header = banner.bounding_box(), page.locator(".site-header").bounding_box()
    assert box["y"] == 0 and box["width"] <= 390 and box["y"] + box["height"] <= header["y"] + 0.5
    assert banner.evaluate("el => getComputedStyle(el).position") == "static"
    page.mouse.wheel(0, 600)
    page.wait_for_function("window.scrollY > 0")
    assert banner.bounding_box()["y"] < 0
