"""Tiers: a customer's tier is the highest one whose threshold their last 12 months meet.

settings.tier_basis says what counts:
- "orders": orders placed in the last 12 months that were delivered and not returned in full;
- "spend": what orders placed in the last 12 months paid (their total, once paid), less what
  their settled returns gave back (refunds and store credit).

A tier whose threshold for the basis is 0 is reached by every customer. recompute() runs after
points vest, after a return is settled and nightly (worker job "recompute-tiers"), so a tier
also falls when old orders leave the 12 months. Tier perks: extra points (earning.py), free
shipping (the checkout reads user.tier.free_shipping), a birthday bonus (codes.py reads
tier.birthday_points), and early access to marked products (early_access() below, enforced by
the cart and place_order)."""
from dataclasses import dataclass

from flask_babel import gettext as _, ngettext

from ..errors import ShopError
from ..extensions import db
from ..models import Order, Product, User
from . import settings as loyalty_settings

PAID_STATUSES = ("paid", "packed", "shipped", "out_for_delivery", "delivered")
SETTLED_RETURNS = ("refunded", "credited")


def since(now):
    from .earning import add_months
    return add_months(now, -12)


@dataclass(frozen=True)
class Progress:
    orders: int
    spend: int


def _paid(order):
    return order.status == "delivered" or any(e.status == "paid" for e in order.events)


def _fully_returned(order):
    returned = {}
    for ret in order.returns:
        if ret.status in SETTLED_RETURNS:
            for rl in ret.lines:
                returned[rl.order_line_id] = returned.get(rl.order_line_id, 0) + rl.quantity
    return bool(order.lines) and all(returned.get(line.id, 0) >= line.quantity
                                     for line in order.lines)


def progress(user_id, now):
    """What the customer's last 12 months count: delivered orders not fully returned, and what
    was paid less what returns gave back (minor units). Reads only."""
    rows = db.session.scalars(db.select(Order).where(
        Order.user_id == user_id, Order.placed_at >= since(now),
        Order.status.in_(PAID_STATUSES), Order.payment_method != "exchange"))
    count = spend = 0
    for order in rows:
        if order.status == "delivered" and not _fully_returned(order):
            count += 1
        if _paid(order):
            back = sum(ret.refund_amount for ret in order.returns if ret.status in SETTLED_RETURNS)
            spend += max(0, order.total - back)
    return Progress(count, spend)


def _threshold(tier, basis):
    return tier.min_orders if basis == "orders" else tier.min_spend


def reached(tiers, basis, got):
    """The highest tier in `tiers` (lowest first) that `got` (Progress) reaches, or None."""
    value = got.orders if basis == "orders" else got.spend
    best = None
    for tier in sorted(tiers, key=lambda t: (_threshold(t, basis), t.position, t.id)):
        if value >= _threshold(tier, basis):
            best = tier
    return best


def recompute(user_id, now):
    """Set the customer's tier from their last 12 months; the tier, or None. tier_at moves
    only when the tier changes."""
    user = db.session.get(User, user_id)
    if user is None:
        return None
    config = loyalty_settings.get()
    tier = reached(loyalty_settings.tiers(), config.tier_basis, progress(user_id, now))
    new_id = tier.id if tier is not None else None
    if user.tier_id != new_id:
        user.tier_id = new_id
        user.tier_at = now
        db.session.flush()
    return tier


def recompute_all(now):
    """Every customer with an order in the last 13 months or a tier now; how many changed."""
    from .earning import add_months
    recent = db.select(Order.user_id).where(Order.user_id.is_not(None),
                                            Order.placed_at >= add_months(now, -13))
    ids = sorted(set(db.session.scalars(recent)) | set(db.session.scalars(
        db.select(User.id).where(User.tier_id.is_not(None)))))
    changed = 0
    for user_id in ids:
        before = db.session.scalar(db.select(User.tier_id).where(User.id == user_id))
        tier = recompute(user_id, now)
        changed += (tier.id if tier else None) != before
    return changed


def current(user):
    """The customer's tier (LoyaltyTier) or None."""
    return getattr(user, "tier", None) if user is not None else None


@dataclass(frozen=True)
class NextTier:
    tier: object
    basis: str
    # What is missing: orders (basis "orders") or minor units (basis "spend").
    missing: int


def next_tier(user, now):
    """The next tier above the customer's and what it needs, or None (top tier, no tiers).
    Reads only (page views)."""
    config = loyalty_settings.peek()
    basis = config.tier_basis if config is not None else "spend"
    tiers = sorted(loyalty_settings.tiers(), key=lambda t: (_threshold(t, basis), t.position,
                                                            t.id))
    got = progress(user.id, now)
    value = got.orders if basis == "orders" else got.spend
    mine = _threshold(user.tier, basis) if user.tier is not None else -1
    for tier in tiers:
        needed = _threshold(tier, basis)
        if needed > mine and needed > value and (user.tier is None or tier.id != user.tier_id):
            return NextTier(tier, basis, needed - value)
    return None


def tier_name(tier, locale):
    if tier is None:
        return ""
    return (tier.name_ko or tier.name_en) if str(locale or "").startswith("ko") else tier.name_en


# Early access --------------------------------------------------------------------------------

def early_access_for(product, user, now):
    """None if `user` may buy `product` now; else the tier names that may (for the message)."""
    until = getattr(product, "early_access_until", None)
    if until is None or now >= until:
        return None
    tier = current(user)
    if tier is not None and tier.early_access:
        return None
    return [t for t in loyalty_settings.tiers() if t.early_access]


