"""What returns and reviews tell the merchant: the products that come back most, and why, with
what their buyers said of them.

A product's return rate compares units in returns that were not rejected with units sold on
orders that were not cancelled (an expired, unpaid order sold nothing either). Beside it: the
published reviews' average (from the product row), the worst reviews of the last RECENT_DAYS
(any status: the merchant reads what shoppers may not see yet), and the delivery satisfaction
of the orders that held the product. A product with no return is listed too when a recent
review gave it LOW_STARS or fewer. The report is built from four queries whatever the number
of products.
"""
from dataclasses import dataclass, field
from datetime import timedelta

from ..extensions import db
from ..models import Order, OrderLine, Product, ReturnLine, ReturnRequest, Review, Satisfaction
from ..money import _round_div
from ..pricing import format_rate
from .rules import REASONS

NOT_SOLD = ("cancelled", "payment_expired")
TOP_REASONS = 3
RECENT_DAYS = 90
LOW_STARS = 2
WORST_SHOWN = 2


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
    # The published reviews' count and average stars (None without reviews).
    review_count: int = 0
    rating_average: float | None = None
    # The lowest-rated recent reviews, worst first (Review rows).
    worst_reviews: tuple = field(default_factory=tuple)
    # Delivery satisfaction of the orders holding the product: answers and their average (1-5).
    satisfaction_count: int = 0
    satisfaction_average: float | None = None

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
    """{product_id: (title, units sold, review count, rating sum)} for the given products."""
    sold = (db.select(OrderLine.product_id, db.func.sum(OrderLine.quantity).label("units"))
            .join(Order, Order.id == OrderLine.order_id)
            .where(Order.status.not_in(NOT_SOLD), OrderLine.product_id.in_(product_ids))
            .group_by(OrderLine.product_id).subquery())
    rows = db.session.execute(
        db.select(Product.id, Product.title, db.func.coalesce(sold.c.units, 0),
                  Product.review_count, Product.rating_sum)
        .outerjoin(sold, sold.c.product_id == Product.id)
        .where(Product.id.in_(product_ids))).all()
    return {product_id: (title, int(units), count, total)
            for product_id, title, units, count, total in rows}


def _worst_reviews(since):
    """{product_id: [Review, ...]}: each product's lowest-rated reviews written since `since`
    (all time when None), worst then newest first, WORST_SHOWN per product, for products with
    a review of LOW_STARS or fewer."""
    window = db.func.row_number().over(
        partition_by=Review.product_id,
        order_by=(Review.rating.asc(), Review.created_at.desc(), Review.id.desc())).label("n")
    conditions = [Review.rating <= LOW_STARS]
    if since is not None:
        conditions.append(Review.created_at >= since)
    ranked = db.select(Review.id, window).where(*conditions).subquery()
    found = db.session.scalars(
        db.select(Review).join(ranked, ranked.c.id == Review.id)
        .where(ranked.c.n <= WORST_SHOWN)
        .order_by(Review.product_id, Review.rating, Review.created_at.desc(), Review.id.desc()))
    by_product = {}
    for review in found:
        by_product.setdefault(review.product_id, []).append(review)
    return by_product


def _delivery_satisfaction(product_ids):
    """{product_id: (answers, average score)} of the "delivery" answers about orders that held
    the product."""
    orders_of = (db.select(OrderLine.order_id, OrderLine.product_id)
                 .where(OrderLine.product_id.in_(product_ids)).distinct().subquery())
    rows = db.session.execute(
        db.select(orders_of.c.product_id, db.func.count(Satisfaction.id),
                  db.func.sum(Satisfaction.score))
        .join(orders_of, orders_of.c.order_id == Satisfaction.order_id)
        .where(Satisfaction.touchpoint == "delivery")
        .group_by(orders_of.c.product_id)).all()
    return {product_id: (int(count), round(int(total) / int(count) + 1e-9, 1))
            for product_id, count, total in rows if count}


def _rate_bp(returned, sold):
    # A product with returns but no sale left standing (every order cancelled afterwards)
    # counts as all returned rather than dividing by zero.
    return _round_div(returned * 10000, sold) if sold else 10000


def disappointing_products(limit=20, now=None):
    """Products with at least one return or a recent low-star review: highest return rate
    first, then most units back, then lowest average stars; each with its three most given
    reasons, its rating, its worst recent reviews and its delivery satisfaction. `now` sets
    what "recent" means (all reviews when None)."""
    returns = _returns_by_reason()
    worst = _worst_reviews(now - timedelta(days=RECENT_DAYS) if now is not None else None)
    product_ids = set(returns) | set(worst)
    if not product_ids:
        return []
    sold = _sold(list(product_ids))
    satisfaction = _delivery_satisfaction(list(product_ids))
    rows = []
    for product_id in product_ids:
        if product_id not in sold:
            continue
        reasons = returns.get(product_id, {})
        title, units_sold, review_count, rating_sum = sold[product_id]
        returned = sum(units for units, _count in reasons.values())
        top = sorted(reasons.items(), key=lambda item: (-item[1][1], item[0]))[:TOP_REASONS]
        answers, happiness = satisfaction.get(product_id, (0, None))
        rows.append(DisappointingProduct(
            product_id, title, units_sold, returned,
            _rate_bp(returned, units_sold) if returned else 0,
            tuple(ReasonCount(code, str(REASONS.get(code, code)), count)
                  for code, (_units, count) in top),
            review_count=review_count or 0,
            rating_average=round(rating_sum / review_count + 1e-9, 1) if review_count else None,
            worst_reviews=tuple(worst.get(product_id, ())),
            satisfaction_count=answers, satisfaction_average=happiness))
    rows.sort(key=lambda row: (-row.rate_bp, -row.returned,
                               row.rating_average if row.rating_average is not None else 6,
                               row.title, row.product_id))
    return rows[:limit]


def waiting_count():
    """Returns asked for that the merchant has not approved or rejected yet."""
    return db.session.scalar(db.select(db.func.count(ReturnRequest.id))
                             .where(ReturnRequest.status == "requested"))
