"""What a return gives back, exact to the minor unit.

The customer gets the price paid for the units (tax included, any order discount shared out),
less what the rules keep back from a refund: the restocking fee, a percentage of each line, and a
flat return shipping fee, once per return. Store credit gets the full price paid and an exchange
costs nothing, which the policy page says in the same words. A fault (faults.py) keeps nothing
back, and gives the order's shipping back too when the whole order returns.
"""
from collections.abc import Mapping
from dataclasses import dataclass, field

from ..loyalty import allocation
from ..money import Money, _round_div
from . import faults
from .rules import line_rules


@dataclass(frozen=True)
class Selection:
    order_line_id: int
    quantity: int
    exchange_variant_id: int | None = None


@dataclass(frozen=True)
class EstimateLine:
    order_line: object
    quantity: int
    amount: int
    restocking_fee: int
    exchange_variant_id: int | None = None


@dataclass(frozen=True)
class Estimate:
    currency: str
    action: str
    items_amount: int = 0
    restocking_fee: int = 0
    return_shipping_fee: int = 0
    refund_amount: int = 0
    lines: tuple = field(default_factory=tuple)
    # The order's own shipping given back (a fault return that brings the whole order back).
    shipping_refund: int = 0


def discount_shares(order):
    """{order_line_id: its part of the order discount}.

    An order priced with coupons or points stores each line's part (OrderLine.discount, shared
    out when it was placed: a coupon for some products takes its discount from their lines
    only). Older orders are shared here in proportion to the lines' prices. Either way the
    units left over after rounding go to the lines with the largest remainders, so the parts
    add up exactly (loyalty/allocation.py).
    """
    if not order.discount or not order.subtotal:
        return {}
    stored = {line.id: line.discount or 0 for line in order.lines}
    if sum(stored.values()) == order.discount:
        return stored
    return allocation.split(order.discount, {line.id: line.unit_price * line.quantity
                                             for line in order.lines})


def paid_for(order, line, quantity, shares=None):
    """What the customer paid for `quantity` units of `line`, tax included, after discounts.
    `shares` is discount_shares(order), for a caller pricing several lines."""
    if shares is None:
        shares = discount_shares(order)
    share = shares.get(line.id, 0)
    if quantity != line.quantity:
        share = _round_div(share * quantity, line.quantity)
    amount = line.unit_price * quantity - share
    if not order.tax_included:
        # The order taxed its goods after the discount, so the line's tax is on what is left.
        amount += Money(amount, order.currency).percent_bp(line.tax_rate_bp).amount
    return amount


def order_shipping_paid(order):
    """What the customer paid for the order's shipping, tax included."""
    if order.tax_included:
        return order.shipping
    return order.shipping + Money(order.shipping, order.currency).percent_bp(order.tax_rate_bp).amount


def estimate(order, selections, action, rules, fault=False):
    """The amounts of returning `selections` (Selection) for `action`. `rules` maps each
    order_line_id to its Rule or to its Eligibility (as eligibility.order_eligibility gives
    them); given anything else (the shop config), the rules are looked up. `fault`: the goods
    arrived damaged, wrong or not as described, so nothing is kept back."""
    if not isinstance(rules, Mapping):
        rules = line_rules(order)
    lines_by_id = {line.id: line for line in order.lines}
    shares = discount_shares(order)
    lines = []
    items = restocking = shipping = 0
    for selection in selections:
        line = lines_by_id[selection.order_line_id]
        rule = rules[line.id]
        rule = getattr(rule, "rule", rule)
        if fault:
            rule = faults.rule(rule, 0)
        amount = paid_for(order, line, selection.quantity, shares)
        fee = Money(amount, order.currency).percent_bp(rule.restocking_fee_bp).amount \
            if action == "refund" else 0
        if action == "refund" and rule.return_shipping == "flat":
            # One parcel goes back, so one fee: the highest that applies to what is in it.
            shipping = max(shipping, rule.return_shipping_fee)
        items += amount
        restocking += fee
        lines.append(EstimateLine(line, selection.quantity, amount, fee,
                                  selection.exchange_variant_id))
    shipping_back = 0
    if action == "exchange":
        refund = 0
    else:
        refund = max(0, items - restocking - shipping)
        # Fees never take more than the items are worth.
        shipping = min(shipping, items - restocking)
        if fault and order.shipping and faults.order_comes_back_whole(order, selections):
            shipping_back = order_shipping_paid(order)
            refund += shipping_back
    return Estimate(order.currency, action, items, restocking, shipping, refund, tuple(lines),
                    shipping_back)
