"""What a return gives back, to the minor unit: taxes, discounts and the fees a refund pays."""
from datetime import datetime, timezone

import pytest

from domain import orders, returns
from domain.returns import Rule, Selection
from tests.order_helpers import place, shop_with_a_product
from tests.return_helpers import order_with, shop_config

DELIVERED = [("delivered", datetime(2026, 3, 1, tzinfo=timezone.utc))]


def rules_for(order, *rules):
    """Each line of `order` under the matching rule, in line order."""
    return {line.id: rule for line, rule in zip(order.lines, rules)}


def all_of(order):
    return [Selection(line.id, line.quantity) for line in order.lines]


def amounts(estimate):
    return (estimate.items_amount, estimate.restocking_fee, estimate.return_shipping_fee,
            estimate.refund_amount)


def test_tax_included_won_with_a_restocking_fee(app, ctx, make):
    """Two ₩39,000 jars with a 10 % restocking fee: ₩78,000 paid, ₩7,800 kept, ₩70,200 back."""
    number = place(app, shop_with_a_product(make), quantity=2)["number"]
    order = orders.by_number(number)
    assert order.shipping == 3000 and order.tax_included
    result = returns.estimate(order, all_of(order), "refund",
                              rules_for(order, Rule(restocking_fee_bp=1000)))
    assert amounts(result) == (78000, 7800, 0, 70200)
    assert result.currency == "KRW"
    assert [(line.quantity, line.amount, line.restocking_fee) for line in result.lines] == [
        (2, 78000, 7800)]


@pytest.mark.parametrize("unit_price, quantity, paid", [
    (1000, 1, 1083),   # $0.825 tax: half a cent rounds up, to $0.83
    (200, 1, 217),     # $0.165 -> $0.17
    (1999, 3, 6492),   # $4.947525 -> $4.95
    (1234, 1, 1336),   # $1.01805 -> $1.02
])
def test_tax_exclusive_dollars_add_the_tax_rounded_half_up_to_the_cent(
        ctx, unit_price, quantity, paid):
    """Prices before 8.25 % tax: the customer paid the price plus its tax, to the cent."""
    order = order_with([(None, unit_price, quantity)], currency="USD", tax_included=False,
                       tax_rate_bp=825, events=DELIVERED)
    assert returns.paid_for(order, order.lines[0], quantity) == paid
    result = returns.estimate(order, all_of(order), "refund", rules_for(order, Rule()))
    assert amounts(result) == (paid, 0, 0, paid) and result.currency == "USD"


def test_flat_return_shipping_is_charged_once_per_return(ctx):
    """Two lines with ₩3,000 and ₩5,000 return shipping travel in one parcel: ₩5,000 kept."""
    order = order_with([(None, 20000, 1), (None, 30000, 1)], events=DELIVERED)
    rules = rules_for(order, Rule(return_shipping="flat", return_shipping_fee=3000),
                      Rule(return_shipping="flat", return_shipping_fee=5000))
    assert amounts(returns.estimate(order, all_of(order), "refund", rules)) == (
        50000, 0, 5000, 45000)
    only_first = returns.estimate(order, [Selection(order.lines[0].id, 1)], "refund", rules)
    assert amounts(only_first) == (20000, 0, 3000, 17000)


def test_free_and_customer_paid_shipping_keep_nothing(ctx):
    """Only a flat fee is kept from the refund; the customer's own postage is theirs."""
    order = order_with([(None, 20000, 1), (None, 30000, 1)], events=DELIVERED)
    rules = rules_for(order, Rule(return_shipping="customer"), Rule())
    assert amounts(returns.estimate(order, all_of(order), "refund", rules)) == (
        50000, 0, 0, 50000)


@pytest.mark.parametrize("action, refund", [("credit", 78000), ("exchange", 0)])
def test_fees_apply_to_refunds_only(ctx, action, refund):
    """Store credit gets the full price paid; an exchange costs nothing and pays nothing."""
    order = order_with([(None, 39000, 2)], events=DELIVERED)
    rules = rules_for(order, Rule(restocking_fee_bp=1000, return_shipping="flat",
                                  return_shipping_fee=3000))
    result = returns.estimate(order, all_of(order), action, rules)
    assert amounts(result) == (78000, 0, 0, refund)
    assert result.action == action and result.lines[0].restocking_fee == 0


def test_a_refund_is_never_negative(ctx):
    """A ₩2,000 item with ₩3,000 return shipping and a 50 % fee refunds nothing, owes nothing."""
    order = order_with([(None, 2000, 1)], events=DELIVERED)
    rules = rules_for(order, Rule(restocking_fee_bp=5000, return_shipping="flat",
                                  return_shipping_fee=3000))
    result = returns.estimate(order, all_of(order), "refund", rules)
    assert result.refund_amount == 0
    assert result.restocking_fee + result.return_shipping_fee == result.items_amount == 2000


def test_the_order_discount_is_shared_out_exactly(ctx):
    """₩1,000 off three ₩10,000 lines: the three lines together give back exactly ₩29,000."""
    order = order_with([(None, 10000, 1)] * 3, discount=1000, events=DELIVERED)
    shares = [returns.paid_for(order, line, 1) for line in order.lines]
    assert sum(shares) == 29000 and max(shares) - min(shares) <= 1
    result = returns.estimate(order, all_of(order), "credit", rules_for(order, *[Rule()] * 3))
    assert result.items_amount == result.refund_amount == order.total == 29000


def test_the_discount_follows_each_lines_price(ctx):
    """₩5,000 off ₩30,000 and ₩10,000 lines: ₩3,750 and ₩1,250 of it; half a line, half its share."""
    order = order_with([(None, 15000, 2), (None, 10000, 1)], discount=5000, events=DELIVERED)
    first, second = order.lines
    assert returns.paid_for(order, first, 2) == 26250
    assert returns.paid_for(order, second, 1) == 8750
    assert returns.paid_for(order, first, 1) == 13125


def test_a_tax_exclusive_discount_is_taken_before_the_tax(ctx):
    """$10 off two $50 lines at 8.25 %: each paid $45 plus $3.71 tax; together the goods' total."""
    order = order_with([(None, 5000, 1), (None, 5000, 1)], currency="USD", tax_included=False,
                       tax_rate_bp=825, discount=1000, events=DELIVERED)
    paid = [returns.paid_for(order, line, 1) for line in order.lines]
    assert paid == [4871, 4871]
    # The order taxed its goods once ($7.425 -> $7.43); per line it is rounded per line.
    assert abs(sum(paid) - order.total) <= len(paid)


def test_the_estimate_takes_eligibility_results_or_the_shop_config(app, ctx, make):
    """Rules straight from order_eligibility, or looked up from the config as the plan says."""
    product = make.product("Moon jar", price=39000)["id"]
    returns.save_rule("product", product, {
        "window_days": 30, "allow_refund": True, "allow_exchange": True, "allow_credit": True,
        "restocking_fee_bp": 1000, "return_shipping": "flat", "return_shipping_fee": 3000},
        datetime(2026, 1, 1, tzinfo=timezone.utc))
    config = shop_config(app, make)
    order = order_with([(product, 39000, 2)], events=DELIVERED)
    expected = (78000, 7800, 3000, 67200)
    eligibility = returns.order_eligibility(order, datetime(2026, 3, 2, tzinfo=timezone.utc),
                                            config)
    assert amounts(returns.estimate(order, all_of(order), "refund", eligibility)) == expected
    assert amounts(returns.estimate(order, all_of(order), "refund", config)) == expected
