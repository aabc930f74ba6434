"""Coupons: codes, their conditions and their uses.

A code is matched case-insensitively (code_key). Uses are taken inside the order's transaction
with a conditional UPDATE, as stock is, so a limit of 10 gives exactly 10 orders; a cancelled
or expired order gives its use back; a failed card payment rolls back with the order and never
holds one.
"""
import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from babel.dates import format_skeleton
from flask import current_app
from flask_babel import get_locale, gettext as _, ngettext
from sqlalchemy import or_
from sqlalchemy.dialects import postgresql, sqlite

from .. import storefront_version
from ..errors import CouponRefused
from ..extensions import db
from ..models import Coupon, CouponUse, Order, Product
from ..money import Money
from . import allocation

_ACTIVE_MEMO = "coupons_any_active"
# An order in one of these states no longer counts as an order (first-order-only codes).
NOT_ORDERS = ("cancelled", "payment_expired")

# Codes the shop makes: no 0/O or 1/I to misread.
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def key_of(code):
    """What a typed code is matched on: upper case, without spaces or dashes around."""
    return "".join((code or "").split()).upper()[:40]


def new_code(prefix="", length=8):
    """A random code the shop makes ("THANKS-7Q4D2MXK")."""
    body = "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))
    return f"{prefix}-{body}" if prefix else body


def by_code(code):
    key = key_of(code)
    return db.session.scalar(db.select(Coupon).where(Coupon.code_key == key)) if key else None


def issue(issue_key, *, source, kind, value, now, ends_at=None, prefix="", name="",
          customer_user_id=None, customer_email="", usage_limit=1, per_customer_limit=1,
          min_subtotal=0, first_order_only=False, combine_coupons=False, combine_points=True):
    """A single-use code the shop issues once per `issue_key` (a job run twice, or two
    workers at once, make one code): the Coupon, new or the one issued before."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    for _attempt in range(5):
        code = new_code(prefix)
        values = dict(code=code, code_key=key_of(code), name=name[:120], kind=kind, value=value,
                      source=source, issue_key=issue_key[:120], starts_at=now, ends_at=ends_at,
                      customer_user_id=customer_user_id,
                      customer_email=(customer_email or "").strip().lower(),
                      usage_limit=usage_limit, per_customer_limit=per_customer_limit,
                      min_subtotal=min_subtotal, first_order_only=first_order_only,
                      combine_coupons=combine_coupons, combine_points=combine_points,
                      product_ids=[], category_ids=[], created_at=now, updated_at=now)
        if db.session.scalar(db.select(Coupon.id).where(Coupon.code_key == values["code_key"])):
            continue  # a random code already taken: draw again
        db.session.execute(insert(Coupon).values(**values)
                           .on_conflict_do_nothing(index_elements=["issue_key"]))
        break
    return db.session.scalar(db.select(Coupon).where(Coupon.issue_key == issue_key[:120]))


@dataclass(frozen=True)
class Applied:
    """A coupon that applies: its discount on the goods (Money), whether it makes shipping
    free, and the discount's share of each line ({variant_id: minor units})."""

    coupon: Coupon
    code: str
    amount: Money
    free_shipping: bool
    line_amounts: dict = field(default_factory=dict)


def _locale():
    return str(get_locale() or "en")


def _day(instant, config):
    """'March 3' ('3월 3일'): the day in the shop's time zone, in the shopper's language."""
    return format_skeleton("MMMMd", instant.astimezone(config.zone), locale=_locale())


def _refuse(message, reason, code):
    raise CouponRefused(message, reason=reason, code=code)


def _category_of(product_ids):
    if not product_ids:
        return {}
    rows = db.session.execute(db.select(Product.id, Product.category_id)
                              .where(Product.id.in_(list(product_ids))))
    return {row.id: row.category_id for row in rows}


