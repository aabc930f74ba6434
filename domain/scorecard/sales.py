"""Sales by day for the last 30 days, and who bought: new and returning customers, the
repeat-purchase rate and lapsed customers. Orders counted as periods.counted() says; a
customer is an email address (orders store it in lower case: orders.place_order), so a guest
and an account with one address are one customer, and ix_order_email_placed finds their orders."""
from dataclasses import dataclass
from datetime import timedelta

from ..extensions import db
from ..models import Order
from .periods import SALES_DAYS, bucket, counted, day_bounds, day_starts, share_bp

# Lapsed: bought in the LAPSED_WINDOW days before the last LAPSED_DAYS days, not since.
LAPSED_DAYS = 60
LAPSED_WINDOW = 30


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
    day = bucket(Order.placed_at, day_bounds(dates, config.timezone)).label("day")
    rows = db.session.execute(db.select(
        day, db.func.count(Order.id), db.func.sum(Order.total), db.func.sum(Order.discount),
        db.func.sum(Order.points_discount)).where(
        Order.placed_at >= start, Order.placed_at <= now, counted(),
        Order.currency == config.currency).group_by(day)).all()
    orders = dict.fromkeys(dates, 0)
    revenue = dict.fromkeys(dates, 0)
    coupons = points = 0
    for index, count, total, discount, points_discount in rows:
        orders[dates[index]] += count
        revenue[dates[index]] += int(total or 0)
        coupons += int(discount or 0) - int(points_discount or 0)
        points += int(points_discount or 0)
    return Sales(days=[Day(d, orders[d], revenue[d]) for d in dates], currency=config.currency,
                 coupon_discount=coupons, points_discount=points)


@dataclass(frozen=True)
class Customers:
    new: int
    returning: int
    repeat_customers: int  # bought more than once: twice in the period, or before it too
    lapsed: int
    days: int = SALES_DAYS
    lapsed_days: int = LAPSED_DAYS
    lapsed_window: int = LAPSED_WINDOW

    @property
    def total(self):
        return self.new + self.returning

    @property
    def repeat_base(self):
        return self.total

    @property
    def repeat_rate_bp(self):
        return share_bp(self.repeat_customers, self.total)


def customers(now, config, days=SALES_DAYS):
    """The customers who bought in the last `days` shop days: new (no counted order before the
    period) or returning, and the repeat-purchase rate (the share who have bought more than
    once: twice or more in the period, or before it too); and lapsed customers. One pass over
    the period's orders (ix_order_status), each customer's earlier orders found through
    ix_order_email_placed."""
    start, _dates = day_starts(now, config.timezone, days)
    earlier = db.aliased(Order)
    returned = db.select(earlier.id).where(
        earlier.email == Order.email, earlier.placed_at < start, counted(earlier)).exists()
    per_customer = db.select(
        db.func.count(Order.id).label("n"),
        db.case((returned, 1), else_=0).label("came_back")).where(
        Order.placed_at >= start, Order.placed_at <= now, counted()).group_by(Order.email).subquery()
    total, returning, repeat = db.session.execute(db.select(
        db.func.count(), db.func.coalesce(db.func.sum(per_customer.c.came_back), 0),
        db.func.coalesce(db.func.sum(db.case(
            (db.or_(per_customer.c.n >= 2, per_customer.c.came_back == 1), 1), else_=0)), 0))
        .select_from(per_customer)).one()
    total, returning = int(total or 0), int(returning or 0)
    return Customers(new=total - returning, returning=returning, repeat_customers=int(repeat),
                     lapsed=lapsed(now), days=days)


def lapsed(now, days=LAPSED_DAYS, window=LAPSED_WINDOW):
    """Customers with a counted order in the `window` days before the last `days` days, and
    no order of any kind since (ix_order_email_placed answers that from the index alone)."""
    recent = now - timedelta(days=days)
    later = db.aliased(Order)
    still_buying = db.select(later.id).where(later.email == Order.email,
                                             later.placed_at >= recent).exists()
    return db.session.scalar(db.select(db.func.count(db.distinct(Order.email))).where(
        Order.placed_at >= recent - timedelta(days=window), Order.placed_at < recent, counted(),
        ~still_buying)) or 0
