"""The demo's reasons to come back, so a first `make run` shows them working: two coupons a
shopper can type (WELCOME10 for a first order, FREESHIP for a smaller parcel), points (1 point
for every ₩100 paid, each worth ₩1, expiring 12 months after they vest), three tiers with their
perks in English and Korean, a thank-you code in every order confirmation, birthday codes and
referrals switched on.

The demo customer (Minji) gets her points the way the shop's own rules earn them (earning.py,
each ledger row written once with the balance moved beside it, never a balance typed in): one
more delivered order, older than her reviewed one, whose return windows have closed (its points
vested), and the points of her recent order still pending until its window closes; her tier is
computed from them. Her home address and bank transfer are her defaults, so one-click buying
is offered to her. Flushes, never commits.
"""
from datetime import datetime, time, timedelta, timezone

from .. import shopconfig
from ..extensions import db
from ..models import (Address, Coupon, LoyaltyTier, Order, PointsEntry, Product, ShippingMethod,
                      User)
from ..loyalty import coupons, earning, settings as loyalty_settings, tiers
from .catalogue import CUSTOMER_EMAIL
from .reviews import ADDRESS, BUYERS, _order, _request_answered

# LoyaltySettings: 1 point per ₩100 paid, a point is worth ₩1, points last 12 months; tiers
# count spend; a ₩3,000 thank-you code valid 30 days; a 10 % birthday code valid 14 days;
# a newcomer through a referral link gets ₩5,000 off, the referrer 3,000 points, 5 a month.
SETTINGS = dict(earn_points=1, earn_per=100, point_value=1, points_expiry_months=12,
                tier_basis="spend", thank_you_kind="amount", thank_you_value=3000,
                thank_you_days=30, birthday_kind="percent", birthday_value=1000,
                birthday_days=14, birthday_days_before=0, referrals_on=True,
                referral_welcome_kind="amount", referral_welcome_value=5000,
                referral_reward_kind="points", referral_reward_amount=3000,
                referral_monthly_cap=5)

# (English name, Korean name, orders, spend in ₩ over 12 months, extra points in basis points,
# free shipping, birthday points, early access)
TIERS = [
    ("Friend", "프렌드", 0, 0, 0, False, 0, False),
    ("Regular", "단골", 2, 150_000, 1000, False, 1000, False),
    ("Patron", "후원자", 5, 500_000, 5000, True, 3000, True),
]

# (code, back-office name, kind, value, min subtotal, first order only, combines with other
# coupons, days it started ago, days it lasts from today)
COUPONS = [
    dict(code="WELCOME10", name="Welcome: 10 % off a first order", kind="percent", value=1000,
         max_discount=20_000, min_subtotal=40_000, first_order_only=True, per_customer_limit=1,
         combine_coupons=True, combine_points=True, started=7, lasts=90),
    dict(code="FREESHIP", name="Free shipping from ₩30,000", kind="free_shipping", value=0,
         max_discount=None, min_subtotal=30_000, first_order_only=False, per_customer_limit=None,
         combine_coupons=True, combine_points=True, started=3, lasts=30),
]

# Minji's earlier order: (days since delivery, [(product title, glaze), ...]). Both return
# windows (14 days for vases, 30 for cups) have closed, so its points have vested.
EARLIER_ORDER = (75, [("Moon Jar", "Moon White"), ("Yunomi Tea Cup", "Celadon")])
EARLIER_ORDER_NUMBER = 99


def load_loyalty(now, shop_settings):
    """Write the demo's loyalty settings, tiers, coupons and the demo customer's points."""
    row = loyalty_settings.get()
    for name, value in SETTINGS.items():
        setattr(row, name, value)
    _tiers()
    _coupons(now, shop_settings)
    customer = db.session.scalar(db.select(User).where(User.email == CUSTOMER_EMAIL))
    if customer is not None:
        _customer_points(customer, now, shop_settings)
        _one_click(customer)
    db.session.flush()