def eligible_lines(coupon, lines):
    """The lines (pricing.Line) the coupon's discount applies to: all of them, or only those of
    its products or categories."""
    products = {int(p) for p in (coupon.product_ids or [])}
    categories = {int(c) for c in (coupon.category_ids or [])}
    if not products and not categories:
        return list(lines)
    category = _category_of({line.product_id for line in lines}) if categories else {}
    return [line for line in lines
            if line.product_id in products or category.get(line.product_id) in categories]


def _uses_by(coupon_id, user_id, email, exclude_order_id=None):
    """Uses of the coupon held now (not given back) by this account or this email."""
    who = []
    if user_id is not None:
        who.append(CouponUse.user_id == user_id)
    if email:
        who.append(CouponUse.email == email.strip().lower())
    if not who:
        return 0
    query = (db.select(db.func.count(CouponUse.id))
             .where(CouponUse.coupon_id == coupon_id, CouponUse.released_at.is_(None), or_(*who)))
    if exclude_order_id is not None:
        query = query.where(CouponUse.order_id != exclude_order_id)
    return db.session.scalar(query) or 0


def _has_ordered(user_id, email, exclude_order_id=None):
    """Has this account or email an earlier order that was not cancelled or left unpaid?"""
    who = []
    if user_id is not None:
        who.append(Order.user_id == user_id)
    if email:
        who.append(db.func.lower(Order.email) == email.strip().lower())
    if not who:
        return False
    query = db.select(Order.id).where(or_(*who), Order.status.not_in(NOT_ORDERS))
    if exclude_order_id is not None:
        query = query.where(Order.id != exclude_order_id)
    return db.session.scalar(query.limit(1)) is not None


def check(coupon, typed, config, lines, *, user=None, email="", now):
    """Refuse (CouponRefused, saying why and what would fix it) a coupon that cannot be used on
    `lines` by this shopper at `now`. The email may be unknown yet (a guest's cart): the
    conditions that need it are checked again when the order is placed, with the email."""
    typed = (typed or "").strip()
    if coupon is None:
        _refuse(_("We don't know the code “%(code)s”. Please check its spelling.", code=typed),
                "unknown", typed)
    if coupon.paused:
        _refuse(_("The code “%(code)s” is paused by the shop for now. Please try it again later.",
                  code=typed), "paused", typed)
    if coupon.starts_at is not None and now < coupon.starts_at:
        _refuse(_("Not valid until %(date)s.", date=_day(coupon.starts_at, config)),
                "not_started", typed)
    if coupon.ends_at is not None and now >= coupon.ends_at:
        # ends_at is the first instant it no longer works: the last valid day is the one before.
        last = coupon.ends_at - timedelta(microseconds=1)
        _refuse(_("Expired on %(date)s.", date=_day(last, config)), "expired", typed)
    if coupon.usage_limit is not None and coupon.used_count >= coupon.usage_limit:
        _refuse(_("This code is used up."), "used_up", typed)
    user_id = getattr(user, "id", None)
    email = (email or getattr(user, "email", "") or "").strip().lower()
    if coupon.customer_user_id is not None and coupon.customer_user_id != user_id:
        if user_id is None:
            _refuse(_("This code belongs to a customer account: please sign in to use it."),
                    "customer", typed)
        _refuse(_("This code belongs to another customer's account."), "customer", typed)
    if coupon.customer_email and email and coupon.customer_email.lower() != email:
        _refuse(_("This code is for another email address: use the email address it was sent "
                  "to."), "customer", typed)
    if coupon.tier_id is not None and getattr(user, "tier_id", None) != coupon.tier_id:
        tier = coupon.tier
        name = (tier.name_ko if _locale().startswith("ko") and tier.name_ko else tier.name_en) \
            if tier is not None else ""
        _refuse(_("Only for members of the %(tier)s tier.", tier=name), "tier", typed)
    if coupon.source == "campaign":
        # A campaign's exclusive code: only for the people the campaign was sent to.
        from ..newsletter import campaigns
        if not campaigns.holds_code(coupon, user_id, email):
            _refuse(_("This code was sent to a newsletter's readers only: use the email "
                      "address it was sent to."), "customer", typed)
    if coupon.first_order_only and _has_ordered(user_id, email):
        _refuse(_("Only for first orders."), "first_order", typed)
    if coupon.per_customer_limit is not None \
            and _uses_by(coupon.id, user_id, email) >= coupon.per_customer_limit:
        _refuse(ngettext("You have already used this code: it can be used once per customer.",
                         "You have already used this code %(num)d times: that is as many as it "
                         "allows per customer.", coupon.per_customer_limit),
                "per_customer", typed)
    currency = config.currency
    subtotal = sum(line.total.amount for line in lines)
    if coupon.min_subtotal and subtotal < coupon.min_subtotal:
        _refuse(_("Add %(amount)s more to use this code.",
                  amount=Money(coupon.min_subtotal - subtotal, currency).format(_locale())),
                "min_subtotal", typed)
    if not eligible_lines(coupon, lines):
        _refuse(_("This code is only for certain products, and none of them is in your cart."),
                "products", typed)


