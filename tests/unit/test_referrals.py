"""Referrals at the domain level: the customer's code, the welcome coupon, who may be rewarded
(self-referrals by account, email and address; the monthly cap), the reward exactly once when
the first order's return window closes, and the refusals for a cancelled or returned order."""
import itertools
from datetime import datetime, timedelta, timezone

import pytest

from domain import orders
from domain.errors import ShopError
from domain.extensions import db
from domain.loyalty import referrals
from domain.loyalty import settings as loyalty_settings
from domain.models import (Address, Coupon, CreditEntry, Order, OutboxMessage, PointsEntry,
                           Referral, User)
from domain.returns import rules
from tests.order_helpers import NOW, place, shop_with_a_product

FRIEND = "friend@example.com"
# Delivered at NOW (09:00 UTC, 3 March) with the default 30-day window, in a UTC shop: the
# last moment to ask for a return is the end of 2 April.
TOKENS = itertools.count(1)
WINDOW_CLOSES = datetime(2026, 4, 3, tzinfo=timezone.utc) - timedelta(microseconds=1)


@pytest.fixture
def shop(app, make):
    setup = shop_with_a_product(make)
    setup["referrer"] = make.user(email="Referrer.One@example.com")
    with app.app_context():
        configure(referrals_on=True, referral_welcome_kind="amount", referral_welcome_value=5000,
                  referral_reward_kind="points", referral_reward_amount=500,
                  referral_monthly_cap=5)
        user = db.session.get(User, setup["referrer"]["id"])
        user.locale = "ko"
        setup["code"] = referrals.code_for(user)
        db.session.commit()
    return setup


def configure(**values):
    row = loyalty_settings.get()
    for key, value in values.items():
        setattr(row, key, value)
    db.session.commit()


def order_through_link(app, shop, email=FRIEND, now=NOW, code=None, **kwargs):
    """Place an order (committed) and record its referral as place_order's hook does."""
    placed = place(app, shop, email=email, now=now, token=f"ref-{next(TOKENS)}", **kwargs)
    with app.test_request_context():
        order = db.session.get(Order, placed["id"])
        referral = referrals.order_placed(order, shop["code"] if code is None else code, now)
        db.session.commit()
        return (referral.id if referral else None), placed


def referral(referral_id):
    db.session.expire_all()
    return db.session.get(Referral, referral_id)


def deliver(app, number, now=NOW):
    with app.test_request_context():
        order = orders.by_number(number)
        for status in ("paid", "packed", "shipped", "delivered"):
            orders.set_status(order, status, "merchant:test", now, carrier="CJ Logistics",
                              tracking_number="1")
        db.session.commit()


def test_a_customers_code_is_random_unambiguous_unique_and_kept(app, make, shop):
    other = make.user()
    with app.app_context():
        first = db.session.get(User, shop["referrer"]["id"])
        assert referrals.code_for(first) == shop["code"]  # made once, then kept
        second = referrals.code_for(db.session.get(User, other["id"]))
        for code in (shop["code"], second):
            assert len(code) == 8 and not set(code) & set("01IO")
        assert second != shop["code"]
        assert referrals.referrer_for(shop["code"].lower()).id == first.id
        assert referrals.referrer_for("NOSUCH22") is None


@pytest.mark.parametrize("typed, same", [
    ("Min.Ji+shop@Example.COM", "minji@example.com"),
    ("m.i.n.j.i+a+b@mail.example.org", "minji@mail.example.org"),
    ("minji@gmail.com", "minji@gmail.com"),
])
def test_emails_are_compared_without_case_dots_or_plus_tags_for_every_domain(typed, same):
    assert referrals.normal_email(typed) == same


