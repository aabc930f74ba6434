"""After the sale: refunds against the promise, the return rate, reviews and satisfaction
answers, and what loyalty costs (coupon discounts and points outstanding). Each figure names its
period; each is read with one bounded query."""
from dataclasses import dataclass
from datetime import timedelta

from ..extensions import db
from ..models.reviews import REVIEW_STATUSES
from ..models import LoyaltySettings, Order, ReturnRequest, Review, Satisfaction, User
from ..returns.rules import policy
from ..reviews.satisfaction import TOUCHPOINTS
from .periods import median_or_none, share_bp

RETURN_DAYS = 90
REFUND_DAYS = 90
FEEDBACK_DAYS = 30
# Returns that give money or credit back once received; an exchange settles in goods.
REFUNDING = ("refunded", "credited")


@dataclass(frozen=True)
class Refunds:
    settled: int
    median_days: object  # float days from received to refunded, or None
    on_time: int
    promise_days: int
    days: int = REFUND_DAYS

    @property
    def on_time_bp(self):
        return share_bp(self.on_time, self.settled)


def refunds(now, days=REFUND_DAYS):
    """Returns refunded (money or store credit) in the last `days` days, from the day the parcel
    came back (received_at) to the refund (closed_at), and how many met the promise
    (closed by refund_due_at, which is received_at plus the promise at the time)."""
    rows = db.session.execute(db.select(
        ReturnRequest.received_at, ReturnRequest.closed_at, ReturnRequest.refund_due_at).where(
        ReturnRequest.status.in_(REFUNDING), ReturnRequest.closed_at >= now - timedelta(days=days),
        ReturnRequest.closed_at <= now, ReturnRequest.received_at.is_not(None))).all()
    waits = [(closed - received).total_seconds() / 86400 for received, closed, _due in rows]
    on_time = sum(1 for _received, closed, due in rows if due is None or closed <= due)
    return Refunds(settled=len(rows), median_days=median_or_none(waits), on_time=on_time,
                   promise_days=policy().refund_promise_days, days=days)


@dataclass(frozen=True)
class ReturnRate:
    delivered: int
    returned: int
    days: int = RETURN_DAYS

    @property
    def rate_bp(self):
        return share_bp(self.returned, self.delivered)


def return_rate(now, days=RETURN_DAYS):
    """Of the orders delivered in the last `days` days (ix_order_delivered), how many have a
    return asked for that was not rejected (ix_return_order)."""
    delivered = (Order.delivered_at >= now - timedelta(days=days), Order.delivered_at <= now)
    has_return = db.select(ReturnRequest.id).where(ReturnRequest.order_id == Order.id,
                                                   ReturnRequest.status != "rejected").exists()
    total, returned = db.session.execute(db.select(
        db.func.count(Order.id), db.func.coalesce(db.func.sum(db.case((has_return, 1), else_=0)), 0))
        .where(*delivered)).one()
    return ReturnRate(delivered=total or 0, returned=int(returned or 0), days=days)


@dataclass(frozen=True)
class Feedback:
    reviews: int
    review_average: object  # float stars or None
    answers: int
    satisfaction_average: object
    happy: int  # answers of 4 or 5
    days: int = FEEDBACK_DAYS

    @property
    def happy_bp(self):
        return share_bp(self.happy, self.answers)


def feedback(now, days=FEEDBACK_DAYS):
    """Reviews written in the last `days` days (every one, published or not, so hidden ones
    still count: ix_review_status_created) and the "How did we do?" answers first given then,
    at every touchpoint (ix_satisfaction_created; a later tap changes an answer's score)."""
    since = now - timedelta(days=days)
    count, average = db.session.execute(db.select(
        db.func.count(Review.id), db.func.avg(Review.rating)).where(
        Review.status.in_(REVIEW_STATUSES), Review.created_at >= since,
        Review.created_at <= now)).one()
    answers, score, happy = db.session.execute(db.select(
        db.func.count(Satisfaction.id), db.func.avg(Satisfaction.score),
        db.func.coalesce(db.func.sum(db.case((Satisfaction.score >= 4, 1), else_=0)), 0)).where(
        Satisfaction.touchpoint.in_(TOUCHPOINTS), Satisfaction.created_at >= since,
        Satisfaction.created_at <= now)).one()
    return Feedback(reviews=count or 0, review_average=float(average) if count else None,
                    answers=answers or 0,
                    satisfaction_average=float(score) if answers else None,
                    happy=int(happy or 0), days=days)


@dataclass(frozen=True)
class Points:
    available: int
    pending: int
    point_value: int  # minor units a point is worth when spent

    @property
    def value(self):
        """What the available points would take off orders if all were spent now."""
        return self.available * self.point_value


def points_outstanding():
    """Points customers hold now (User.points_balance) and points still pending on orders whose
    return window has not closed; None when the shop has no points programme."""
    settings = db.session.get(LoyaltySettings, 1)
    available, pending = db.session.execute(db.select(
        db.func.coalesce(db.func.sum(User.points_balance), 0),
        db.func.coalesce(db.func.sum(User.points_pending), 0))).one()
    if (settings is None or not settings.earn_points) and not available and not pending:
        return None
    return Points(available=int(available), pending=int(pending),
                  point_value=settings.point_value if settings else 1)