def evaluate(config, code, lines, *, user=None, email="", now, remaining=None):
    """The discount the code gives on `lines` (pricing.Line) as an Applied, or CouponRefused.

    `remaining` ({variant_id: minor units}) is what is left to pay of each line after the
    coupons applied before this one (the lines' totals when None): a discount never takes a
    line below zero, and the discount is shared across its lines exactly (largest remainder).
    """
    coupon = by_code(code)
    check(coupon, code, config, lines, user=user, email=email, now=now)
    currency = config.currency
    if remaining is None:
        remaining = {line.variant_id: line.total.amount for line in lines}
    weights = {line.variant_id: remaining.get(line.variant_id, 0)
               for line in eligible_lines(coupon, lines)}
    base = sum(weights.values())
    if coupon.kind == "percent":
        amount = Money(base, currency).percent_bp(coupon.value).amount
        if coupon.max_discount is not None:
            amount = min(amount, coupon.max_discount)
    elif coupon.kind == "amount":
        amount = coupon.value
    else:
        amount = 0
    amount = max(0, min(amount, base))
    return Applied(coupon=coupon, code=coupon.code, amount=Money(amount, currency),
                   free_shipping=coupon.kind == "free_shipping",
                   line_amounts={line.variant_id: 0 for line in lines}
                   | allocation.split(amount, weights))


def _active_now(now):
    """(any coupon usable at `now`, the next instant a coupon starts or ends after `now`)."""
    usable = (Coupon.paused.is_(False),
              or_(Coupon.usage_limit.is_(None), Coupon.used_count < Coupon.usage_limit))
    active = db.session.scalar(db.select(Coupon.id).where(
        *usable, or_(Coupon.starts_at.is_(None), Coupon.starts_at <= now),
        or_(Coupon.ends_at.is_(None), Coupon.ends_at > now)).limit(1)) is not None
    edges = db.session.execute(db.select(
        db.select(db.func.min(Coupon.starts_at)).where(*usable, Coupon.starts_at > now)
        .scalar_subquery(),
        db.select(db.func.min(Coupon.ends_at)).where(*usable, Coupon.ends_at > now)
        .scalar_subquery())).one()
    upcoming = [edge for edge in edges if edge is not None]
    return active, min(upcoming) if upcoming else None


def any_active(now):
    """Is there a coupon a shopper could use now? (The cart and checkout ask for a code only
    then.) Kept per process for the storefront version (any change to a coupon, an order's use
    of one included, moves it: shopconfig.STOREFRONT_MODELS) until the next coupon starts or
    ends, so the cart page and checkout read nothing for it most of the time."""
    version = storefront_version.known()
    memo = current_app.extensions.get(_ACTIVE_MEMO)
    if version is not None and memo is not None and memo[0] == version and memo[2] <= now \
            and (memo[3] is None or now < memo[3]):
        return memo[1]
    active, until = _active_now(now)
    if version is not None:
        current_app.extensions[_ACTIVE_MEMO] = (version, active, now, until)
    return active


