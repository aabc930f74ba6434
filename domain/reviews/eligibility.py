"""Who may review what: the buyer of a delivered order line that was not sent back or refunded
in full, one review per product per reviewer (a later purchase updates it).

The buyer is the order's reviewer identity: "user:<id>" when the order has an account, else
"email:<normalised address>" (a guest, through the signed link of their order). Whether the
person holding the link or the signed-in account is that buyer is the web layer's check
(blueprints/reviews/identity.py); this module says what that buyer may review.
"""
from flask_babel import gettext as _

from .. import email_address
from ..returns.refunds import refunded

# Returns whose units no longer count as bought: given back for money or store credit. An
# exchange's customer keeps the product (another size, a new piece) and may review it.
GIVEN_BACK = ("refund", "credit")


def reviewer_of(order):
    """The reviewer identity of the order's buyer."""
    if order.user_id is not None:
        return f"user:{order.user_id}"
    return f"email:{email_address.normalize(order.email)}"


def kept_quantity(order, line):
    """Units of the line the buyer kept: less those in a return for money or credit that was
    not rejected (asked for, on its way back, or refunded)."""
    given_back = sum(rl.quantity for ret in order.returns
                     if ret.status != "rejected" and ret.action in GIVEN_BACK
                     for rl in ret.lines if rl.order_line_id == line.id)
    return line.quantity - given_back


def order_problem(order):
    """Why none of the order's lines may be reviewed, or "" when its lines may be."""
    if order.status in ("cancelled", "payment_expired"):
        return _("This order was cancelled, so there is nothing to review.")
    if order.status != "delivered":
        return _("You can review this order once it has been delivered.")
    money_back = refunded(order)
    if money_back is not None and money_back.net_paid <= 0:
        return _("This order was refunded in full, so there is nothing to review.")
    return ""


def line_problem(order, line, order_reason=None):
    """Why this line may not be reviewed, or "" when it may. `order_reason` is
    order_problem(order) when the caller already has it."""
    reason = order_problem(order) if order_reason is None else order_reason
    if reason:
        return reason
    if line.product_id is None:
        return _("This product is no longer sold, so it cannot be reviewed.")
    if kept_quantity(order, line) <= 0:
        return _("You sent this item back, so it cannot be reviewed.")
    return ""


def reviewable_lines(order):
    """[(line, problem)] for the order's lines, one per product: the first line of a product
    that may be reviewed (an order of two colours of one bowl gives one review of the bowl)."""
    reason = order_problem(order)
    chosen = {}
    for line in order.lines:
        problem = line_problem(order, line, reason)
        key = line.product_id if line.product_id is not None else f"line:{line.id}"
        if key not in chosen or (chosen[key][1] and not problem):
            chosen[key] = (line, problem)
    return list(chosen.values())


def may_review_any(order):
    """Whether any line of the order may be reviewed (the order page's link)."""
    return order.status == "delivered" and any(
        not problem for _line, problem in reviewable_lines(order))
