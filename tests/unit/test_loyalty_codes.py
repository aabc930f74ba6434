"""Codes that arrive at the right moment, at the domain level: the thank-you code of an order
(once per order, for that customer, valid to the last second of its last day in the shop's
zone, paused when the order is cancelled), the birthday (month and day only, Feb 29, clear
messages) and the birthday job (once a year, on the day or days before, in the shop's zone,
only with consent, tier points once)."""
from datetime import datetime, timedelta, timezone

import pytest

from domain import consent, orders, transaction
from domain.extensions import db
from domain.loyalty import birthdays, codes, settings as loyalty_settings
from domain.models import Coupon, LoyaltyTier, OutboxMessage, PointsEntry, User
from tests.order_helpers import NOW, place, shop_with_a_product

SEOUL = timezone(timedelta(hours=9))


def loyalty(app, **values):
    with app.test_request_context():
        row = loyalty_settings.get()
        for key, value in values.items():
            setattr(row, key, value)
        db.session.commit()


@pytest.fixture
def setup(app, make):
    app.config["CLOCK"] = lambda: NOW
    found = shop_with_a_product(make, timezone="Asia/Seoul")
    loyalty(app, thank_you_kind="amount", thank_you_value=5000, thank_you_days=30)
    return found


def thank(app, number, now=NOW):
    """What hooks.order_placed does for the order (called again: it must not issue twice)."""
    with app.test_request_context(), transaction.unit_of_work():
        order = orders.by_number(number)
        coupon = codes.thank_you(order, now)
        return coupon.id if coupon is not None else None


def coupons_of(app, source):
    with app.app_context():
        db.session.expire_all()
        return db.session.scalars(db.select(Coupon).where(Coupon.source == source)
                                  .order_by(Coupon.id)).all()


def test_a_thank_you_code_is_issued_once_per_order_for_that_customer(app, setup, make):
    member = make.user(email="minji@example.com")
    order = place(app, setup, user_id=member["id"])
    first = thank(app, order["number"])
    assert thank(app, order["number"]) == first
    [coupon] = coupons_of(app, "thank_you")
    assert coupon.id == first and coupon.code.startswith("THANKS-")
    assert (coupon.kind, coupon.value, coupon.usage_limit, coupon.per_customer_limit) == (
        "amount", 5000, 1, 1)
    assert coupon.customer_user_id == member["id"] and coupon.customer_email == ""
    assert coupon.issue_key == f"thank-you:{order['id']}"
    # A guest's code is for their email address, whatever its letter case.
    guest = place(app, setup, email="Guest@Example.com")
    thank(app, guest["number"])
    assert coupons_of(app, "thank_you")[1].customer_email == "guest@example.com"
    assert coupons_of(app, "thank_you")[1].customer_user_id is None


def test_the_code_works_until_the_last_second_of_its_last_day_in_seoul(app, setup):
    # Placed 3 March 18:00 in Seoul, valid 30 days: it works all of 2 April, Seoul time.
    order = place(app, setup)
    thank(app, order["number"])
    [coupon] = coupons_of(app, "thank_you")
    assert coupon.ends_at == datetime(2026, 4, 2, 15, 0, tzinfo=timezone.utc)
    assert coupon.ends_at.astimezone(SEOUL) == datetime(2026, 4, 3, 0, 0, tzinfo=SEOUL)
    with app.test_request_context():
        found = orders.by_number(order["number"])
        last_second = codes.thank_you_offer(found, coupon.ends_at - timedelta(seconds=1))
        assert last_second.code == coupon.code and last_second.last_day.isoformat() == "2026-04-02"
        assert codes.thank_you_offer(found, coupon.ends_at) is None


def test_in_los_angeles_the_last_day_is_the_shops_own(app, setup, make):
    make.settings(timezone="America/Los_Angeles")
    loyalty(app, thank_you_kind="percent", thank_you_value=1000, thank_you_days=1)
    # 3 March 05:00 UTC is 2 March 21:00 in Los Angeles: one day more is 3 March there, to
    # its last second (4 March 00:00 PST is 08:00 UTC).
    placed_at = datetime(2026, 3, 3, 5, 0, tzinfo=timezone.utc)
    order = place(app, setup, now=placed_at)
    thank(app, order["number"], placed_at)
    [coupon] = coupons_of(app, "thank_you")
    assert (coupon.kind, coupon.value) == ("percent", 1000)
    assert coupon.ends_at == datetime(2026, 3, 4, 8, 0, tzinfo=timezone.utc)