class EarlyAccessOnly(ShopError):
    """A product marked for early access, asked for by someone whose tier has none."""


def early_access_message(product, tiers, locale, zone):
    from datetime import timedelta

    from babel.dates import format_date
    # Shown as the last day of early access (it ends at the midnight after it).
    last = product.early_access_until - timedelta(microseconds=1)
    day = format_date(last.astimezone(zone), "d MMMM", locale=str(locale or "en"))
    names = ", ".join(tier_name(t, locale) for t in tiers) or _("top-tier")
    return _("Early access for %(tiers)s members until %(day)s", tiers=names, day=day)


def check_early_access(product_id, user_id, now, locale="en"):
    """Raise EarlyAccessOnly (a clear message) if the product is in early access and the
    customer (None: a guest) has no tier with early access."""
    product = db.session.get(Product, product_id) if product_id else None
    if product is None or product.early_access_until is None:
        return
    _refuse_early(product, user_id, now, locale)


def check_early_access_of(product_ids, user_id, now, locale="en"):
    """check_early_access for every product of an order, in one query: only products still
    in early access at `now` are looked at further."""
    ids = {product_id for product_id in product_ids if product_id}
    if not ids:
        return
    for product in db.session.scalars(db.select(Product).where(
            Product.id.in_(ids), Product.early_access_until > now).order_by(Product.id)):
        _refuse_early(product, user_id, now, locale)


def _refuse_early(product, user_id, now, locale):
    from .. import shopconfig
    user = db.session.get(User, user_id) if user_id else None
    tiers = early_access_for(product, user, now)
    if tiers is None:
        return
    zone = shopconfig.zone(shopconfig.get_settings_row().timezone)
    raise EarlyAccessOnly(early_access_message(product, tiers, locale, zone))


# The back office's tiers ---------------------------------------------------------------------

MAX_EXTRA_PERCENT = 1000
MAX_BIRTHDAY_POINTS = 1_000_000


def save_tier(tier_id, values, currency, locale="en"):
    """Add (tier_id None) or change a tier from the form's text: name_en, name_ko, min_orders,
    min_spend (an amount), extra_percent, birthday_points, free_shipping, early_access.
    InvalidSettings names every wrong field; nothing changes then. NotFound for a tier gone."""
    from ..errors import NotFound, ShopError
    from ..models import LoyaltyTier
    from ..settings import InvalidSettings, money_from_text
    from .earning import _whole
    tier = None
    if tier_id is not None:
        tier = db.session.get(LoyaltyTier, tier_id)
        if tier is None:
            raise NotFound(_("That tier no longer exists."))
    errors = {}
    name_en = (values.get("name_en") or "").strip()
    name_ko = (values.get("name_ko") or "").strip()
    if not name_en:
        errors["name_en"] = _("Enter the tier's name in English.")
    elif len(name_en) > 60:
        errors["name_en"] = _("Keep the name to 60 characters.")
    if len(name_ko) > 60:
        errors["name_ko"] = _("Keep the name to 60 characters.")
    min_orders = _whole(values.get("min_orders") or "0", 0, 10_000, errors, "min_orders",
                        _("Enter the orders needed as a whole number, 0 or more."))
    try:
        min_spend = money_from_text(values.get("min_spend"), currency, locale) or 0
        if min_spend < 0:
            raise ShopError(_("Enter the spend needed, 0 or more."))
    except ShopError as error:
        errors["min_spend"] = str(error)
        min_spend = None
    extra = _whole(values.get("extra_percent") or "0", 0, MAX_EXTRA_PERCENT, errors,
                   "extra_percent", _("Enter the extra points as a whole percentage from 0 to "
                                      "%(num)d.", num=MAX_EXTRA_PERCENT))
    birthday = _whole(values.get("birthday_points") or "0", 0, MAX_BIRTHDAY_POINTS, errors,
                      "birthday_points", _("Enter the birthday points as a whole number, 0 or "
                                           "more."))
    if errors:
        raise InvalidSettings(errors)
    if tier is None:
        tier = LoyaltyTier()
        db.session.add(tier)
    tier.name_en, tier.name_ko = name_en, name_ko
    tier.min_orders, tier.min_spend = min_orders, min_spend
    tier.extra_points_bp, tier.birthday_points = extra * 100, birthday
    tier.free_shipping = bool(values.get("free_shipping"))
    tier.early_access = bool(values.get("early_access"))
    tier.position = min_orders if loyalty_settings.get().tier_basis == "orders" else min_spend
    db.session.flush()
    return tier


def delete_tier(tier_id):
    """Delete a tier; its customers have none until the tiers are computed again. Refused
    while coupons are restricted to it (they would become open to everyone)."""
    from ..errors import NotFound
    from ..models import Coupon, LoyaltyTier
    tier = db.session.get(LoyaltyTier, tier_id)
    if tier is None:
        raise NotFound(_("That tier no longer exists."))
    used = db.session.scalar(db.select(db.func.count(Coupon.id)).where(Coupon.tier_id == tier_id))
    if used:
        raise ShopError(ngettext("%(num)d coupon is only for this tier: change or delete it "
                                 "first.", "%(num)d coupons are only for this tier: change or "
                                 "delete them first.", used))
    db.session.execute(db.update(User).where(User.tier_id == tier_id)
                       .values(tier_id=None).execution_options(synchronize_session="fetch"))
    db.session.delete(tier)
    db.session.flush()