def _tiers():
    if db.session.scalar(db.select(LoyaltyTier.id).limit(1)) is not None:
        return loyalty_settings.tiers()
    for position, (name_en, name_ko, orders, spend, extra, free, birthday, early) in \
            enumerate(TIERS):
        db.session.add(LoyaltyTier(name_en=name_en, name_ko=name_ko, min_orders=orders,
                                   min_spend=spend, extra_points_bp=extra, free_shipping=free,
                                   birthday_points=birthday, early_access=early,
                                   position=position))
    db.session.flush()
    return loyalty_settings.tiers()


def _local_midnight(now, zone, days):
    """The start of the shop's day `days` from today's, as UTC."""
    day = now.astimezone(zone).date() + timedelta(days=days)
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(timezone.utc)


def _coupons(now, shop_settings):
    zone = shopconfig.zone(shop_settings.timezone)
    for spec in COUPONS:
        if coupons.by_code(spec["code"]) is not None:
            continue
        db.session.add(Coupon(
            code=spec["code"], code_key=coupons.key_of(spec["code"]), name=spec["name"],
            kind=spec["kind"], value=spec["value"], max_discount=spec["max_discount"],
            min_subtotal=spec["min_subtotal"], first_order_only=spec["first_order_only"],
            per_customer_limit=spec["per_customer_limit"],
            combine_coupons=spec["combine_coupons"], combine_points=spec["combine_points"],
            starts_at=_local_midnight(now, zone, -spec["started"]),
            # ends_at is the first instant it no longer works: the day after its last.
            ends_at=_local_midnight(now, zone, spec["lasts"] + 1),
            source="manual", product_ids=[], category_ids=[], created_at=now, updated_at=now))


def _earlier_order(customer, now, shop_settings):
    """Minji's earlier delivered order, with its review request standing as sent and reminded
    (so the worker never asks again)."""
    days, items = EARLIER_ORDER
    by_title = {p.title: p for p in db.session.scalars(db.select(Product).where(
        Product.title.in_([title for title, _glaze in items])))}
    if len(by_title) < len(items):
        return None
    method = db.session.scalar(db.select(ShippingMethod).where(ShippingMethod.name == "Standard"))
    order = _order(EARLIER_ORDER_NUMBER, "minji", now - timedelta(days=days), items, by_title,
                   customer, method, shop_settings)
    _request_answered(order, shop_settings, {}, "minji")
    return order


def _customer_points(customer, now, shop_settings):
    """Her points as the shop's own rules earned them: each delivered order paid (its lines'
    points pending, with her tier's extra), delivered (each line learns when its return window
    closes), and the worker's vesting run at each moment a window closed, up to now."""
    earlier = _earlier_order(customer, now, shop_settings)
    orders = db.session.scalars(db.select(Order).where(
        Order.user_id == customer.id, Order.status == "delivered")
        .order_by(Order.placed_at)).all()
    for order in orders:
        earning.order_paid(order, next(e.created_at for e in order.events if e.status == "paid"))
        earning.order_delivered(order, next(e.created_at for e in order.events
                                            if e.status == "delivered"))
    for moment in sorted(set(db.session.scalars(db.select(PointsEntry.vests_at).where(
            PointsEntry.user_id == customer.id, PointsEntry.kind == "earned",
            PointsEntry.vested_at.is_(None), PointsEntry.vests_at <= now)))):
        earning.vest_due(moment)
    tiers.recompute(customer.id, now)
    return earlier


def _one_click(customer):
    """Her home address and bank transfer as her defaults, so the demo's product and cart pages
    offer her one-click buying, with her codes and points."""
    if db.session.scalar(db.select(Address.id).where(Address.user_id == customer.id).limit(1)):
        return
    db.session.add(Address(user_id=customer.id, label="Home", is_default=True, name=customer.name,
                           phone=ADDRESS["ship_phone"], line1=BUYERS["minji"][3], line2="",
                           city=ADDRESS["ship_city"], postcode=ADDRESS["ship_postcode"],
                           region=ADDRESS["ship_region"], country=ADDRESS["ship_country"]))
    customer.preferred_payment_method = "bank_transfer"