def test_a_friends_first_order_through_the_link_is_pending_with_the_reward_fixed(app, shop):
    referral_id, _placed = order_through_link(app, shop)
    with app.app_context():
        configure(referral_reward_amount=9999)  # later changes do not move this one
        ref = referral(referral_id)
        assert (ref.status, ref.reason, ref.referrer_id) == ("pending", "", shop["referrer"]["id"])
        assert (ref.reward_kind, ref.reward_amount) == ("points", 500)
        assert ref.referred_email == FRIEND and ref.vests_at is None


def test_a_second_order_unknown_code_or_referrals_off_record_nothing(app, shop):
    order_through_link(app, shop)
    again, _placed = order_through_link(app, shop, now=NOW + timedelta(hours=1))
    assert again is None  # not a first order
    unknown, _placed = order_through_link(app, shop, email="b@example.com", code="NOSUCH22")
    assert unknown is None
    with app.app_context():
        configure(referrals_on=False)
    off, _placed = order_through_link(app, shop, email="c@example.com")
    assert off is None
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Referral.id))) == 1


@pytest.mark.parametrize("email", ["referrer.one@example.com", "REFERRERONE@EXAMPLE.COM",
                                   "referrer.one+friend@example.com", "r.e.f.e.r.r.e.r.o.n.e@example.com"])
def test_the_referrers_own_email_however_written_earns_nothing(app, shop, email):
    referral_id, _placed = order_through_link(app, shop, email=email)
    with app.app_context():
        ref = referral(referral_id)
        assert (ref.status, ref.reason) == ("refused", "same_email")
        assert referrals.reason_label(ref.reason) == "Same email as the referrer"


def test_an_email_the_referrer_ordered_with_before_earns_nothing(app, shop):
    place(app, shop, email="other.me@example.net", user_id=shop["referrer"]["id"])
    referral_id, _placed = order_through_link(app, shop, email="otherme+new@example.net")
    with app.app_context():
        assert referral(referral_id).reason == "same_email"


def test_the_referrers_own_account_earns_nothing(app, shop):
    referral_id, _placed = order_through_link(app, shop, email="new-address@example.com",
                                              user_id=shop["referrer"]["id"])
    with app.app_context():
        assert (referral(referral_id).status, referral(referral_id).reason) == \
            ("refused", "same_account")


def test_the_referrers_saved_address_written_differently_earns_nothing(app, shop):
    with app.app_context():
        db.session.add(Address(user_id=shop["referrer"]["id"], name="Referrer",
                               line1="1 Sejong-daero", line2="Apt 301", city="Seoul",
                               postcode="04524", region="Domestic", country="KR"))
        db.session.commit()
    referral_id, _placed = order_through_link(
        app, shop, address={"line1": "1 SEJONG DAERO,", "line2": "apt. 301", "city": " seoul",
                            "postcode": "04-524"})
    with app.app_context():
        assert (referral(referral_id).status, referral(referral_id).reason) == \
            ("refused", "same_address")


def test_an_address_the_referrer_shipped_to_before_earns_nothing(app, shop):
    place(app, shop, email="referrer.one@example.com", address={"line1": "9 Hangang-ro"})
    referral_id, _placed = order_through_link(app, shop, address={"line1": "9 hangang ro"})
    with app.app_context():
        assert referral(referral_id).reason == "same_address"


def test_a_different_friend_at_a_different_address_is_pending(app, shop):
    place(app, shop, email="referrer.one@example.com", address={"line1": "9 Hangang-ro"})
    referral_id, _placed = order_through_link(app, shop, address={"line1": "10 Hangang-ro"})
    with app.app_context():
        assert referral(referral_id).status == "pending"


