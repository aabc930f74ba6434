"""Where returns stand: the timeline a customer follows, the refund promise's clock, and the
merchant's queue."""
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import inspect
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from ..clocks import DueClock, due_clock
from ..extensions import db
from ..models import Order, ReturnRequest, utcnow
from .faults import FAULT_REASONS

# The returns the refund promise's clock runs for: received, and not yet settled.
CLOCK_RUNS = ("received", "refund_failed")
FINAL_OF_ACTION = {"refund": "refunded", "exchange": "exchanged", "credit": "credited"}
# The stages a received return moves on to: each ends its timeline.
AFTER_RECEIVED = ("refund_failed",) + tuple(FINAL_OF_ACTION.values())


def status_label(status, merchant=False):
    """A status in words. A failed refund is "delayed" for the customer (it will be retried;
    nothing is lost) and "failed" for the merchant, who has to act on it."""
    labels = {
        "requested": _("Return requested"), "approved": _("Approved"),
        "rejected": _("Rejected"), "received": _("Received"),
        "refund_failed": _("Refund failed") if merchant else _("Refund delayed"),
        "refunded": _("Refunded"), "exchanged": _("Exchanged"), "credited": _("Store credit given"),
    }
    return labels[status]


def by_number(number):
    """The return with that number ("r-7kq4d2m" works too), or None."""
    return db.session.scalar(db.select(ReturnRequest)
                             .where(ReturnRequest.number == (number or "").strip().upper()))


@dataclass(frozen=True)
class Stage:
    status: str
    label: str
    reached_at: datetime | None
    # The stage the return is at now.
    current: bool = False
    # Rejected, or a refund that did not go through.
    problem: bool = False

    @property
    def reached(self):
        return self.reached_at is not None


def _reached(ret):
    """{status: first time reached}; a failed refund counts from its latest attempt."""
    reached = {}
    for event in ret.events:
        if event.status == "refund_failed" or event.status not in reached:
            reached[event.status] = event.created_at
    return reached


def timeline(ret):
    """Stages requested, approved, received and the settled one (refunded, exchanged or
    credited), each with when it was reached. A rejected return ends with its rejection; a
    refund that failed shows that stage until a retry succeeds."""
    reached = _reached(ret)
    if ret.status == "rejected":
        statuses = ["requested", "rejected"]
    elif ret.status in AFTER_RECEIVED:
        statuses = ["requested", "approved", "received", ret.status]
    else:
        statuses = ["requested", "approved", "received", FINAL_OF_ACTION[ret.action]]
    return [Stage(status, status_label(status), reached.get(status), current=status == ret.status,
                  problem=status in ("rejected", "refund_failed"))
            for status in statuses]


# The refund promise's clock is the shop's one due clock (domain/clocks.py), counted in days.
RefundClock = DueClock


def refund_clock(ret, now, timezone="UTC"):
    """The refund promise's clock for a received return not settled yet, else None. Days are
    counted on the shop's calendar, so "due in 1 day" always means tomorrow there."""
    if ret.status not in CLOCK_RUNS:
        return None
    return due_clock(ret.refund_due_at, now, timezone, kind="refund")


def _overdue(now):
    return db.and_(ReturnRequest.status.in_(CLOCK_RUNS), ReturnRequest.refund_due_at.is_not(None),
                   ReturnRequest.refund_due_at < now)


def overdue_count(now):
    """Returns whose refund is late, for the back office's dashboard."""
    return db.session.scalar(db.select(db.func.count(ReturnRequest.id)).where(_overdue(now)))


def queue(status=None, overdue=False, now=None, fault=False):
    """Returns for the merchant's queue, newest first: all, one status, the overdue ones, or
    (`fault`) only the goods that arrived damaged, wrong or not as described."""
    query = db.select(ReturnRequest).options(
        selectinload(ReturnRequest.order), selectinload(ReturnRequest.lines))
    if fault:
        query = query.where(ReturnRequest.reason.in_(FAULT_REASONS))
    if status:
        query = query.where(ReturnRequest.status == status)
    if overdue:
        query = query.where(_overdue(now or utcnow()))
    query = query.order_by(ReturnRequest.created_at.desc(), ReturnRequest.id.desc())
    return db.session.scalars(query).all()


def of_order(order):
    """order.returns with their lines, oldest first, in two queries rather than one per return
    (eligibility counts the units each return already holds, and the order page must stay
    cheap). Loaded once per order object."""
    if "returns" in inspect(order).unloaded:
        loaded = db.session.scalars(
            db.select(ReturnRequest).where(ReturnRequest.order_id == order.id)
            .order_by(ReturnRequest.id).options(selectinload(ReturnRequest.lines))).all()
        set_committed_value(order, "returns", loaded)
    return order.returns


def for_customer(user_id, limit=50):
    """A customer's returns, newest first: (return number, order number, status)."""
    return db.session.execute(
        db.select(ReturnRequest.number, Order.number, ReturnRequest.status)
        .join(Order, ReturnRequest.order_id == Order.id)
        .where(Order.user_id == user_id)
        .order_by(ReturnRequest.created_at.desc(), ReturnRequest.id.desc()).limit(limit)).all()

