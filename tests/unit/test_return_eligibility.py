"""Whether an order line may come back: the window's edges in the shop's zone, and every refusal."""
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from domain import orders, returns, shopconfig
from tests.order_helpers import advance, place, shop_with_a_product
from tests.return_helpers import order_with, return_of, shop_config
from tests.return_helpers import rule_values as values

SEOUL = ZoneInfo("Asia/Seoul")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
TICK = timedelta(microseconds=1)


@pytest.fixture
def product(make):
    return make.product("Moon jar", price=39000)["id"]


def delivered(product, at, quantity=1, **kw):
    """A delivered order of one line, delivered at `at`."""
    return order_with([(product, 39000, quantity)], events=[
        ("paid", at - timedelta(days=3)), ("shipped", at - timedelta(days=2)), ("delivered", at)],
        **kw)


@pytest.mark.parametrize("zone", [SEOUL, LOS_ANGELES])
def test_the_last_day_counts_until_midnight_in_the_shop_zone(app, ctx, make, product, zone):
    """Delivered 1 March, 30 days: open until 31 March 23:59:59.999999 local, closed after."""
    config = shop_config(app, make, zone.key)
    order = delivered(product, datetime(2026, 3, 1, 12, 0, tzinfo=zone))
    last_moment = datetime(2026, 3, 31, 23, 59, 59, 999999, tzinfo=zone)
    still_open = returns.eligible(order, order.lines[0], last_moment, config)
    assert still_open.ok and still_open.returnable_quantity == 1
    assert still_open.window_closes == last_moment
    closed = returns.eligible(order, order.lines[0], last_moment + TICK, config)
    assert not closed.ok and closed.returnable_quantity == 0
    assert closed.reason == "Window closed on 31 March"


def test_a_late_evening_delivery_in_los_angeles_counts_from_the_local_day(app, ctx, make, product):
    """23:30 on 1 March in Los Angeles is 2 March in UTC; the window still ends on 31 March."""
    config = shop_config(app, make, "America/Los_Angeles")
    at = datetime(2026, 3, 1, 23, 30, tzinfo=LOS_ANGELES)
    assert at.astimezone(timezone.utc).day == 2
    order = delivered(product, at)
    # The clocks go forward on 8 March: the window ends at midnight of summer time.
    end = datetime(2026, 4, 1, 6, 59, 59, 999999, tzinfo=timezone.utc)
    assert returns.eligible(order, order.lines[0], end, config).ok
    closed = returns.eligible(order, order.lines[0], end + TICK, config)
    assert closed.reason == "Window closed on 31 March"


def test_an_early_morning_delivery_in_seoul_counts_from_the_local_day(app, ctx, make, product):
    """00:30 on 1 March in Seoul is still 28 February in UTC; the window ends on 31 March."""
    config = shop_config(app, make, "Asia/Seoul")
    at = datetime(2026, 3, 1, 0, 30, tzinfo=SEOUL)
    assert at.astimezone(timezone.utc).day == 28
    order = delivered(product, at)
    end = datetime(2026, 3, 31, 14, 59, 59, 999999, tzinfo=timezone.utc)
    assert returns.eligible(order, order.lines[0], end, config).ok
    assert returns.eligible(order, order.lines[0], end + TICK, config).reason == \
        "Window closed on 31 March"


def test_a_same_day_window_ends_at_midnight(app, ctx, make, product):
    """A 0-day window: returns only on the day of delivery, in the shop's zone."""
    config = shop_config(app, make, "Asia/Seoul")
    returns.save_rule("shop", None, values(window_days=0), datetime(2026, 1, 1, tzinfo=timezone.utc))
    order = delivered(product, datetime(2026, 3, 1, 23, 30, tzinfo=SEOUL))
    midnight = datetime(2026, 3, 2, tzinfo=SEOUL)
    assert returns.eligible(order, order.lines[0], midnight - TICK, config).ok
    assert returns.eligible(order, order.lines[0], midnight, config).reason == \
        "Window closed on 1 March"


def test_without_a_delivery_date_the_window_starts_after_the_transit_allowance(
        app, ctx, make, product):
    """Shipped 1 March, 7 transit days: counted as delivered 8 March, so open until 7 April."""
    config = shop_config(app, make, "UTC")
    shipped = datetime(2026, 3, 1, 10, 0, tzinfo=timezone.utc)
    order = order_with([(product, 39000, 1)], status="shipped",
                       events=[("paid", shipped - timedelta(days=1)), ("shipped", shipped)])
    assert returns.policy().transit_days == 7
    assert returns.window_start(order, returns.policy()) == shipped + timedelta(days=7)
    end = datetime(2026, 4, 7, 23, 59, 59, 999999, tzinfo=timezone.utc)
    assert returns.eligible(order, order.lines[0], end, config).window_closes == end
    assert returns.eligible(order, order.lines[0], end + TICK, config).reason == \
        "Window closed on 7 April"


def test_a_delivery_date_wins_over_the_transit_allowance(ctx, product):
    """Delivered two days after shipping: the window starts at the delivery."""
    at = datetime(2026, 3, 5, 10, 0, tzinfo=timezone.utc)
    assert returns.window_start(delivered(product, at)) == at


@pytest.mark.parametrize("status, events", [
    ("paid", [("paid", datetime(2026, 3, 1, tzinfo=timezone.utc))]),
    ("packed", [("paid", datetime(2026, 3, 1, tzinfo=timezone.utc)),
                ("packed", datetime(2026, 3, 2, tzinfo=timezone.utc))]),
])
def test_an_order_not_yet_shipped_cannot_be_returned(app, ctx, make, product, status, events):
    """No window yet: "Not delivered yet", and no closing date to show."""
    config = shop_config(app, make)
    order = order_with([(product, 39000, 1)], status=status, events=events)
    assert returns.window_start(order) is None
    result = returns.eligible(order, order.lines[0], datetime(2026, 3, 3, tzinfo=timezone.utc),
                              config)
    assert (result.ok, result.reason, result.window_closes) == (False, "Not delivered yet", None)


