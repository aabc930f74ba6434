"""Coupon codes: every condition at its boundary, the message each refusal gives, and the uses
an order takes and gives back."""
from datetime import datetime, timedelta, timezone

import pytest

from domain import cart as carts
from domain import orders, shopconfig
from domain.errors import CouponRefused, PaymentDeclined
from domain.extensions import db
from domain.loyalty import coupons
from domain.models import Coupon, CouponUse, LoyaltyTier, Order, User

NOW = datetime(2026, 3, 3, 9, 0, tzinfo=timezone.utc)
ADDRESS = {"name": "Kim Minji", "phone": "010-0000-0000", "line1": "1 Sejong-daero",
           "city": "Seoul", "postcode": "04524", "region": "Domestic", "country": "KR"}


def make_coupon(code="SPRING10", kind="percent", value=1000, **fields):
    coupon = Coupon(code=code, code_key=coupons.key_of(code), kind=kind, value=value,
                    product_ids=fields.pop("product_ids", []),
                    category_ids=fields.pop("category_ids", []), **fields)
    db.session.add(coupon)
    db.session.commit()
    return coupon


@pytest.fixture
def shop(make):
    make.settings(currency="KRW", tax_rate_bp=1000, prices_include_tax=True,
                  free_shipping_threshold=None, undo_minutes=30, bank_transfer_days=3,
                  timezone="Asia/Seoul")
    method = make.shipping("Standard", price=3000)
    cups = make.category("Cups")
    jar = make.product("Moon jar", price=39000, stock=20)
    cup = make.product("Tea cup", price=12000, stock=20, category_id=cups["id"])
    return {"method": method, "jar": jar["variant_ids"][0], "jar_product": jar["id"],
            "cup": cup["variant_ids"][0], "cup_product": cup["id"], "cups": cups["id"]}


def lines_of(items):
    config = shopconfig.current()
    return config, carts.lines(carts.GuestCart({str(v): q for v, q in items.items()}),
                               config.currency)


def evaluate(shop, code, items=None, now=NOW, **kwargs):
    config, lines = lines_of(items or {shop["jar"]: 1})
    return coupons.evaluate(config, code, lines, now=now, **kwargs)


def refusal(shop, code, items=None, now=NOW, **kwargs):
    with pytest.raises(CouponRefused) as caught:
        evaluate(shop, code, items, now=now, **kwargs)
    return str(caught.value), caught.value.reason


def place(shop, codes=(), email="minji@example.com", token="tok-1", payment="bank_transfer",
          items=None, user_id=None, card_number=""):
    config = shopconfig.current()
    cart = carts.GuestCart({str(v): q for v, q in (items or {shop["jar"]: 1}).items()})
    checkout = orders.Checkout(checkout_token=token, email=email, address=dict(ADDRESS),
                               shipping_method_id=shop["method"], payment_method=payment,
                               user_id=user_id, coupon_codes=tuple(codes),
                               payment_details={"card_number": card_number})
    order, _created = orders.place_order(config, cart, checkout, NOW)
    db.session.commit()
    return order


def uses_of(coupon_id):
    db.session.expire_all()
    return db.session.get(Coupon, coupon_id).used_count


def test_codes_match_in_any_case_and_percent_and_amount_discounts_are_exact(ctx, shop):
    make_coupon("Spring10", "percent", 1000, max_discount=3000)
    make_coupon("TAKE5000", "amount", 5000)
    applied = evaluate(shop, "  spring10 ")
    assert applied.amount.amount == 3000  # 10 % of ₩39,000 is ₩3,900, capped at ₩3,000
    assert applied.code == "Spring10"
    assert evaluate(shop, "take5000").amount.amount == 5000
    message, reason = refusal(shop, "NOPE")
    assert reason == "unknown" and "“NOPE”" in message


