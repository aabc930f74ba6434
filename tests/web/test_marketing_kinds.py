"""Every kind of marketing email, one test: nothing is queued or sent to an address without
confirmed consent (none at all, or a sign-up not yet confirmed from its email), and what goes
with it carries "(광고)" at the start of its Korean subject, the shop's name and contact in its
footer, an unsubscribe link in the body and the List-Unsubscribe + List-Unsubscribe-Post
headers. A new marketing kind (in blueprints/mail.py's MARKETING_KINDS) needs its case here."""
from datetime import datetime, timedelta, timezone
from email import message_from_bytes, policy

import pytest

from blueprints.mail import MARKETING_KINDS, renderer
from domain import checkout_reminders, consent, orders, shopconfig, transaction
from domain.extensions import db
from domain.errors import ShopError
from domain.loyalty import birthdays, codes, settings as loyalty_settings
from domain.newsletter import campaigns, sending
from domain.models import CheckoutRecord, OutboxMessage, User
from domain.reviews import changes
from tests.order_helpers import place, shop_with_a_product
from tests.review_admin_helpers import add_review, bought

SEOUL = timezone(timedelta(hours=9))
# 20 May 2026, 11:00 in Seoul: outside quiet hours, so what is queued is due at once.
MORNING = datetime(2026, 5, 20, 11, 0, tzinfo=SEOUL).astimezone(timezone.utc)
EMAIL = "minji@example.com"
SHOP_EMAIL = "hello@moonjar.example"


@pytest.fixture
def setup(app, make):
    app.config["CLOCK"] = lambda: MORNING
    found = shop_with_a_product(make, timezone="Asia/Seoul", email=SHOP_EMAIL,
                                phone="02-123-4567")
    with app.test_request_context(), transaction.unit_of_work():
        row = loyalty_settings.get()
        row.thank_you_kind, row.thank_you_value, row.thank_you_days = "amount", 5000, 30
        row.birthday_kind, row.birthday_value, row.birthday_days = "amount", 10000, 14
    return found


def _consent(app, state, locale):
    """No consent, a sign-up waiting for its confirmation, or a confirmed one."""
    if state == "none":
        return
    with app.test_request_context(), transaction.unit_of_work():
        assert consent.request(MORNING, "newsletter_form", locale, email=EMAIL) == "sent"
        if state == "confirmed":
            record = consent.pending(EMAIL)
            consent.confirm(consent.confirm_token(record, app.config["SECRET_KEY"]),
                            app.config["SECRET_KEY"], MORNING)


# Each case runs the kind's real sender for EMAIL and returns the kind it queues.
def abandoned_checkout(app, make, setup, locale):
    with app.test_request_context(), transaction.unit_of_work():
        left = MORNING - timedelta(hours=5)
        record = CheckoutRecord(key="k-1", email=EMAIL, locale=locale, started_at=left,
                                last_seen_at=left, state="abandoned", abandoned_at=left,
                                cart={"items": {str(setup["variant"]): 1}, "lines": [
                                    {"name": "Moon jar", "variant": "Small", "quantity": 1,
                                     "amount": 39000}], "total": 39000, "currency": "KRW"})
        db.session.add(record)
        db.session.flush()
        checkout_reminders.remind(record, MORNING, True, shopconfig.current())
    return checkout_reminders.KIND


def birthday_code(app, make, setup, locale):
    user = make.user(email=EMAIL)
    with app.test_request_context(), transaction.unit_of_work():
        account = db.session.get(User, user["id"])
        account.birth_month, account.birth_day, account.locale = 5, 20, locale
    with app.test_request_context(), transaction.unit_of_work():
        config = shopconfig.current()
        birthdays.sweep(MORNING, config.zone, config)
    return birthdays.KIND


def change_note(app, make, setup, locale):
    number = bought(app, setup, EMAIL)
    with app.test_request_context(), transaction.unit_of_work():
        orders.by_number(number).locale = locale
    review = add_review(app, number, status="published")
    with app.test_request_context(), transaction.unit_of_work():
        order = orders.by_number(number)
        note = changes.save(product_id=order.lines[0].product_id, text="Thicker handle.",
                            translations={}, changed_on=None, review_ids=[review],
                            today=MORNING.date(), main_language="en")
        changes.notify_customers(note, MORNING, shopconfig.current())
    return changes.KIND


def thank_you_code(app, make, setup, locale):
    """The order confirmation always goes (it is transactional); it becomes advertising only
    when it carries the thank-you code, and it may only then."""
    order = place(app, setup, email=EMAIL, now=MORNING)
    with app.test_request_context(), transaction.unit_of_work():
        found = orders.by_number(order["number"])
        found.locale = locale
        for message in db.session.scalars(db.select(OutboxMessage).where(
                OutboxMessage.order_id == found.id)):
            message.locale = locale
        codes.thank_you(found, MORNING)
    return "order_placed"


