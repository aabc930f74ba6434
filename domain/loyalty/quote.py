"""What a cart costs with its coupons, the referral welcome code and points: the one place
checkout, the cart, one-click and place_order price an order.

Coupons come off the goods first (several only when every one of them allows combining), then
points pay part of what is left of the goods (never shipping or tax); a free-shipping coupon or
the customer's tier makes the chosen shipping method free. The discount comes off before the
free-shipping threshold and the tax (pricing.breakdown), and is shared across the lines so they
add up to it exactly (allocation.split).
"""
from dataclasses import dataclass

from flask_babel import gettext as _

from .. import pricing
from ..errors import CouponRefused
from ..models import LoyaltySettings
from . import allocation, coupons, points, referrals
from . import settings as loyalty_settings


# Applied(coupon, code, amount, free_shipping, line_amounts): a coupon the quote applied.
Applied = coupons.Applied


@dataclass(frozen=True)
class Refusal:
    """A code that was not applied: the code as typed, the reason's short code, the message."""

    code: str
    reason: str
    message: str

    def error(self):
        return CouponRefused(self.message, reason=self.reason, code=self.code)


@dataclass(frozen=True)
class Quote:
    breakdown: pricing.Breakdown
    coupons: tuple
    refusals: tuple
    points: points.AtCheckout | None
    line_discounts: dict
    # A free-shipping coupon or the customer's tier makes the chosen method free.
    free_shipping: bool = False
    # What the customer's points could pay of this order (for "Use my points (N, worth ₩X)"),
    # whether or not they are used.
    points_usable: int = 0
    points_worth: object = None

    @property
    def display_lines(self):
        return self.breakdown.discount_lines

    @property
    def codes(self):
        """The codes applied, as the shop writes them."""
        return tuple(applied.code for applied in self.coupons)

    def refusal_for(self, code):
        key = coupons.key_of(code)
        return next((r for r in self.refusals if coupons.key_of(r.code) == key), None)


def _settings():
    return loyalty_settings.peek() or LoyaltySettings(id=1, point_value=1)


def _fits(applied, new):
    """Can `new` (an Applied) join the coupons applied already? Refusal message or None."""
    if not applied:
        return None
    if not new.coupon.combine_coupons:
        return _("This code can't be combined with other codes: remove “%(other)s” to use it.",
                 other=applied[0].code)
    exclusive = next((a for a in applied if not a.coupon.combine_coupons), None)
    if exclusive is not None:
        return _("“%(other)s” can't be combined with other codes: remove it to use this one.",
                 other=exclusive.code)
    return None


def quote(config, lines, *, codes=(), user=None, email="", use_points=False, referral_code="",
          region=None, shipping_method_id=None, now):
    """The Quote of `lines` (pricing.Line) with these codes and choices. Codes that cannot be
    used are left out and listed in `refusals` with their message (the referral's welcome code
    is simply left out: the shopper did not type it)."""
    lines = tuple(lines)
    currency = config.currency
    remaining = {line.variant_id: line.total.amount for line in lines}
    applied, refusals, seen = [], [], set()
    user = user if getattr(user, "is_authenticated", True) and getattr(user, "id", None) else None
    welcome = referrals.welcome_code(referral_code, now) if referral_code else ""
    wanted = [(code, True) for code in codes] + ([(welcome, False)] if welcome else [])
    for code, typed in wanted:
        key = coupons.key_of(code)
        if not key or key in seen:
            continue
        seen.add(key)
        try:
            found = coupons.evaluate(config, code, lines, user=user, email=email, now=now,
                                     remaining=remaining)
        except CouponRefused as error:
            if typed:
                refusals.append(Refusal(code.strip(), error.reason, str(error)))
            continue
        clash = _fits(applied, found)
        if clash is not None:
            if typed:
                refusals.append(Refusal(code.strip(), "combine", clash))
            continue
        if use_points and not found.coupon.combine_points and user is not None \
                and user.points_balance > 0 and typed:
            # The code stays applied and the points are left out, with the reason said.
            refusals.append(Refusal(code.strip(), "points", _(
                "Can't be combined with your points: untick “Use my points” to use this "
                "code.")))
        applied.append(found)
        for variant_id, part in found.line_amounts.items():
            remaining[variant_id] -= part

    line_discounts = {line.variant_id: line.total.amount - remaining[line.variant_id]
                      for line in lines}
    display = [(_("Code %(code)s", code=a.code), a.amount) for a in applied]

    at_checkout, extra = None, {}
    points_blocked = any(not a.coupon.combine_points for a in applied)
    if user is not None and user.points_balance > 0:
        settings = _settings()
        goods_left = sum(remaining.values())
        could = points.usable(user.points_balance, goods_left, settings)
        spent = could if use_points and not points_blocked else 0
        extra = {"points_usable": could, "points_worth": points.value(could, settings, currency)}
        discount = points.value(spent, settings, currency)
        at_checkout = points.AtCheckout(user.points_balance, spent, discount)
        if spent:
            shares = allocation.split(discount.amount, dict(remaining))
            for variant_id, part in shares.items():
                line_discounts[variant_id] += part
            display.append((_("Points (%(points)s)", points=f"{spent:,}"), discount))

    free_shipping = any(a.free_shipping for a in applied) or bool(
        user is not None and getattr(user, "tier", None) is not None and user.tier.free_shipping)
    total_discount = sum(line_discounts.values())
    breakdown = pricing.breakdown(config, lines, shipping_method_id=shipping_method_id,
                                  region=region, discount=total_discount,
                                  free_shipping=free_shipping, discount_lines=display)
    return Quote(breakdown=breakdown, coupons=tuple(applied), refusals=tuple(refusals),
                 points=at_checkout, line_discounts=line_discounts,
                 free_shipping=free_shipping, **extra)


def add_code(config, lines, codes, code, **choices):
    """The applied codes with `code` added (as the shop writes it), or CouponRefused saying why
    it cannot be used with these lines, choices and codes (the codes are then unchanged).
    `choices` are quote()'s keyword arguments (user, email, use_points, region, now...)."""
    if not coupons.key_of(code):
        raise CouponRefused(_("Please enter a code."), reason="empty", code="")
    keys = {coupons.key_of(c) for c in codes}
    if coupons.key_of(code) in keys:
        return tuple(codes)
    result = quote(config, lines, codes=(*codes, code), **choices)
    refusal = result.refusal_for(code)
    if refusal is not None:
        raise refusal.error()
    written = next(a.code for a in result.coupons if coupons.key_of(a.code) == coupons.key_of(code))
    return (*codes, written)


def remove_code(codes, code):
    key = coupons.key_of(code)
    return tuple(c for c in codes if coupons.key_of(c) != key)
