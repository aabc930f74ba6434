"""What returns tell the merchant: the products that come back most, and why.

A product's return rate compares units in returns that were not rejected with units sold on
orders that were not cancelled (an expired, unpaid order sold nothing either). The report is
built from two grouped queries whatever the number of products.
"""
from dataclasses import dataclass

from ..extensions import db
from ..models import Order, OrderLine, Product, ReturnLine, ReturnRequest
from ..money import _round_div
from ..pricing import format_rate
from .rules import REASONS

NOT_SOLD = ("cancelled", "payment_expired")
TOP_REASONS = 3


@dataclass(frozen=True)
class ReasonCount:
    code: str
    label: str
    # Returns of this product that gave the reason.
    count: int


@dataclass(frozen=True)
class DisappointingProduct:
    product_id: int
    title: str
    sold: int
    returned: int
    # Units returned per 10,000 sold, rounded: exact integers sort without surprises.
    rate_bp: int
    reasons: tuple

    @property
    def rate(self):
        """'33.33': the percent, written as the shop writes rates."""
        return format_rate(self.rate_bp)


def _returns_by_reason():
    """{product_id: {reason: (units, returns)}} over returns that were not rejected."""
    rows = db.session.execute(
        db.select(ReturnLine.product_id, ReturnRequest.reason,
                  db.func.sum(ReturnLine.quantity),
                  db.func.count(db.distinct(ReturnRequest.id)))
        .join(ReturnRequest, ReturnRequest.id == ReturnLine.return_id)
        .where(ReturnRequest.status != "rejected", ReturnLine.product_id.is_not(None))
        .group_by(ReturnLine.product_id, ReturnRequest.reason)).all()
    by_product = {}
    for product_id, reason, units, count in rows:
        by_product.setdefault(product_id, {})[reason] = (int(units), int(count))
    return by_product


def _sold(product_ids):
    """{product_id: (title, units sold)} for the given products."""
    sold = (db.select(OrderLine.product_id, db.func.sum(OrderLine.quantity).label("units"))
            .join(Order, Order.id == OrderLine.order_id)
            .where(Order.status.not_in(NOT_SOLD), OrderLine.product_id.in_(product_ids))
            .group_by(OrderLine.product_id).subquery())
    rows = db.session.execute(
        db.select(Product.id, Product.title, db.func.coalesce(sold.c.units, 0))
        .outerjoin(sold, sold.c.product_id == Product.id)
        .where(Product.id.in_(product_ids))).all()
    return {product_id: (title, int(units)) for product_id, title, units in rows}


def _rate_bp(returned, sold):
    # A product with returns but no sale left standing (every order cancelled afterwards)
    # counts as all returned rather than dividing by zero.
    return _round_div(returned * 10000, sold) if sold else 10000


def disappointing_products(limit=20):
    """Products with at least one return, highest return rate first, then most units back;
    each with its three most given reasons."""
    returns = _returns_by_reason()
    if not returns:
        return []
    sold = _sold(list(returns))
    rows = []
    for product_id, reasons in returns.items():
        if product_id not in sold:
            continue
        title, units_sold = sold[product_id]
        returned = sum(units for units, _count in reasons.values())
        top = sorted(reasons.items(), key=lambda item: (-item[1][1], item[0]))[:TOP_REASONS]
        rows.append(DisappointingProduct(
            product_id, title, units_sold, returned, _rate_bp(returned, units_sold),
            tuple(ReasonCount(code, str(REASONS.get(code, code)), count)
                  for code, (_units, count) in top)))
    rows.sort(key=lambda row: (-row.rate_bp, -row.returned, row.title, row.product_id))
    return rows[:limit]


def waiting_count():
    """Returns asked for that the merchant has not approved or rejected yet."""
    return db.session.scalar(db.select(db.func.count(ReturnRequest.id))
                             .where(ReturnRequest.status == "requested"))