def take_uses(order, quote, now):
    """Take one use of each coupon `quote` applied, for `order`, in the order's transaction.

    Each use is one conditional UPDATE (the counter moves only while the coupon is under its
    limit and not paused), so 50 checkouts on a limit of 10 give exactly 10 orders; the
    per-customer limit and first-order rule are checked again once the coupon's row is
    locked. CouponRefused (the caller rolls the order back) when any fails."""
    email = (order.email or "").strip().lower()
    for applied in getattr(quote, "coupons", ()) or ():
        coupon = applied.coupon
        taken = db.session.execute(
            db.update(Coupon)
            .where(Coupon.id == coupon.id, Coupon.paused.is_(False),
                   or_(Coupon.usage_limit.is_(None), Coupon.used_count < Coupon.usage_limit))
            .values(used_count=Coupon.used_count + 1)
            .execution_options(synchronize_session="fetch")).rowcount
        if taken != 1:
            db.session.expire(coupon)
            if db.session.get(Coupon, coupon.id).paused:
                _refuse(_("The code “%(code)s” is paused by the shop for now. Please remove it "
                          "or try again later.", code=applied.code), "paused", applied.code)
            _refuse(_("The code “%(code)s” is used up: the last use went to another order a "
                      "moment ago. Please remove it to order without it.", code=applied.code),
                    "used_up", applied.code)
        if coupon.per_customer_limit is not None and _uses_by(
                coupon.id, order.user_id, email, exclude_order_id=order.id) \
                >= coupon.per_customer_limit:
            _refuse(_("You have already used the code “%(code)s” as many times as it allows. "
                      "Please remove it to order without it.", code=applied.code),
                    "per_customer", applied.code)
        if coupon.first_order_only and _has_ordered(order.user_id, email,
                                                    exclude_order_id=order.id):
            _refuse(_("Only for first orders."), "first_order", applied.code)
        db.session.add(CouponUse(coupon_id=coupon.id, order_id=order.id, code=applied.code,
                                 user_id=order.user_id, email=email,
                                 amount=applied.amount.amount,
                                 free_shipping=applied.free_shipping, created_at=now))
    db.session.flush()


def release_uses(order, now):
    """Give back the uses `order` holds (cancelled, payment expired): each once, even when
    called twice or by two workers at once."""
    uses = db.session.scalars(db.select(CouponUse).where(CouponUse.order_id == order.id,
                                                        CouponUse.released_at.is_(None))).all()
    for use in uses:
        released = db.session.execute(
            db.update(CouponUse).where(CouponUse.id == use.id, CouponUse.released_at.is_(None))
            .values(released_at=now).execution_options(synchronize_session="fetch")).rowcount
        if released == 1:
            db.session.execute(
                db.update(Coupon).where(Coupon.id == use.coupon_id, Coupon.used_count > 0)
                .values(used_count=Coupon.used_count - 1)
                .execution_options(synchronize_session="fetch"))


def order_discount_lines(order):
    """A placed order's discount lines to show, each (label, minor units, free_shipping): its
    codes, then the points it spent. Empty for an order without any (its discount, if any,
    shows as one line)."""
    if order is None or not order.discount and not order.points_spent and order.shipping:
        return []
    uses = db.session.scalars(db.select(CouponUse).where(CouponUse.order_id == order.id)
                              .order_by(CouponUse.id)).all()
    shown = [(_("Code %(code)s", code=use.code), use.amount, use.free_shipping) for use in uses]
    if order.points_spent:
        shown.append((_("Points (%(points)s)", points=f"{order.points_spent:,}"),
                      order.points_discount, False))
    return shown