def campaign(app, make, setup, locale):
    """A newsletter to every subscriber, queued by the worker's sending pass. Without confirmed
    consent there is nobody to send it to, and starting it is refused."""
    form = {"name": "May news", "subject_en": "Our May news", "body_en": "New **mugs**.",
            "subject_ko": "5월 소식", "body_ko": "새 **머그**가 나왔어요.",
            "audience": "subscribers", "audience_days": "90", "coupon_kind": ""}
    with app.test_request_context(), transaction.unit_of_work():
        config = shopconfig.current()
        row = campaigns.save(None, form, now=MORNING, by="owner@example.com",
                             main_language="en", currency=config.currency)
        try:
            campaigns.start(row, MORNING)
        except ShopError:
            return sending.KIND
    with app.test_request_context(), transaction.unit_of_work():
        sending.queue_due(MORNING, shopconfig.current(), 10)
    return sending.KIND


CASES = {"abandoned_checkout": abandoned_checkout, "birthday_code": birthday_code,
         "change_note": change_note, "order_placed": thank_you_code, "campaign": campaign}


def test_every_marketing_kind_has_its_case_here():
    assert set(MARKETING_KINDS) | {"order_placed"} == set(CASES)


def _emails(app, kind):
    with app.app_context():
        messages = db.session.scalars(db.select(OutboxMessage).where(
            OutboxMessage.kind == kind, OutboxMessage.to_address == EMAIL)).all()
        render = renderer(app)
        return [(m, message_from_bytes(render(m).as_bytes(), policy=policy.default))
                for m in messages]


def _body(email, kind):
    return next(part.get_content() for part in email.walk() if part.get_content_type() == kind)


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("state", ["none", "pending"])
def test_nothing_goes_without_confirmed_consent(app, make, setup, case, state):
    _consent(app, state, "ko")
    kind = CASES[case](app, make, setup, "ko")
    emails = _emails(app, kind)
    if kind != "order_placed":
        assert emails == []
        return
    ((_message, email),) = emails  # the confirmation itself, without the code
    assert "THANKS-" not in _body(email, "text/plain")
    assert email["List-Unsubscribe"] is None and not email["Subject"].startswith("(광고)")


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("locale", ["ko", "en"])
def test_with_confirmed_consent_it_goes_marked_as_advertising(app, make, setup, case, locale):
    _consent(app, "confirmed", locale)
    kind = CASES[case](app, make, setup, locale)
    ((message, email),) = _emails(app, kind)
    assert message.next_attempt_at <= MORNING  # outside quiet hours: due at once
    assert email["Subject"].startswith("(광고) " if locale == "ko" else "(Ad) ")
    assert email["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = email["List-Unsubscribe"].strip("<>")
    assert "/privacy/unsubscribe/" in unsubscribe
    for part in ("text/plain", "text/html"):
        body = _body(email, part)
        assert unsubscribe in body.replace("&amp;", "&")
        assert "Moonjar Studio" in body and SHOP_EMAIL in body and "02-123-4567" in body
    if kind == "order_placed":
        assert "THANKS-" in _body(email, "text/plain")


@pytest.mark.parametrize("case", sorted(set(CASES) - {"order_placed"}))
def test_consent_withdrawn_while_it_waited_stops_it(app, make, setup, case):
    _consent(app, "confirmed", "en")
    kind = CASES[case](app, make, setup, "en")
    with app.app_context():
        consent.withdraw(EMAIL, MORNING, "unsubscribe_link")
        db.session.commit()
        message = db.session.scalar(db.select(OutboxMessage).where(OutboxMessage.kind == kind))
        with pytest.raises(ValueError, match="no longer agrees"):
            renderer(app)(message)


def test_in_quiet_hours_the_order_confirmation_goes_at_once_without_the_code(app, make, setup):
    """The confirmation is never held: placed at 23:00 in Seoul, it is due at once and, sent in
    quiet hours, leaves the thank-you code out (it stays on the order's page). Sent after
    08:00 it would carry it."""
    late = datetime(2026, 5, 20, 23, 0, tzinfo=SEOUL).astimezone(timezone.utc)
    _consent(app, "confirmed", "ko")
    app.config["CLOCK"] = lambda: late
    order = place(app, setup, email=EMAIL, now=late)
    with app.test_request_context(), transaction.unit_of_work():
        codes.thank_you(orders.by_number(order["number"]), late)
    ((message, email),) = _emails(app, "order_placed")
    assert message.next_attempt_at <= late
    assert "THANKS-" not in _body(email, "text/plain") and email["List-Unsubscribe"] is None
    assert not email["Subject"].startswith("(")
    app.config["CLOCK"] = lambda: late + timedelta(hours=10)  # 09:00 the next morning
    ((_message, email),) = _emails(app, "order_placed")
    assert "THANKS-" in _body(email, "text/plain")