def test_the_monthly_cap_counts_the_calendar_month_in_the_shops_zone(app, make, shop):
    make.settings(timezone="Asia/Seoul")
    with app.app_context():
        configure(referral_monthly_cap=2)
    # 1 December 00:00 in Seoul is 30 November 15:00 UTC.
    december = datetime(2026, 11, 30, 15, 0, tzinfo=timezone.utc)
    before, _p = order_through_link(app, shop, email="nov@example.com",
                                    now=december - timedelta(seconds=1))
    first, _p = order_through_link(app, shop, email="a@example.com", now=december)
    second, _p = order_through_link(app, shop, email="b@example.com",
                                    now=december + timedelta(days=10))
    # The last second of December in Seoul: still December, the cap of 2 is reached.
    last_second = datetime(2026, 12, 31, 14, 59, 59, tzinfo=timezone.utc)
    capped, _p = order_through_link(app, shop, email="c@example.com", now=last_second)
    january, _p = order_through_link(app, shop, email="d@example.com",
                                     now=last_second + timedelta(seconds=1))
    with app.app_context():
        assert [referral(i).status for i in (before, first, second, january)] == ["pending"] * 4
        assert (referral(capped).status, referral(capped).reason) == ("refused", "monthly_cap")


def test_the_reward_comes_once_when_the_window_closes(app, shop):
    referral_id, placed = order_through_link(app, shop)
    deliver(app, placed["number"])
    with app.app_context():
        ref = referral(referral_id)
        assert ref.vests_at == WINDOW_CLOSES
        assert referrals.decide_due(WINDOW_CLOSES) == 0  # the last moment a return may be asked
        assert referral(referral_id).status == "pending"
        assert referrals.decide_due(WINDOW_CLOSES + timedelta(seconds=1)) == 1
        db.session.commit()
        assert referrals.decide_due(WINDOW_CLOSES + timedelta(hours=1)) == 0  # run twice
        db.session.commit()
        user = db.session.get(User, shop["referrer"]["id"])
        db.session.refresh(user)
        assert user.points_balance == 500
        entries = db.session.scalars(db.select(PointsEntry)).all()
        assert [(e.kind, e.points, e.key) for e in entries] == \
            [("bonus", 500, f"referral:{referral_id}")]
        mails = db.session.scalars(db.select(OutboxMessage).where(
            OutboxMessage.kind == "referral_rewarded")).all()
        assert [(m.to_address, m.locale) for m in mails] == [("referrer.one@example.com", "ko")]
        assert referral(referral_id).status == "rewarded"


def test_the_latest_lines_window_decides(app, make, shop):
    long_kept = make.product("Vase", price=20000, stock=5)
    with app.app_context():
        rules.save_rule("product", long_kept["id"], {"window_days": 60, "allow_refund": True},
                        NOW)
        db.session.commit()
    referral_id, placed = order_through_link(
        app, shop, items={str(shop["variant"]): 1, str(long_kept["variant_ids"][0]): 1})
    deliver(app, placed["number"])
    with app.app_context():
        assert referral(referral_id).vests_at == \
            datetime(2026, 5, 3, tzinfo=timezone.utc) - timedelta(microseconds=1)


def test_a_credit_reward_is_granted_once(app, shop):
    with app.app_context():
        configure(referral_reward_kind="credit", referral_reward_amount=3000)
    referral_id, placed = order_through_link(app, shop)
    deliver(app, placed["number"])
    later = WINDOW_CLOSES + timedelta(days=1)
    with app.app_context():
        assert referrals.decide_due(later) == 1
        db.session.commit()
        assert referrals.decide_due(later) == 0
        user = db.session.get(User, shop["referrer"]["id"])
        db.session.refresh(user)
        assert user.credit_balance == 3000
        assert db.session.scalar(db.select(db.func.count(CreditEntry.id))) == 1


def test_a_cancelled_first_order_refuses_the_referral(app, shop):
    referral_id, placed = order_through_link(app, shop)
    with app.test_request_context():
        orders.set_status(orders.by_number(placed["number"]), "cancelled", "merchant:test", NOW)
        db.session.commit()
        ref = referral(referral_id)
        assert (ref.status, ref.reason) == ("refused", "cancelled")
        assert referrals.decide_due(NOW + timedelta(days=400)) == 0