def test_a_final_sale_product_cannot_be_returned(app, ctx, make, product):
    """Even inside the window."""
    config = shop_config(app, make)
    returns.save_rule("product", product, values(final_sale=True),
                      datetime(2026, 1, 1, tzinfo=timezone.utc))
    order = delivered(product, datetime(2026, 3, 1, tzinfo=timezone.utc))
    result = returns.eligible(order, order.lines[0], datetime(2026, 3, 2, tzinfo=timezone.utc),
                              config)
    assert (result.ok, result.reason, result.returnable_quantity) == (False, "Final sale", 0)
    assert result.rule.final_sale


@pytest.mark.parametrize("status", ["cancelled", "payment_expired"])
def test_a_cancelled_order_cannot_be_returned(app, ctx, make, product, status):
    """Nothing was kept, so nothing comes back."""
    config = shop_config(app, make)
    order = order_with([(product, 39000, 1)], status=status,
                       events=[(status, datetime(2026, 3, 1, tzinfo=timezone.utc))])
    result = returns.eligible(order, order.lines[0], datetime(2026, 3, 2, tzinfo=timezone.utc),
                              config)
    assert (result.ok, result.reason) == (False, "This order was cancelled")


def test_units_already_in_a_return_are_not_returnable_again(app, ctx, make, product):
    """Three bought, two on their way back: one left; all three: "Already returned"."""
    config = shop_config(app, make)
    order = delivered(product, datetime(2026, 3, 1, tzinfo=timezone.utc), quantity=3)
    line = order.lines[0]
    now = datetime(2026, 3, 5, tzinfo=timezone.utc)
    return_of(order, {line: 2}, status="requested")
    result = returns.eligible(order, line, now, config)
    assert (result.ok, result.returnable_quantity) == (True, 1)
    return_of(order, {line: 1}, status="refunded")
    result = returns.eligible(order, line, now, config)
    assert (result.ok, result.reason, result.returnable_quantity) == (False, "Already returned", 0)


def test_a_rejected_return_frees_its_units(app, ctx, make, product):
    """The merchant said no, so the customer may ask again for the same units."""
    config = shop_config(app, make)
    order = delivered(product, datetime(2026, 3, 1, tzinfo=timezone.utc), quantity=2)
    return_of(order, {order.lines[0]: 2}, status="rejected")
    result = returns.eligible(order, order.lines[0], datetime(2026, 3, 5, tzinfo=timezone.utc),
                              config)
    assert (result.ok, result.returnable_quantity) == (True, 2)


def test_a_return_counts_only_for_its_own_line(app, ctx, make, product):
    """Returning the jar leaves the cup on the same order returnable."""
    config = shop_config(app, make)
    cup = make.product("Tea cup", price=12000)["id"]
    at = datetime(2026, 3, 1, tzinfo=timezone.utc)
    order = order_with([(product, 39000, 1), (cup, 12000, 1)], events=[("delivered", at)])
    return_of(order, {order.lines[0]: 1})
    result = returns.order_eligibility(order, at + timedelta(days=1), config)
    assert [(r.ok, r.reason) for r in (result[order.lines[0].id], result[order.lines[1].id])] == [
        (False, "Already returned"), (True, "")]


def test_each_line_gets_its_own_products_rule(app, ctx, make, product):
    """A 7-day category closes before the 30-day default on the same order."""
    config = shop_config(app, make)
    category = make.category("Sale")["id"]
    cup = make.product("Tea cup", price=12000, category_id=category)["id"]
    returns.save_rule("category", category, values(window_days=7),
                      datetime(2026, 1, 1, tzinfo=timezone.utc))
    at = datetime(2026, 3, 1, tzinfo=timezone.utc)
    order = order_with([(product, 39000, 1), (cup, 12000, 1)], events=[("delivered", at)])
    now = datetime(2026, 3, 10, tzinfo=timezone.utc)
    by_line = returns.order_eligibility(order, now, config)
    jar, tea_cup = by_line[order.lines[0].id], by_line[order.lines[1].id]
    assert jar.ok and jar.rule.window_days == 30
    assert (tea_cup.ok, tea_cup.reason) == (False, "Window closed on 8 March")
    assert returns.eligible(order, order.lines[1], now, config) == tea_cup


def test_an_order_delivered_through_the_pipeline_opens_its_window(app, ctx, make):
    """Checkout, then paid, packed, shipped and delivered by the merchant in Seoul at 23:30."""
    setup = shop_with_a_product(make, timezone="Asia/Seoul")
    number = place(app, setup, quantity=2)["number"]
    at = datetime(2026, 3, 1, 23, 30, tzinfo=SEOUL)
    advance(app, number, "paid", "packed", now=at - timedelta(days=2))
    order = orders.by_number(number)
    config = shopconfig.current()
    assert returns.eligible(order, order.lines[0], at, config).reason == "Not delivered yet"
    advance(app, number, "shipped", now=at - timedelta(days=1))
    advance(app, number, "delivered", now=at)
    result = returns.eligible(order, order.lines[0], at + timedelta(days=30), config)
    assert (result.ok, result.returnable_quantity) == (True, 2)
    assert result.window_closes == datetime(2026, 3, 31, 23, 59, 59, 999999, tzinfo=SEOUL)
