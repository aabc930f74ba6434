"""Sales by day for the last 30 days, and who bought: new and returning customers, the
repeat-purchase rate and lapsed customers. Orders counted as periods.counted() says; a
customer is an email address (lower case), so a guest and an account with one address are one
customer."""
from dataclasses import dataclass
from datetime import timedelta

from ..extensions import db
from ..models import Order
from .periods import SALES_DAYS, counted, day_starts, local_day, share_bp

REPEAT_DAYS = 90
LAPSED_DAYS = 90


@dataclass(frozen=True)
class Day:
    day: object
    orders: int
    revenue: int

    @property
    def average(self):
        """Average order value (minor units, rounded down); None on a day without orders."""
        return self.revenue // self.orders if self.orders else None


@dataclass(frozen=True)
class Sales:
    days: list
    currency: str
    coupon_discount: int
    points_discount: int

    @property
    def orders(self):
        return sum(d.orders for d in self.days)

    @property
    def revenue(self):
        return sum(d.revenue for d in self.days)

    @property
    def average(self):
        return self.revenue // self.orders if self.orders else None

    @property
    def busiest(self):
        return max(self.days, key=lambda d: (d.orders, d.day)) if self.orders else None

    @property
    def peak(self):
        return max((d.orders for d in self.days), default=0)


def sales_by_day(now, config, days=SALES_DAYS):
    """Orders, revenue and average order value per shop day for the last `days` days (today
    included, so far). One bounded read over ix_order_placed."""
    start, dates = day_starts(now, config.timezone, days)
    rows = db.session.execute(db.select(
        Order.placed_at, Order.total, Order.discount, Order.points_discount).where(
        Order.placed_at >= start, Order.placed_at <= now, counted(),
        Order.currency == config.currency)).all()
    orders = dict.fromkeys(dates, 0)
    revenue = dict.fromkeys(dates, 0)
    coupons = points = 0
    for placed_at, total, discount, points_discount in rows:
        day = local_day(placed_at, config.timezone)
        if day in orders:
            orders[day] += 1
            revenue[day] += total
            coupons += (discount or 0) - (points_discount or 0)
            points += points_discount or 0
    return Sales(days=[Day(d, orders[d], revenue[d]) for d in dates], currency=config.currency,
                 coupon_discount=coupons, points_discount=points)


@dataclass(frozen=True)
class Customers:
    new: int
    returning: int
    repeat_customers: int
    repeat_base: int
    lapsed: int
    days: int = SALES_DAYS
    repeat_days: int = REPEAT_DAYS
    lapsed_days: int = LAPSED_DAYS

    @property
    def total(self):
        return self.new + self.returning

    @property
    def repeat_rate_bp(self):
        return share_bp(self.repeat_customers, self.repeat_base)


def _email():
    """Orders store the address in lower case (orders.place_order), so the column is the key
    and ix_order_email_placed serves the look-ups."""
    return Order.email


def customers(now, config, days=SALES_DAYS):
    """New vs returning among the customers who bought in the last `days` shop days (new: no
    counted order before that window); the repeat-purchase rate (of the customers who bought in
    the last REPEAT_DAYS days, those with two orders or more in them); lapsed customers (bought
    in the LAPSED_DAYS before the last LAPSED_DAYS, and not since)."""
    start, _dates = day_starts(now, config.timezone, days)
    email = _email()
    window = db.select(email.label("email")).where(
        Order.placed_at >= start, Order.placed_at <= now, counted()).distinct().subquery()
    earlier = db.aliased(Order)
    returning_cond = db.select(earlier.id).where(
        earlier.email == window.c.email, earlier.placed_at < start,
        counted(earlier)).exists()
    total = db.session.scalar(db.select(db.func.count()).select_from(window)) or 0
    returning = db.session.scalar(db.select(db.func.count()).select_from(window)
                                  .where(returning_cond)) or 0
    repeat_since = now - timedelta(days=REPEAT_DAYS)
    per_customer = db.select(email.label("email"), db.func.count(Order.id).label("n")).where(
        Order.placed_at >= repeat_since, Order.placed_at <= now, counted()).group_by(email).subquery()
    base, repeat = db.session.execute(db.select(
        db.func.count(), db.func.coalesce(db.func.sum(db.case((per_customer.c.n >= 2, 1), else_=0)), 0))
        .select_from(per_customer)).one()
    return Customers(new=total - returning, returning=returning, repeat_customers=int(repeat or 0),
                     repeat_base=int(base or 0), lapsed=lapsed(now), days=days)


def lapsed(now, days=LAPSED_DAYS):
    """Customers whose last counted order was between `days` and 2 x `days` days ago."""
    recent = now - timedelta(days=days)
    email = _email()
    later = db.aliased(Order)
    still_buying = db.select(later.id).where(later.email == email,
                                             later.placed_at >= recent, later.status != "cancelled",
                                             later.status != "payment_expired").exists()
    return db.session.scalar(db.select(db.func.count(db.distinct(email))).where(
        Order.placed_at >= now - timedelta(days=2 * days), Order.placed_at < recent, counted(),
        ~still_buying)) or 0