@pytest.mark.parametrize("zone, ends_utc", [
    ("Asia/Seoul", datetime(2026, 3, 3, 15, 0, tzinfo=timezone.utc)),          # 4 Mar 00:00 KST
    ("America/Los_Angeles", datetime(2026, 3, 4, 8, 0, tzinfo=timezone.utc)),  # 4 Mar 00:00 PST
])
def test_the_last_second_of_the_last_day_in_the_shops_zone_still_works(ctx, make, shop, zone,
                                                                        ends_utc):
    make.settings(timezone=zone)
    starts = ends_utc - timedelta(days=3)  # 1 March, midnight shop time
    make_coupon("MARCH", "amount", 1000, starts_at=starts, ends_at=ends_utc)
    assert evaluate(shop, "MARCH", now=ends_utc - timedelta(seconds=1)).amount.amount == 1000
    assert refusal(shop, "MARCH", now=ends_utc) == ("Expired on March 3.", "expired")
    assert evaluate(shop, "MARCH", now=starts).amount.amount == 1000
    assert refusal(shop, "MARCH", now=starts - timedelta(seconds=1)) == (
        "Not valid until March 1.", "not_started")


def test_one_won_under_the_minimum_says_how_much_more(ctx, shop):
    make_coupon("MIN40", "amount", 2000, min_subtotal=39001)
    assert refusal(shop, "MIN40") == ("Add ₩1 more to use this code.", "min_subtotal")
    make_coupon("MIN39", "amount", 2000, min_subtotal=39000)
    assert evaluate(shop, "MIN39").amount.amount == 2000


def test_a_guest_cannot_use_a_once_per_customer_code_again_with_other_letter_case(ctx, shop):
    coupon = make_coupon("ONCE", "amount", 1000, per_customer_limit=1)
    place(shop, ["ONCE"], email="Minji@Example.com")
    message, reason = refusal(shop, "once", email="MINJI@example.COM")
    assert reason == "per_customer" and "already used this code" in message
    assert evaluate(shop, "ONCE", email="someone@example.com").amount.amount == 1000
    # Sent anyway (another tab): the order is refused and nothing is kept.
    with pytest.raises(CouponRefused):
        place(shop, ["ONCE"], email="minji@EXAMPLE.com", token="tok-2")
    assert uses_of(coupon.id) == 1
    assert db.session.scalar(db.select(db.func.count(Order.id))) == 1


def test_first_order_only_counts_orders_that_were_not_cancelled(ctx, shop):
    make_coupon("FIRST", "amount", 1000, first_order_only=True)
    assert evaluate(shop, "FIRST", email="new@example.com").amount.amount == 1000
    order = place(shop, email="new@example.com")
    assert refusal(shop, "FIRST", email="NEW@example.com") == ("Only for first orders.",
                                                              "first_order")
    orders.set_status(order, "cancelled", "merchant", NOW)
    db.session.commit()
    assert evaluate(shop, "FIRST", email="new@example.com").amount.amount == 1000


def test_a_product_or_category_code_discounts_only_its_lines(ctx, shop):
    make_coupon("CUPS", "percent", 5000, category_ids=[shop["cups"]])
    applied = evaluate(shop, "CUPS", {shop["jar"]: 1, shop["cup"]: 2})
    assert applied.amount.amount == 12000  # half of the two cups, nothing off the jar
    assert applied.line_amounts == {shop["jar"]: 0, shop["cup"]: 12000}
    assert refusal(shop, "CUPS", {shop["jar"]: 1})[1] == "products"
    make_coupon("JARS", "amount", 5000, product_ids=[shop["jar_product"]])
    assert evaluate(shop, "JARS", {shop["jar"]: 1, shop["cup"]: 1}).line_amounts == {
        shop["jar"]: 5000, shop["cup"]: 0}


def test_codes_for_one_customer_a_tier_or_paused_or_used_up_say_so(ctx, make, shop):
    owner = make.user("owner@example.com")
    other = make.user("other@example.com")
    make_coupon("MINE", "amount", 1000, customer_user_id=owner["id"])
    make_coupon("MAILED", "amount", 1000, customer_email="owner@example.com")
    tier = LoyaltyTier(name_en="Gold", name_ko="골드", position=1)
    db.session.add(tier)
    db.session.commit()
    make_coupon("GOLD", "amount", 1000, tier_id=tier.id)
    make_coupon("PAUSED", "amount", 1000, paused=True)
    make_coupon("GONE", "amount", 1000, usage_limit=3, used_count=3)
    owner_row, other_row = db.session.get(User, owner["id"]), db.session.get(User, other["id"])
    assert evaluate(shop, "MINE", user=owner_row).amount.amount == 1000
    assert refusal(shop, "MINE", user=other_row)[1] == "customer"
    assert "sign in" in refusal(shop, "MINE")[0]
    assert refusal(shop, "MAILED", email="Other@example.com")[0].startswith(
        "This code is for another email address")
    assert evaluate(shop, "MAILED", email="OWNER@example.com").amount.amount == 1000
    assert refusal(shop, "GOLD", user=owner_row) == ("Only for members of the Gold tier.", "tier")
    owner_row.tier_id = tier.id
    assert evaluate(shop, "GOLD", user=owner_row).amount.amount == 1000
    assert refusal(shop, "PAUSED")[1] == "paused"
    assert refusal(shop, "GONE") == ("This code is used up.", "used_up")