def test_no_code_when_the_setting_is_off_or_the_order_cost_nothing(app, setup):
    free = place(app, setup)
    with app.test_request_context(), transaction.unit_of_work():
        orders.by_number(free["number"]).total = 0  # as a 100 % code leaves it
    assert thank(app, free["number"]) is None
    loyalty(app, thank_you_kind="")
    order = place(app, setup, email="b@example.com")
    assert thank(app, order["number"]) is None
    assert coupons_of(app, "thank_you") == []


def test_a_cancelled_orders_unused_code_is_paused_a_used_one_is_not(app, setup):
    cancelled, kept = place(app, setup), place(app, setup, email="b@example.com")
    thank(app, cancelled["number"])
    thank(app, kept["number"])
    with app.test_request_context(), transaction.unit_of_work():
        used = db.session.scalar(db.select(Coupon).where(
            Coupon.issue_key == f"thank-you:{kept['id']}"))
        used.used_count = 1  # spent on a later order before this one was cancelled
    with app.test_request_context(), transaction.unit_of_work():
        for number in (cancelled["number"], kept["number"]):
            orders.set_status(orders.by_number(number), "cancelled", "merchant:test",
                              NOW + timedelta(hours=1))
    paused = {c.issue_key: c.paused for c in coupons_of(app, "thank_you")}
    assert paused == {f"thank-you:{cancelled['id']}": True, f"thank-you:{kept['id']}": False}
    with app.test_request_context():
        assert codes.thank_you_offer(orders.by_number(cancelled["number"]), NOW) is None


# The birthday -----------------------------------------------------------------------------

def keep_birthday(app, user_id, month, day):
    with app.test_request_context(), transaction.unit_of_work():
        return birthdays.set_birthday(db.session.get(User, user_id), month, day)


def birthday_of(app, user_id):
    with app.app_context():
        user = db.session.get(User, user_id)
        return user.birth_month, user.birth_day


def test_a_birthday_is_a_month_and_a_day_with_clear_messages(app, make):
    user = make.user()
    assert keep_birthday(app, user["id"], "2", "29") == (2, 29)
    for month, day, field, message in (
            ("2", "30", "day", "February has only 29 days."),
            ("4", "31", "day", "April has only 30 days."),
            ("4", "", "day", "Choose the day of your birthday too, or clear both."),
            ("", "12", "month", "Choose the month of your birthday too, or clear both."),
            ("13", "1", "month", "Choose a month from the list."),
            ("x", "1", "month", "Choose a month from the list."),
            ("1", "32", "day", "Choose a day from 1 to 31.")):
        with pytest.raises(birthdays.InvalidBirthday) as refused:
            keep_birthday(app, user["id"], month, day)
        assert refused.value.errors[field] == message, (month, day)
        assert birthday_of(app, user["id"]) == (2, 29)
    assert keep_birthday(app, user["id"], "", "") is None
    assert birthday_of(app, user["id"]) == (None, None)


def test_february_29_is_kept_on_february_28_in_other_years():
    assert birthdays.birthday_in(2027, 2, 29).isoformat() == "2027-02-28"
    assert birthdays.birthday_in(2028, 2, 29).isoformat() == "2028-02-29"
    assert birthdays.birthday_in(2027, 3, 1).isoformat() == "2027-03-01"


@pytest.fixture
def birthday_shop(app, make):
    make.settings(timezone="Asia/Seoul", name="Moonjar Studio")
    loyalty(app, birthday_kind="amount", birthday_value=10000, birthday_days=14,
            birthday_days_before=0)


def customer(app, make, email, month, day, agreed=True, language="en"):
    user = make.user(email=email)
    keep_birthday(app, user["id"], month, day)
    with app.test_request_context(), transaction.unit_of_work():
        account = db.session.get(User, user["id"])
        account.locale = language
        if agreed:
            consent.grant(NOW, "account", language, user=account)
    return user


def sweep(app, when):
    with app.test_request_context(), transaction.unit_of_work():
        from domain import shopconfig
        return birthdays.sweep(when, shopconfig.zone(shopconfig.get_settings_row().timezone))


