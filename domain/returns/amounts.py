"""What a return gives back, exact to the minor unit.

The customer gets the price paid for the units (tax included, any order discount shared out),
less what the rules keep back from a refund: the restocking fee, a percentage of each line, and a
flat return shipping fee, once per return. Store credit gets the full price paid and an exchange
costs nothing, which the policy page says in the same words.
"""
from dataclasses import dataclass, field

from ..money import _round_div


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


def paid_for(order, line, quantity):
    """What the customer paid for `quantity` units of `line`, tax included, after discounts."""
    amount = line.unit_price * quantity
    if not order.tax_included:
        amount += _round_div(amount * line.tax_rate_bp, 10000)
    if order.discount and order.subtotal:
        amount -= _round_div(amount * order.discount, order.subtotal)
    return amount


def estimate(order, selections, action, rules):
    """The amounts of returning `selections` (Selection) for `action`; `rules` maps each
    order_line_id to its Rule (eligibility.order_eligibility gives them)."""
    lines_by_id = {line.id: line for line in order.lines}
    lines = []
    items = restocking = shipping = 0
    for selection in selections:
        line = lines_by_id[selection.order_line_id]
        rule = rules[line.id]
        amount = paid_for(order, line, selection.quantity)
        fee = _round_div(amount * rule.restocking_fee_bp, 10000) if action == "refund" else 0
        if action == "refund" and rule.return_shipping == "flat":
            # One parcel goes back, so one fee: the highest that applies to what is in it.
            shipping = max(shipping, rule.return_shipping_fee)
        items += amount
        restocking += fee
        lines.append(EstimateLine(line, selection.quantity, amount, fee,
                                  selection.exchange_variant_id))
    if action == "exchange":
        refund = 0
    else:
        refund = max(0, items - restocking - shipping)
        # Fees never take more than the items are worth.
        shipping = min(shipping, items - restocking)
    return Estimate(order.currency, action, items, restocking, shipping, refund, tuple(lines))
