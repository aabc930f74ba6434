"""Pricing with coupons and points: exact shares across lines in KRW and USD, tax on the
discounted amounts, stacking rules, points, free shipping, and a return of a discounted line."""
from datetime import datetime, timezone

import pytest

from domain import cart as carts
from domain import orders, pricing, shopconfig
from domain.errors import CouponRefused
from domain.extensions import db
from domain.loyalty import coupons, quote as loyalty_quote
from domain.models import Coupon, LoyaltyTier, PointsEntry, User
from domain.returns import amounts

NOW = datetime(2026, 3, 3, 9, 0, tzinfo=timezone.utc)
ADDRESS = {"name": "Kim Minji", "phone": "010-0000-0000", "line1": "1 Sejong-daero",
           "city": "Seoul", "postcode": "04524", "region": "Domestic", "country": "KR"}


def make_coupon(code, kind="amount", value=0, **fields):
    coupon = Coupon(code=code, code_key=coupons.key_of(code), kind=kind, value=value,
                    product_ids=[], category_ids=[], **fields)
    db.session.add(coupon)
    db.session.commit()
    return coupon


def shop_of(make, currency="KRW", prices=(3333, 3333, 3333), include_tax=True):
    make.settings(currency=currency, tax_rate_bp=1000, prices_include_tax=include_tax,
                  free_shipping_threshold=None, undo_minutes=30, timezone="Asia/Seoul")
    method = make.shipping("Standard", price=3000)
    variants = [make.product(f"Bowl {n}", price=price, stock=50)["variant_ids"][0]
                for n, price in enumerate(prices)]
    return {"method": method, "variants": variants}


def quote(setup, items, **kwargs):
    config = shopconfig.current()
    lines = carts.lines(carts.GuestCart({str(v): q for v, q in items.items()}), config.currency)
    return loyalty_quote.quote(config, lines, shipping_method_id=setup["method"], now=NOW,
                               **kwargs)


def place(setup, items, codes=(), user_id=None, use_points=False, token="tok-1"):
    config = shopconfig.current()
    cart = carts.GuestCart({str(v): q for v, q in items.items()})
    order, _ = orders.place_order(config, cart, orders.Checkout(
        checkout_token=token, email="minji@example.com", address=dict(ADDRESS),
        shipping_method_id=setup["method"], payment_method="bank_transfer", user_id=user_id,
        coupon_codes=tuple(codes), use_points=use_points), NOW)
    db.session.commit()
    return order


def customer_with_points(make, points):
    user = make.user("points@example.com")
    row = db.session.get(User, user["id"])
    row.points_balance = points
    db.session.commit()
    return row


def test_ten_thousand_won_off_three_lines_of_3333_adds_up_exactly(ctx, make):
    setup = shop_of(make)
    make_coupon("TENK", "amount", 10000)
    items = {v: 3 for v in setup["variants"]}  # three lines of ₩9,999
    result = quote(setup, items, codes=["tenk"])
    assert sorted(result.line_discounts.values()) == [3333, 3333, 3334]
    assert sum(result.line_discounts.values()) == result.breakdown.discount.amount == 10000
    assert result.display_lines == (("Code TENK", result.breakdown.discount),)
    order = place(setup, items, ["TENK"])
    assert order.discount == 10000 and sum(line.discount for line in order.lines) == 10000
    assert order.total == 29997 - 10000 + 3000


def test_usd_cents_are_shared_exactly_and_tax_is_on_the_discounted_goods(ctx, make):
    setup = shop_of(make, "USD", prices=(1001, 2002, 3003), include_tax=False)
    make_coupon("FIFTEEN", "percent", 1500)
    items = {v: 1 for v in setup["variants"]}
    result = quote(setup, items, codes=["FIFTEEN"])
    assert result.breakdown.discount.amount == 901  # 15 % of $60.06 = $9.009
    assert sum(result.line_discounts.values()) == 901
    config = shopconfig.current()
    plain = pricing.breakdown(config, result.breakdown.lines, shipping_method_id=setup["method"],
                              discount=901)
    assert result.breakdown.tax == plain.tax
    # 10 % of $81.05 (goods after the discount, and shipping) is 810.5 cents, half up.
    assert result.breakdown.tax.amount == 811


def test_a_hundred_percent_code_with_free_shipping_leaves_exactly_nothing_to_pay(ctx, make):
    setup = shop_of(make, prices=(39000, 12000, 777))
    make_coupon("ALL", "percent", 10000, combine_coupons=True)
    make_coupon("SHIP", "free_shipping", 0, combine_coupons=True)
    items = {v: 1 for v in setup["variants"]}
    result = quote(setup, items, codes=["ALL", "SHIP"])
    assert result.breakdown.total.amount == 0 and result.breakdown.tax.amount == 0
    order = place(setup, items, ["ALL", "SHIP"])
    assert (order.total, order.amount_due, order.status) == (0, 0, "paid")
    assert [line.discount for line in order.lines] == [39000, 12000, 777]


