"""The thank-you code on the pages and in the order confirmation: shown to the buyer on the
order's page; in the confirmation email only for a buyer who agreed to marketing email, and
then as advertising ("(광고)" in Korean, the unsubscribe link and headers). The codes' settings
page: owners only, each wrong field its own message."""
from email import message_from_bytes, policy

import pytest

from blueprints.mail import renderer
from domain import consent, orders, transaction
from domain.extensions import db
from domain.loyalty import codes, settings as loyalty_settings
from domain.models import Coupon, LoyaltySettings, OutboxMessage
from tests.order_helpers import NOW, place, shop_with_a_product
from tests.page_helpers import text


@pytest.fixture
def setup(app, make):
    app.config["CLOCK"] = lambda: NOW
    found = shop_with_a_product(make, timezone="Asia/Seoul")
    with app.test_request_context():
        row = loyalty_settings.get()
        row.thank_you_kind, row.thank_you_value, row.thank_you_days = "amount", 5000, 30
        db.session.commit()
    return found


def placed(app, setup, email="minji@example.com", agreed=False, locale="en", **kwargs):
    """An order as checkout places it, with what hooks.order_placed gives it: the code."""
    order = place(app, setup, email=email, **kwargs)
    with app.test_request_context(), transaction.unit_of_work():
        found = orders.by_number(order["number"])
        found.locale = locale
        for message in db.session.scalars(db.select(OutboxMessage).where(
                OutboxMessage.order_id == found.id)):
            message.locale = locale
        codes.thank_you(found, NOW)
        if agreed:
            consent.grant(NOW, "checkout", locale, email=email)
    return order


def confirmation(app, number):
    with app.app_context():
        message = db.session.scalar(db.select(OutboxMessage).join(OutboxMessage.order).where(
            OutboxMessage.kind == "order_placed", orders.Order.number == number))
        return message_from_bytes(renderer(app)(message).as_bytes(), policy=policy.default)


def body_of(email, kind="text/plain"):
    return next(part.get_content() for part in email.walk() if part.get_content_type() == kind)


def code_of(app, order):
    with app.app_context():
        return db.session.scalar(db.select(Coupon.code).where(
            Coupon.issue_key == f"thank-you:{order['id']}"))


def test_the_order_page_shows_the_code_for_next_time(app, client, setup):
    order = placed(app, setup)
    code = code_of(app, order)
    page = text(client.get(f"/orders/{order['number']}?t={order['token']}&placed=1"))
    assert "Your code for next time" in page and code in page
    assert "₩5,000 off one order, until Apr 2, 2026." in page
    # Another visitor without the order's link sees neither the order nor the code.
    other = client.application.test_client()
    response = other.get(f"/orders/{order['number']}")
    assert code not in response.get_data(as_text=True)


def test_a_used_or_paused_code_is_no_longer_offered(app, client, setup):
    order = placed(app, setup)
    with app.test_request_context(), transaction.unit_of_work():
        db.session.scalar(db.select(Coupon)).used_count = 1
    page = text(client.get(f"/orders/{order['number']}?t={order['token']}"))
    assert "Your code for next time" not in page


def test_the_confirmation_carries_the_code_only_with_consent(app, setup):
    without = placed(app, setup, email="quiet@example.com")
    email = confirmation(app, without["number"])
    assert code_of(app, without) not in body_of(email)
    assert email["Subject"].startswith("Thank you for your order")
    assert email["List-Unsubscribe"] is None
    agreed = placed(app, setup, email="yes@example.com", agreed=True)
    email = confirmation(app, agreed["number"])
    body = body_of(email)
    assert code_of(app, agreed) in body and "₩5,000 off one order, until Apr 2, 2026." in body
    assert email["Subject"].startswith("(Ad) Thank you for your order")
    assert email["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/unsubscribe/" in body or "unsubscribe" in body.lower()
    assert code_of(app, agreed) in body_of(email, "text/html")


def test_a_korean_confirmation_with_the_code_is_marked_as_advertising(app, setup):
    order = placed(app, setup, email="minji@example.com", agreed=True, locale="ko")
    email = confirmation(app, order["number"])
    assert email["Subject"].startswith("(광고)")
    assert email["List-Unsubscribe"].startswith("<http")
    assert code_of(app, order) in body_of(email)
    assert "다음 주문" in body_of(email)


# The settings page --------------------------------------------------------------------------

@pytest.fixture
def owner(make, login, setup):
    user = make.user(email="boss@example.com", merchant=True)
    login(user)
    return user


def stored(app):
    with app.app_context():
        row = db.session.get(LoyaltySettings, 1)
        return (row.thank_you_kind, row.thank_you_value, row.thank_you_days, row.birthday_kind,
                row.birthday_value, row.birthday_days, row.birthday_days_before)


def test_the_owner_sets_the_codes_and_each_wrong_field_says_why(app, client, post, owner):
    page = text(client.get("/admin/loyalty/codes"))
    assert "Thank-you and birthday codes" in page and 'value="5,000"' in page
    assert page.count("or a percentage such as 10.") == 2
    assert page.count("only to customers who agreed to offers") == 1
    assert 'href="/admin/loyalty/codes"' in text(client.get("/admin/settings"))
    before = stored(app)
    refused = post("/admin/loyalty/codes", {
        "thank_you_kind": "percent", "thank_you_value": "150", "thank_you_days": "0",
        "birthday_kind": "amount", "birthday_value": "lots", "birthday_days": "400",
        "birthday_days_before": "31"}, token_from="/admin/loyalty/codes")
    assert refused.status_code == 422
    page = text(refused)
    assert "Enter a percentage from 1 to 100, such as 10." in page
    assert page.count("Enter a whole number of days from 1 to 365.") == 2
    assert "is not an amount we can read" in page
    assert "Enter a whole number of days from 0 (on the day) to 30." in page
    assert stored(app) == before
    saved = post("/admin/loyalty/codes", {
        "thank_you_kind": "percent", "thank_you_value": "12.5", "thank_you_days": "60",
        "birthday_kind": "amount", "birthday_value": "10,000", "birthday_days": "14",
        "birthday_days_before": "3"}, token_from="/admin/loyalty/codes")
    assert saved.status_code == 303
    assert stored(app) == ("percent", 1250, 60, "amount", 10000, 14, 3)
    assert 'value="12.5"' in text(client.get("/admin/loyalty/codes"))
    off = post("/admin/loyalty/codes", {
        "thank_you_kind": "", "thank_you_value": "", "thank_you_days": "30",
        "birthday_kind": "", "birthday_value": "", "birthday_days": "14",
        "birthday_days_before": "0"}, token_from="/admin/loyalty/codes")
    assert off.status_code == 303
    assert stored(app) == ("", 0, 30, "", 0, 14, 0)