def test_a_fully_returned_first_order_refuses_and_a_partial_return_does_not(app, shop):
    referral_id, placed = order_through_link(app, shop, quantity=2)
    deliver(app, placed["number"])
    with app.test_request_context():
        order = db.session.get(Order, placed["id"])
        line = order.lines[0]
        referrals.lines_returned(order, {line.id: 1}, NOW)
        assert referral(referral_id).status == "pending"
        order = db.session.get(Order, placed["id"])
        referrals.lines_returned(order, {order.lines[0].id: 2}, NOW)
        db.session.commit()
        assert (referral(referral_id).status, referral(referral_id).reason) == \
            ("refused", "returned")


def test_the_merchant_voids_a_pending_referral_once_with_a_reason(app, shop):
    referral_id, placed = order_through_link(app, shop)
    with app.app_context():
        with pytest.raises(ShopError, match="Say why"):
            referrals.void(referral_id, "  ", "merchant:boss@example.com", NOW)
        assert referral(referral_id).status == "pending"
        referrals.void(referral_id, "Same household", "merchant:boss@example.com", NOW)
        db.session.commit()
        ref = referral(referral_id)
        assert (ref.status, ref.reason, ref.voided_by) == \
            ("void", "Same household", "merchant:boss@example.com")
        with pytest.raises(ShopError, match="already decided"):
            referrals.void(referral_id, "Again", "merchant:boss@example.com", NOW)
    deliver(app, placed["number"])
    with app.app_context():
        assert referrals.decide_due(WINDOW_CLOSES + timedelta(days=1)) == 0


def test_the_welcome_coupon_is_one_secret_first_order_coupon_that_follows_the_settings(app, shop):
    with app.app_context():
        code = referrals.welcome_code(shop["code"], NOW)
        db.session.commit()
        coupon = db.session.scalar(db.select(Coupon).where(Coupon.code == code))
        assert (coupon.source, coupon.kind, coupon.value, coupon.first_order_only,
                coupon.per_customer_limit, coupon.usage_limit, coupon.paused) == \
            ("referral", "amount", 5000, True, 1, None, False)
        assert referrals.is_welcome(coupon)
        assert referrals.welcome_code("NOSUCH22", NOW) == ""  # only through a valid link
        referrals.save_settings(referrals_on=True, welcome_kind="percent", welcome_value="10",
                                reward_kind="points", reward_amount="300", monthly_cap="3",
                                now=NOW)
        db.session.commit()
        assert referrals.welcome_code(shop["code"], NOW) == code  # the same coupon, changed
        db.session.refresh(coupon)
        assert (coupon.kind, coupon.value, coupon.paused) == ("percent", 1000, False)
        referrals.save_settings(referrals_on=False, welcome_kind="percent", welcome_value="10",
                                reward_kind="points", reward_amount="300", monthly_cap="3",
                                now=NOW)
        db.session.commit()
        db.session.refresh(coupon)
        assert coupon.paused and referrals.welcome_code(shop["code"], NOW) == ""
        assert db.session.scalar(db.select(db.func.count(Coupon.id))) == 1


def test_settings_name_every_wrong_field_and_change_nothing(app, shop):
    from domain.settings import InvalidSettings
    with app.app_context():
        with pytest.raises(InvalidSettings) as error:
            referrals.save_settings(referrals_on=True, welcome_kind="percent", welcome_value="150",
                                    reward_kind="points", reward_amount="1.5", monthly_cap="-1",
                                    now=NOW)
        assert set(error.value.errors) == {"welcome_value", "reward_amount", "monthly_cap"}
        db.session.rollback()
        row = loyalty_settings.get()
        assert (row.referral_welcome_value, row.referral_reward_amount,
                row.referral_monthly_cap) == (5000, 500, 5)


def test_a_referred_email_is_masked(app):
    assert referrals.mask_email("friend@example.com") == "f***@example.com"
