"""What orders give the shop's cause: delivered orders only, a percentage of the goods after
discounts less what came back refunded or credited (rounded half away from zero per order), a
fixed amount unless the whole order came back; added up per month of delivery in the shop's
zone."""
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from domain import cause, orders, shopconfig
from domain.errors import ShopError
from domain.money import Money
from domain.settings import InvalidSettings
from tests.order_helpers import NOW
from tests.return_helpers import order_with, return_of

SEOUL = ZoneInfo("Asia/Seoul")


def delivered(lines, delivered_at=NOW, cause_bp=200, cause_fixed=0, discounts=(), **kwargs):
    order = order_with(lines, **kwargs)
    for line, discount in zip(order.lines, discounts):
        line.discount = discount
    order.discount = sum(discounts)
    order.delivered_at, order.cause_bp, order.cause_fixed = delivered_at, cause_bp, cause_fixed
    return order


def test_a_delivered_order_gives_its_percentage_of_the_goods_after_discounts(app, ctx):
    order = delivered([(None, 39000, 2), (None, 12345, 1)], discounts=(3000, 0))
    # (78000 - 3000 + 12345) * 2 % = 1746.9 -> 1747, half away from zero per order.
    assert cause.order_gives(order) == 1747
    assert cause.totals(timezone.utc).given == (Money(1747, "KRW"),)


def test_the_total_is_exact_after_a_return(app, ctx):
    """Two of three units come back refunded: their price less their part of the line's
    discount is taken off (1000 * 2 / 3 = 666.7 -> 667); a return still in progress, rejected
    or exchanged takes nothing off."""
    order = delivered([(None, 10000, 3), (None, 5000, 1)], discounts=(1000, 0))
    line = order.lines[0]
    return_of(order, {line: 2}, status="refunded")
    return_of(order, {order.lines[1]: 1}, status="requested")
    # goods 30000 - 1000 + 5000 = 34000; returned 20000 - 667 = 19333; kept 14667 * 2 % = 293.34
    assert cause.order_gives(order) == 293
    assert cause.totals(timezone.utc).given == (Money(293, "KRW"),)
    return_of(order, {order.lines[1]: 1}, status="credited")
    # kept 14667 - 5000 = 9667 * 2 % = 193.34
    assert cause.totals(timezone.utc).given == (Money(193, "KRW"),)


def test_a_fixed_amount_is_given_once_per_order_unless_all_of_it_came_back(app, ctx):
    kept = delivered([(None, 10000, 2)], cause_bp=0, cause_fixed=500)
    whole = delivered([(None, 10000, 1)], cause_bp=0, cause_fixed=500)
    return_of(kept, {kept.lines[0]: 1}, status="refunded")
    return_of(whole, {whole.lines[0]: 1}, status="credited")
    assert (cause.order_gives(kept), cause.order_gives(whole)) == (500, 0)
    totals = cause.totals(timezone.utc)
    assert (totals.given, totals.orders) == ((Money(500, "KRW"),), 1)


def test_orders_not_delivered_or_cancelled_give_nothing(app, ctx):
    for status in ("paid", "shipped", "cancelled"):
        order = delivered([(None, 10000, 1)], status=status)
        assert cause.order_gives(order) == 0
    assert cause.totals(timezone.utc).given == ()


def test_a_cancelled_order_placed_with_the_cause_gives_nothing(app, ctx, make):
    """Through the real pipeline: the order is stamped with the share when placed, and
    cancelling it leaves nothing for the cause."""
    from tests.unit.test_orders import place
    make.settings(currency="KRW", tax_rate_bp=1000, prices_include_tax=True,
                  cause_name={"en": "Seoul Forest Conservancy"}, cause_bp=200)
    method = make.shipping("Standard", price=3000)
    product = make.product("Moon jar", price=39000, stock=5)
    (order, _created), _cart = place(app, {"method": method, "variant": product["variant_ids"][0]})
    assert (order.cause_bp, order.cause_fixed) == (200, 0)
    orders.set_status(order, "cancelled", "merchant:test", NOW)
    assert cause.order_gives(order) == 0 and cause.totals(timezone.utc).given == ()


def test_months_are_the_months_of_delivery_in_the_shops_zone(app, ctx):
    # 2026-01-31 16:00 UTC is already February 1st in Seoul.
    delivered([(None, 10000, 1)], delivered_at=datetime(2026, 1, 31, 16, 0, tzinfo=timezone.utc))
    delivered([(None, 20000, 1)], delivered_at=datetime(2026, 1, 31, 14, 0, tzinfo=timezone.utc))
    delivered([(None, 1000, 1)], delivered_at=datetime(2026, 1, 31, 16, 0, tzinfo=timezone.utc),
              currency="USD")
    seoul = cause.totals(SEOUL)
    assert [(m.month, m.orders, m.given) for m in seoul.months] == [
        (date(2026, 2, 1), 2, (Money(200, "KRW"), Money(20, "USD"))),
        (date(2026, 1, 1), 1, (Money(400, "KRW"),))]
    assert [m.month for m in cause.totals(timezone.utc).months] == [date(2026, 1, 1)]


def test_settings_take_exactly_one_share_and_refuse_half_filled_ones(app, ctx):
    with pytest.raises(InvalidSettings, match="not both"):
        cause.save_settings(names={"en": "Forest"}, url="", percent=200, fixed=500)
    with pytest.raises(InvalidSettings, match="either a percentage"):
        cause.save_settings(names={"en": "Forest"}, url="", percent=None, fixed=None)
    with pytest.raises(InvalidSettings, match="Name the cause"):
        cause.save_settings(names={}, url="", percent=200, fixed=None)
    with pytest.raises(InvalidSettings, match="https://"):
        cause.save_settings(names={"en": "Forest"}, url="http://forest.example", percent=200,
                            fixed=None)
    with pytest.raises(ShopError):
        cause.parse_percent("0")
    assert cause.parse_percent("2.5 %") == 250
    cause.save_settings(names={"en": "Forest", "ko": "숲"}, url="https://forest.example",
                        percent=250, fixed=None)
    config = shopconfig.load()
    assert cause.is_set(config) and cause.name(config, "ko") == "숲"
    cause.save_settings(names={}, url="", percent=None, fixed=None)
    assert not cause.is_set(shopconfig.load())
