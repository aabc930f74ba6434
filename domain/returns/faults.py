"""Goods that arrived damaged, wrong, incomplete or not as described: the shop's fault, not a
change of mind, so they follow a rule of their own that every return request, estimate and the
policy page read from here.

- Final sale does not apply: a fault can always come back.
- The window is the shop's fault window (ReturnPolicy.fault_window_days, from delivery), or the
  line's own window when that is longer.
- Nothing is kept back: no restocking fee and free return shipping, so the customer gets the
  full price paid. When a fault return brings the whole order back (with any earlier returns),
  the order's own shipping is given back too: the customer is left as if they never ordered.
- Such a return waits for the merchant, flagged as a fault, with the customer's photos.
"""
from dataclasses import dataclass, replace

from .photos import MAX_PHOTOS

# The reasons that are the shop's fault; the other REASONS are changes of mind.
FAULT_REASONS = ("damaged", "wrong_item", "not_as_described", "missing_parts")

# Korea's Act on Consumer Protection in Electronic Commerce (전자상거래법), Article 17(3): goods
# that differ from how they were shown or advertised, or from the contract, may be sent back
# "within 3 months of the day they were supplied, and within 30 days of the day the consumer
# learned or could have learned of it" (그 재화등을 공급받은 날부터 3개월 이내, 그 사실을 안 날
# 또는 알 수 있었던 날부터 30일 이내), whichever ends first (Ministry of Government Legislation
# interpretations 14-0404 and 20-0108). The longest three calendar months are 92 days, so a KRW
# shop's fault window never closes before the law's does; the 30 days from discovery can only
# shorten it, so the shop does not need to know when the customer noticed.
LEGAL_MINIMUM_DAYS = {"KRW": 92}
DEFAULT_WINDOW_DAYS = 30


def is_fault(reason):
    return reason in FAULT_REASONS


def legal_minimum(currency):
    """The shortest fault window the law of the shop's currency allows, in days (0: none)."""
    return LEGAL_MINIMUM_DAYS.get(currency or "", 0)


def window_days(return_policy, currency):
    """The fault window the shop honours: its setting, never below the legal minimum."""
    stored = getattr(return_policy, "fault_window_days", None)
    if stored is None:
        stored = DEFAULT_WINDOW_DAYS
    return max(stored, legal_minimum(currency))


def rule(line_rule, days):
    """The rule a line follows when it comes back as a fault: every action, no fees, not
    final sale, and the longer of its own window and the fault window."""
    return replace(line_rule, final_sale=False, allow_refund=True, allow_exchange=True,
                   allow_credit=True, restocking_fee_bp=0, return_shipping="free",
                   return_shipping_fee=0, window_days=max(line_rule.window_days, days))


@dataclass(frozen=True)
class Terms:
    """What the policy page promises for faults, read from the rule above."""

    window_days: int
    # The law's minimum (0: none), to say why the window is what it is.
    legal_minimum_days: int
    currency: str
    # Always true today; named so the page states what the code does.
    final_sale_applies: bool = False
    restocking_fee: bool = False
    return_shipping_free: bool = True
    order_shipping_back: bool = True
    max_photos: int = MAX_PHOTOS


def terms(return_policy, currency):
    return Terms(window_days(return_policy, currency), legal_minimum(currency), currency)


def order_comes_back_whole(order, selections):
    """Whether returning `selections` (Selection) brings every unit of the order back, counting
    the units already in returns that were not rejected."""
    asked = {}
    for selection in selections:
        asked[selection.order_line_id] = asked.get(selection.order_line_id, 0) + selection.quantity
    for line in order.lines:
        earlier = sum(rl.quantity for ret in order.returns if ret.status != "rejected"
                      for rl in ret.lines if rl.order_line_id == line.id)
        if earlier + asked.get(line.id, 0) < line.quantity:
            return False
    return True

