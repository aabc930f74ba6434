"""One-click buying for signed-in customers: what the button offers, and what pressing it does.

The offer uses the customer's default address, preferred payment method and preferred shipping
method (else the cheapest for the address's region; domain.preferences.one_click decides), and
states the total it will charge. Store credit, if any, always pays first. A button pressed
after the total changed (a quantity or a price, since the page was drawn) places nothing and
raises TotalChanged with the new offer, for the shopper to confirm.
"""
import secrets
from dataclasses import dataclass, field

from flask_babel import gettext as _, ngettext

from . import counters, credit, orders, preferences, pricing
from .loyalty import quote as loyalty_quote
from .errors import CheckoutInvalid, ShopError
from .money import Money
from .orders import ADDRESS_FIELDS


def new_token():
    """The button's one-time checkout token: pressing it twice places one order."""
    return secrets.token_urlsafe(24)


@dataclass(frozen=True)
class Offer:
    """What pressing 'Buy now' would do: where to, how paid, how shipped, and the total."""

    address: dict
    place: str
    shipping_method_id: int
    payment_method: str
    payment_label: str
    breakdown: pricing.Breakdown
    # The part of the total the customer's store credit pays (zero without credit).
    credit: Money
    token: str = field(default_factory=new_token)
    # The coupon codes applied in the cart, and whether the customer's points pay part.
    codes: tuple = ()
    use_points: bool = False

    @property
    def total(self):
        return self.breakdown.total

    @property
    def to_pay(self):
        return self.total - self.credit

    def checkout(self, token, user, locale, campaign=(None, None)):
        return orders.Checkout(
            checkout_token=token, email=user.email, address=dict(self.address),
            shipping_method_id=self.shipping_method_id, payment_method=self.payment_method,
            locale=locale, user_id=user.id, use_credit=bool(self.credit),
            coupon_codes=tuple(self.codes), use_points=self.use_points,
            campaign_id=campaign[0], campaign_landed_at=campaign[1])


class Unavailable(ShopError):
    """One-click buying is not set up for this customer, or the product is gone."""


class TotalChanged(ShopError):
    """The total is not the one the button showed; `offer` has the new one to confirm."""

    def __init__(self, message, offer):
        super().__init__(message)
        self.offer = offer


def offer(user, lines, config, codes=(), use_points=False, now=None):
    """The one-click offer for buying `lines` (pricing.Line), or None when the visitor is not a
    signed-in customer or one-click is not ready for them (domain.preferences.one_click decides:
    default address, a payment settled after checkout, a shipping method for the region).
    With `now`, priced with the cart's coupon `codes` and the points if `use_points`;
    the customer's tier (free shipping) always counts."""
    if not getattr(user, "is_authenticated", False) or user.is_merchant:
        return None
    plan = preferences.one_click(user, config)
    if not plan.ready:
        return None
    address, method = plan.address, plan.shipping
    # Without `now` (a product page), no codes: the customer's tier still counts.
    codes, use_points = (tuple(codes), bool(use_points)) if now is not None else ((), False)
    breakdown = loyalty_quote.quote(
        config, lines, codes=codes, user=user, email=user.email, use_points=use_points,
        region=address.region, shipping_method_id=method.id, now=now).breakdown
    return Offer(
        address={name: getattr(address, name) or "" for name in ADDRESS_FIELDS},
        place=plan.address_label, shipping_method_id=method.id,
        payment_method=user.preferred_payment_method, payment_label=str(plan.payment),
        breakdown=breakdown, credit=credit.applied(user.credit_balance, breakdown.total),
        codes=codes, use_points=use_points)


def buy(config, user, cart, lines, token, expected_total, now, locale, single_item=False,
        codes=(), use_points=False, campaign=(None, None)):
    """Place the one-click order for `lines` of `cart` at the total the button showed.
    Returns (order, created) as place_order does.

    Unavailable when one-click is not ready or (`single_item`, a product page's button) the
    product is gone; `campaign` is (campaign id, when its link was followed) or Nones;
    TotalChanged when `expected_total` (minor units, as posted) is no longer
    the total. An emptied cart goes on to place_order: it is how a retried button finds the
    order its first press made.
    """
    current = offer(user, lines, config, codes=codes, use_points=use_points, now=now)
    if current is None:
        raise Unavailable(_("One-click buying needs a default address and a payment method paid "
                            "after checkout (bank transfer or cash on delivery) in your account "
                            "settings."))
    if single_item and not lines:
        raise Unavailable(_("That product is no longer available."))
    if lines and str(current.total.amount) != (expected_total or ""):
        items = sum(line.quantity for line in lines)
        raise TotalChanged(_("The total is now %(total)s for %(items)s. Nothing was ordered yet: "
                             "press “Buy now” again to buy at this total.",
                             total=current.total.format(locale),
                             items=ngettext("%(num)d item", "%(num)d items", items)), current)
    try:
        order, created = orders.place_order(
            config, cart, current.checkout(token, user, locale, campaign), now)
    except CheckoutInvalid as error:
        if "cart" in error.fields:
            raise Unavailable(error.fields["cart"])
        raise Unavailable(_("One-click buying could not use your saved details: %(problems)s "
                            "Please update them in your account settings.",
                            problems=" ".join(error.fields.values())))
    if single_item and created:
        # "Buy now" on a product page skips the cart: for the shop's counters it is the cart
        # add of the funnel (views -> cart -> orders), counted once the order is committed. From
        # the cart page the products were counted when they were added to it.
        for line in lines:
            counters.count_on_commit(counters.CART, line.product_id, now, config.zone)
    return order, created