def test_an_exclusive_code_does_not_stack_and_says_which_code_is_in_the_way(ctx, make):
    setup = shop_of(make, prices=(39000,))
    make_coupon("SOLO", "amount", 5000)
    make_coupon("PAIR", "amount", 1000, combine_coupons=True)
    make_coupon("PAIR2", "percent", 1000, combine_coupons=True)
    items = {setup["variants"][0]: 1}
    result = quote(setup, items, codes=["SOLO", "PAIR"])
    assert [a.code for a in result.coupons] == ["SOLO"]
    assert result.refusals[0].message == ("“SOLO” can't be combined with other codes: remove it "
                                          "to use this one.")
    both = quote(setup, items, codes=["PAIR", "PAIR2"])
    # The second code works on what the first left: 10 % of ₩38,000.
    assert [a.amount.amount for a in both.coupons] == [1000, 3800]
    config = shopconfig.current()
    with pytest.raises(CouponRefused) as caught:
        loyalty_quote.add_code(config, result.breakdown.lines, ("PAIR",), "solo", now=NOW)
    assert "remove “PAIR”" in str(caught.value)


def test_points_pay_part_of_the_goods_and_a_code_that_does_not_combine_says_so(ctx, make):
    setup = shop_of(make, prices=(39000,))
    user = customer_with_points(make, 1200)
    items = {setup["variants"][0]: 1}
    result = quote(setup, items, user=user, use_points=True)
    assert result.points.spent == 1200
    assert result.display_lines == (("Points (1,200)", result.breakdown.discount),)
    assert result.breakdown.total.amount == 39000 - 1200 + 3000
    make_coupon("NOPOINTS", "amount", 1000, combine_points=False)
    refused = quote(setup, items, user=user, use_points=True, codes=["NOPOINTS"])
    assert refused.refusals[0].message.startswith("Can't be combined with your points")
    assert refused.points.spent == 0
    with pytest.raises(CouponRefused):
        place(setup, items, ["NOPOINTS"], user_id=user.id, use_points=True)
    order = place(setup, items, user_id=user.id, use_points=True, token="tok-2")
    db.session.expire_all()
    assert (order.points_spent, order.points_discount, order.discount) == (1200, 1200, 1200)
    assert db.session.get(User, user.id).points_balance == 0
    assert db.session.scalar(db.select(PointsEntry.points).where(
        PointsEntry.order_id == order.id)) == -1200
    orders.set_status(order, "cancelled", "customer", NOW)
    db.session.commit()
    assert db.session.get(User, user.id).points_balance == 1200


def test_a_free_shipping_tier_and_a_free_shipping_code_make_the_chosen_method_free(ctx, make):
    setup = shop_of(make, prices=(39000,))
    items = {setup["variants"][0]: 1}
    make_coupon("FREESHIP", "free_shipping", 0)
    result = quote(setup, items, codes=["FREESHIP"])
    assert result.breakdown.shipping.amount == 0 and result.breakdown.discount.amount == 0
    user = customer_with_points(make, 0)
    tier = LoyaltyTier(name_en="Gold", free_shipping=True, position=1)
    db.session.add(tier)
    db.session.flush()
    user.tier_id = tier.id
    db.session.commit()
    assert quote(setup, items, user=user).breakdown.shipping.amount == 0


def test_a_returned_discounted_line_refunds_what_was_paid_for_it(ctx, make):
    setup = shop_of(make, prices=(30000, 10000))
    make_coupon("QUARTER", "percent", 2500)
    order = place(setup, {v: 1 for v in setup["variants"]}, ["QUARTER"])
    jar, cup = sorted(order.lines, key=lambda line: -line.unit_price)
    assert (jar.discount, cup.discount) == (7500, 2500)
    assert amounts.paid_for(order, jar, 1) == 22500
    assert amounts.paid_for(order, cup, 1) == 7500


def test_a_free_shipping_code_asks_for_nothing_more_towards_the_threshold(ctx, make):
    """Under the shop's free-shipping threshold, the cart would say how much more to add;
    with a free-shipping code applied, shipping is free already and it says so."""
    setup = shop_of(make, prices=(20000,))
    make.settings(free_shipping_threshold=50000)
    items = {setup["variants"][0]: 1}
    plain = quote(setup, items).breakdown
    assert plain.free_shipping_remaining.amount == 30000 and not plain.qualifies_for_free_shipping
    make_coupon("FREESHIP", "free_shipping", 0)
    shipped_free = quote(setup, items, codes=["FREESHIP"]).breakdown
    assert shipped_free.shipping.amount == 0 and shipped_free.qualifies_for_free_shipping
    assert shipped_free.free_shipping_percent == 100
