"""The birthday in the account settings (month and day, never the year) and the birthday email
the worker sends: once, in the customer's language, as advertising ("(광고)" in Korean, the
unsubscribe link and the one-click headers)."""
from datetime import datetime, timedelta, timezone
from email import message_from_bytes, policy

import pytest

from blueprints.mail import renderer
from domain import consent, transaction
from domain.extensions import db
from domain.loyalty import settings as loyalty_settings
from domain.models import Coupon, OutboxMessage, User
from tests.page_helpers import csrf_token, text

SEOUL = timezone(timedelta(hours=9))
# 20 May 2026, 09:00 in Seoul: the birthday job's hour.
BIRTHDAY_MORNING = datetime(2026, 5, 20, 9, 0, tzinfo=SEOUL).astimezone(timezone.utc)


@pytest.fixture
def shop(app, make):
    app.config["CLOCK"] = lambda: BIRTHDAY_MORNING
    make.settings(name="Moonjar Studio", timezone="Asia/Seoul", currency="KRW")
    with app.test_request_context():
        row = loyalty_settings.get()
        row.birthday_kind, row.birthday_value, row.birthday_days = "amount", 10000, 14
        db.session.commit()


def birthday_of(app, user_id):
    with app.app_context():
        user = db.session.get(User, user_id)
        return user.birth_month, user.birth_day


def send_birthday(client, month, day):
    return client.post("/account/settings/birthday", data={
        "birthday-month": month, "birthday-day": day,
        "csrf_token": csrf_token(client, "/account/settings")})


def test_a_customer_gives_changes_and_clears_a_birthday(app, client, make, login, shop):
    user = make.user(email="minji@example.com")
    login(user)
    page = text(client.get("/account/settings"))
    assert "Birthday month" in page and "never the year" in page
    assert "we email you a birthday code once a year" in page
    assert send_birthday(client, "2", "29").status_code == 303
    assert birthday_of(app, user["id"]) == (2, 29)
    page = text(client.get("/account/settings"))
    assert '<option selected value="29">' in page or 'value="29" selected' in page
    refused = send_birthday(client, "4", "31")
    assert refused.status_code == 422 and "April has only 30 days." in text(refused)
    half = send_birthday(client, "4", "")
    assert half.status_code == 422
    assert "Choose the day of your birthday too, or clear both." in text(half)
    assert birthday_of(app, user["id"]) == (2, 29)
    assert send_birthday(client, "", "").status_code == 303
    assert birthday_of(app, user["id"]) == (None, None)


def test_the_message_is_korean_for_a_korean_page(app, client, make, login, shop):
    login(make.user(email="minji@example.com"))
    client.get("/?lang=ko")
    refused = client.post("/account/settings/birthday", data={
        "birthday-month": "2", "birthday-day": "30",
        "csrf_token": csrf_token(client, "/account/settings")},
        headers={"Accept-Language": "ko"})
    assert refused.status_code == 422
    assert "2월은 29일까지만 있어요." in text(refused)


def customer(app, make, email, language, agreed=True):
    user = make.user(email=email)
    with app.test_request_context(), transaction.unit_of_work():
        account = db.session.get(User, user["id"])
        account.birth_month, account.birth_day, account.locale = 5, 20, language
        if agreed:
            consent.grant(BIRTHDAY_MORNING, "account", language, user=account)
    return user


def run_worker(app):
    result = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.output


def birthday_email(app, address):
    with app.app_context():
        message = db.session.scalar(db.select(OutboxMessage).where(
            OutboxMessage.kind == "birthday_code", OutboxMessage.to_address == address))
        if message is None:
            return None
        return message_from_bytes(renderer(app)(message).as_bytes(), policy=policy.default)


def body_of(email):
    return next(part.get_content() for part in email.walk()
                if part.get_content_type() == "text/plain")


def test_the_worker_sends_each_birthday_once_in_the_customers_language(app, make, shop):
    customer(app, make, "minji@example.com", "ko")
    customer(app, make, "sam@example.com", "en")
    customer(app, make, "quiet@example.com", "en", agreed=False)
    run_worker(app)
    app.config["CLOCK"] = lambda: BIRTHDAY_MORNING + timedelta(days=1)
    run_worker(app)
    with app.app_context():
        queued = sorted(db.session.scalars(db.select(OutboxMessage.to_address).where(
            OutboxMessage.kind == "birthday_code")))
        codes = {c.customer.email: c.code for c in db.session.scalars(
            db.select(Coupon).where(Coupon.source == "birthday"))}
    assert queued == ["minji@example.com", "sam@example.com"]
    assert birthday_email(app, "quiet@example.com") is None
    korean = birthday_email(app, "minji@example.com")
    assert korean["Subject"] == "(광고) Moonjar Studio에서 생일을 축하드려요"
    assert korean["List-Unsubscribe"].startswith("<http")
    assert korean["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    body = body_of(korean)
    assert codes["minji@example.com"] in body
    assert "₩10,000 할인" in body and "수신을 거부하려면" in body and "/unsubscribe/" in body
    english = birthday_email(app, "sam@example.com")
    assert english["Subject"] == "(Ad) Happy birthday from Moonjar Studio"
    assert codes["sam@example.com"] in body_of(english)
    assert "₩10,000 off one order, until Jun 3, 2026." in body_of(english)