def test_any_active_is_false_without_a_usable_coupon(ctx, shop):
    assert not coupons.any_active(NOW)
    make_coupon("LATER", starts_at=NOW + timedelta(days=1))
    make_coupon("PAST", ends_at=NOW)
    make_coupon("STOP", paused=True)
    make_coupon("FULL", usage_limit=1, used_count=1)
    assert not coupons.any_active(NOW)
    make_coupon("NOW", ends_at=NOW + timedelta(seconds=1))
    assert coupons.any_active(NOW)


def test_an_order_takes_a_use_and_cancelling_gives_it_back_once(ctx, shop):
    coupon = make_coupon("LAST", "amount", 5000, usage_limit=1)
    order = place(shop, ["last"])
    assert uses_of(coupon.id) == 1 and order.discount == 5000
    use = db.session.scalar(db.select(CouponUse))
    assert (use.order_id, use.code, use.amount, use.email) == (order.id, "LAST", 5000,
                                                               "minji@example.com")
    with pytest.raises(CouponRefused) as caught:
        place(shop, ["LAST"], email="second@example.com", token="tok-2")
    assert "used up" in str(caught.value)
    orders.set_status(order, "cancelled", "merchant", NOW)
    db.session.commit()
    coupons.release_uses(order, NOW)  # a second release changes nothing
    db.session.commit()
    assert uses_of(coupon.id) == 0
    assert db.session.scalar(db.select(CouponUse)).released_at is not None
    second = place(shop, ["LAST"], email="second@example.com", token="tok-3")
    assert second.discount == 5000 and uses_of(coupon.id) == 1


def test_a_declined_card_holds_no_use(ctx, shop):
    coupon = make_coupon("CARD", "amount", 5000, usage_limit=1)
    with pytest.raises(PaymentDeclined):
        place(shop, ["CARD"], payment="test_card", card_number="4000000000000002")
    db.session.rollback()
    assert uses_of(coupon.id) == 0
    assert db.session.scalar(db.select(db.func.count(CouponUse.id))) == 0
    assert db.session.scalar(db.select(db.func.count(Order.id))) == 0


def test_a_paused_code_refuses_the_order_even_after_the_page_applied_it(ctx, shop):
    coupon = make_coupon("HOLD", "amount", 5000)
    coupon.paused = True
    db.session.commit()
    with pytest.raises(CouponRefused) as caught:
        place(shop, ["HOLD"])
    assert caught.value.reason == "paused"
    assert db.session.scalar(db.select(db.func.count(Order.id))) == 0


def test_an_unpaid_bank_transfer_that_expires_gives_its_use_back(ctx, shop):
    coupon = make_coupon("WAIT", "amount", 5000, usage_limit=1)
    order = place(shop, ["WAIT"])
    assert uses_of(coupon.id) == 1
    orders.set_status(order, "payment_expired", "system", NOW)
    db.session.commit()
    assert uses_of(coupon.id) == 0
    assert coupons.any_active(NOW)


def test_refusals_are_in_the_shoppers_language_with_the_day_in_the_shops_zone(app, make, shop):
    with app.test_request_context(headers={"Accept-Language": "ko"}):
        make_coupon("GONE", "amount", 1000,
                    ends_at=datetime(2026, 3, 3, 15, 0, tzinfo=timezone.utc))
        make_coupon("MIN", "amount", 1000, min_subtotal=44000)
        assert refusal(shop, "GONE", now=NOW + timedelta(days=1))[0] == "3월 3일에 만료되었어요."
        assert refusal(shop, "MIN")[0] == "이 코드를 사용하려면 ₩5,000 더 담아 주세요."