def birthday_emails(app):
    with app.app_context():
        return [(m.to_address, m.locale, m.dedupe_key) for m in db.session.scalars(
            db.select(OutboxMessage).where(OutboxMessage.kind == "birthday_code")
            .order_by(OutboxMessage.id))]


def seoul(year, month, day, hour=9):
    return datetime(year, month, day, hour, tzinfo=SEOUL).astimezone(timezone.utc)


def test_birthday_code_once_a_year_on_the_day_in_the_shops_zone(app, make, birthday_shop):
    minji = customer(app, make, "minji@example.com", 5, 20)
    # 19 May 23:59 in Seoul (14:59 UTC): not yet.
    sweep(app, seoul(2026, 5, 19, 23) + timedelta(minutes=59))
    assert birthday_emails(app) == []
    # 20 May 00:30 in Seoul is still 19 May in UTC: the shop's day counts.
    sweep(app, seoul(2026, 5, 20, 0) + timedelta(minutes=30))
    sweep(app, seoul(2026, 5, 20, 9))
    assert birthday_emails(app) == [("minji@example.com", "en", f"birthday:{minji['id']}:2026")]
    [coupon] = coupons_of(app, "birthday")
    assert (coupon.customer_user_id, coupon.value, coupon.usage_limit) == (minji["id"], 10000, 1)
    # Issued 20 May for 14 days: it works to the end of 3 June, Seoul time.
    assert coupon.ends_at == seoul(2026, 6, 4, 0)
    sweep(app, seoul(2026, 5, 21, 9))
    assert len(birthday_emails(app)) == 1
    sweep(app, seoul(2027, 5, 20, 9))
    assert [key for _to, _lang, key in birthday_emails(app)] == [
        f"birthday:{minji['id']}:2026", f"birthday:{minji['id']}:2027"]
    assert len(coupons_of(app, "birthday")) == 2


def test_days_before_and_a_worker_down_on_the_day(app, make, birthday_shop):
    loyalty(app, birthday_days_before=3)
    customer(app, make, "minji@example.com", 5, 20)
    newyear = customer(app, make, "jun@example.com", 1, 2)
    sweep(app, seoul(2026, 5, 16, 9))
    assert birthday_emails(app) == []
    # The worker was down on the 17th: the 18th still sends, once.
    sweep(app, seoul(2026, 5, 18, 9))
    sweep(app, seoul(2026, 5, 20, 9))
    assert [to for to, _lang, _key in birthday_emails(app)] == ["minji@example.com"]
    # 2 January, three days before: 30 December, counted for the new year.
    sweep(app, seoul(2026, 12, 30, 9))
    assert birthday_emails(app)[-1] == ("jun@example.com", "en",
                                        f"birthday:{newyear['id']}:2027")


def test_february_29_birthdays_are_sent_on_the_28th_in_other_years(app, make, birthday_shop):
    leap = customer(app, make, "leap@example.com", 2, 29)
    sweep(app, seoul(2027, 2, 28, 9))
    assert birthday_emails(app) == [("leap@example.com", "en", f"birthday:{leap['id']}:2027")]
    sweep(app, seoul(2027, 3, 1, 9))
    assert len(birthday_emails(app)) == 1


def test_without_consent_nothing_is_sent_but_the_tier_points_are_given_once(app, make,
                                                                          birthday_shop):
    quiet = customer(app, make, "quiet@example.com", 5, 20, agreed=False)
    with app.test_request_context(), transaction.unit_of_work():
        tier = LoyaltyTier(name_en="Gold", name_ko="골드", birthday_points=500)
        db.session.add(tier)
        db.session.flush()
        db.session.get(User, quiet["id"]).tier_id = tier.id
    sweep(app, seoul(2026, 5, 20, 9))
    sweep(app, seoul(2026, 5, 20, 12))
    assert birthday_emails(app) == [] and coupons_of(app, "birthday") == []
    with app.app_context():
        assert db.session.get(User, quiet["id"]).points_balance == 500
        [entry] = db.session.scalars(db.select(PointsEntry)).all()
        assert (entry.kind, entry.points, entry.key) == (
            "bonus", 500, f"birthday-points:{quiet['id']}:2026")


def test_birthday_codes_off_send_nothing(app, make, birthday_shop):
    loyalty(app, birthday_kind="")
    customer(app, make, "minji@example.com", 5, 20)
    assert sweep(app, seoul(2026, 5, 20, 9)) == ""
    assert birthday_emails(app) == []
