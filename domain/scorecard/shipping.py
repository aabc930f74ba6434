"""Time from order to shipped, and how many left late. An order's clock starts when it was paid
(or placed, for cash on delivery: Order.paid_at, else placed_at) and stops when it was first
marked shipped (Order.shipped_at); it was late when shipped after its ship-by moment
(Order.ship_by, the end of the shop's handling days: domain/shipby.py). Shipped exactly at
ship_by is on time."""
from dataclasses import dataclass
from datetime import timedelta

from ..extensions import db
from ..models import Order
from .periods import SALES_DAYS, UNSHIPPED, hours_between, share_bp, sql_median

SHIPPING_DAYS = SALES_DAYS


@dataclass(frozen=True)
class Shipping:
    shipped: int
    median_hours: object  # float hours, or None without shipped orders
    with_ship_by: int
    late: int
    overdue: int  # not shipped yet and past ship-by, now
    days: int = SHIPPING_DAYS

    @property
    def late_bp(self):
        return share_bp(self.late, self.with_ship_by)


def late_condition(now):
    """Orders still to ship whose ship-by moment has passed (ix_order_ship_by)."""
    return db.and_(Order.status.in_(UNSHIPPED), Order.ship_by.is_not(None), Order.ship_by < now)


def overdue_count(now):
    return db.session.scalar(db.select(db.func.count(Order.id)).where(late_condition(now))) or 0


def is_late(order, now):
    """The order list's badge: still to ship and past its ship-by moment."""
    return order.status in UNSHIPPED and order.ship_by is not None and order.ship_by < now


def shipping(now, days=SHIPPING_DAYS):
    """Orders first shipped in the last `days` x 24 hours (ix_order_shipped): how many, the
    median time from paid (or placed) to shipped, and how many of those with a ship-by
    moment were shipped after it. Counted and sorted by the database."""
    window = (Order.shipped_at >= now - timedelta(days=days), Order.shipped_at <= now)
    shipped, with_ship_by, late = db.session.execute(db.select(
        db.func.count(Order.id), db.func.count(Order.ship_by),
        db.func.coalesce(db.func.sum(db.case((Order.shipped_at > Order.ship_by, 1), else_=0)), 0))
        .where(*window)).one()
    waited = hours_between(Order.shipped_at, db.func.coalesce(Order.paid_at, Order.placed_at))
    return Shipping(shipped=shipped or 0,
                    median_hours=sql_median(waited, shipped, *window),
                    with_ship_by=with_ship_by or 0, late=int(late or 0),
                    overdue=overdue_count(now), days=days)
