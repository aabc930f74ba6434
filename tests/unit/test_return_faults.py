"""Goods that arrived damaged, wrong, incomplete or not as described: final sale and the fees
give way, the fault window (never below Korean law's three months in a KRW shop) applies, and
a whole order coming back gets its shipping back."""
from datetime import datetime, timedelta, timezone

import pytest

from domain import returns
from domain.errors import InvalidReturnRule
from domain.returns import faults
from domain.returns.amounts import estimate
from tests.return_helpers import order_with, shop_config
from tests.return_helpers import rule_values as values

DELIVERED = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)


def delivered(lines, shipping=0, **kw):
    order = order_with(lines, events=[("paid", DELIVERED - timedelta(days=3)),
                                      ("shipped", DELIVERED - timedelta(days=2)),
                                      ("delivered", DELIVERED)], **kw)
    order.shipping = shipping
    order.total += shipping
    return order


@pytest.fixture
def seconds(app, ctx, make):
    """A final-sale cup (₩12,000) in a KRW shop."""
    cup = make.product("Seconds cup", price=12000)["id"]
    returns.save_rule("product", cup, values(final_sale=True), DELIVERED)
    return cup


def test_a_damaged_final_sale_line_may_come_back_and_a_change_of_mind_may_not(app, ctx, make, seconds):
    """The same final-sale line: refused as "Final sale" when unwanted, open when damaged."""
    config = shop_config(app, make)
    order = delivered([(seconds, 12000, 1)])
    line = order.lines[0]
    unwanted = returns.eligible(order, line, DELIVERED + timedelta(days=2), config)
    assert not unwanted.ok and unwanted.reason == "Final sale"
    damaged = returns.eligible(order, line, DELIVERED + timedelta(days=2), config, fault=True)
    assert damaged.ok and damaged.returnable_quantity == 1
    assert damaged.rule.actions == ("refund", "exchange", "credit")


def test_fees_are_kept_for_a_change_of_mind_and_never_for_a_fault(app, ctx, make):
    """10 % restocking and a ₩6,000 flat return fee: ₩29,100 back when unwanted, ₩39,000 when
    the jar arrived cracked."""
    shop_config(app, make)
    jar = make.product("Moon jar", price=39000)["id"]
    returns.save_rule("shop", None, values(restocking_fee_bp=1000, return_shipping="flat",
                                           return_shipping_fee=6000), DELIVERED)
    order = delivered([(jar, 39000, 2)])
    picked = [returns.Selection(order.lines[0].id, 1)]
    unwanted = estimate(order, picked, "refund", None)
    assert (unwanted.restocking_fee, unwanted.return_shipping_fee, unwanted.refund_amount) == \
        (3900, 6000, 29100)
    damaged = estimate(order, picked, "refund", None, fault=True)
    assert (damaged.restocking_fee, damaged.return_shipping_fee, damaged.refund_amount) == \
        (0, 0, 39000)


def test_a_fault_return_of_the_whole_order_gives_its_shipping_back(app, ctx, make):
    """Both jars back as damaged: the ₩3,000 shipping too; one of two, or a change of mind,
    leaves it."""
    shop_config(app, make)
    jar = make.product("Moon jar", price=39000)["id"]
    order = delivered([(jar, 39000, 2)], shipping=3000)
    line = order.lines[0].id
    whole = estimate(order, [returns.Selection(line, 2)], "refund", None, fault=True)
    assert (whole.shipping_refund, whole.refund_amount) == (3000, 81000)
    part = estimate(order, [returns.Selection(line, 1)], "refund", None, fault=True)
    assert (part.shipping_refund, part.refund_amount) == (0, 39000)
    unwanted = estimate(order, [returns.Selection(line, 2)], "refund", None)
    assert (unwanted.shipping_refund, unwanted.refund_amount) == (0, 78000)


def test_the_fault_window_is_the_setting_but_never_below_the_law_in_won(app, ctx, make, seconds):
    """USD shop set to 45 days: open on day 45, closed on day 46. KRW shop: at least 92 days
    (three months of Article 17(3)), whatever the setting."""
    returns.save_policy({"transit_days": 3, "dropoff_enabled": True, "refund_promise_days": 3,
                         "fault_window_days": 45}, DELIVERED)
    usd = shop_config(app, make, currency="USD")
    order = delivered([(seconds, 1200, 1)], currency="USD")
    line = order.lines[0]
    assert returns.eligible(order, line, DELIVERED + timedelta(days=45), usd, fault=True).ok
    assert not returns.eligible(order, line, DELIVERED + timedelta(days=46), usd, fault=True).ok
    krw = shop_config(app, make, currency="KRW")
    order = delivered([(seconds, 12000, 1)])
    line = order.lines[0]
    assert returns.eligible(order, line, DELIVERED + timedelta(days=92), krw, fault=True).ok
    late = returns.eligible(order, line, DELIVERED + timedelta(days=93), krw, fault=True)
    assert not late.ok and late.reason == "Window closed on 1 June"
    assert faults.window_days(returns.policy(), "KRW") == 92


def test_a_won_shop_cannot_set_a_fault_window_below_the_law(app, ctx, make):
    """60 days in a KRW shop is refused with the law's reason, and nothing is saved."""
    shop_config(app, make, currency="KRW")
    with pytest.raises(InvalidReturnRule) as refused:
        returns.save_policy({"transit_days": 3, "dropoff_enabled": True,
                             "refund_promise_days": 3, "fault_window_days": 60}, DELIVERED)
    assert "at least 92 days" in refused.value.fields["fault_window_days"]
    assert returns.policy().fault_window_days == 30


def test_the_fault_reasons_are_reasons_customers_can_choose():
    """Damaged, wrong item, not as described and missing parts are all on the form's list."""
    assert set(faults.FAULT_REASONS) <= set(returns.REASONS)
    assert not returns.is_fault("changed_mind") and returns.is_fault("missing_parts")
