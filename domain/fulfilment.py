"""The merchant's side of orders: the list to work through, what can be done to an order now,
and doing it, one order at a time or in bulk. Every change still goes through orders.set_status.
"""
from dataclasses import dataclass

from flask_babel import gettext as _

from . import orders
from .catalog import Page, clamp_page
from .errors import InvalidTransition
from .extensions import db
from .models import ORDER_STATUSES, Order
from .scorecard import shipping as ship_times
from .tracking import normalize_number

PER_PAGE = 30
BULK_LIMIT = 200
BULK_STATUSES = ("packed", "shipped")


def ready_to_fulfil(order, now):
    """Paid (or cash on delivery) and past the customer's undo window: safe to pack."""
    waiting = order.status == "paid" or (order.status == "placed"
                                         and order.payment_method == "cash_on_delivery")
    return waiting and not orders.can_undo(order, now)


def actions(order, now):
    """The statuses the merchant may move the order to now. Packing waits for the customer's
    undo window to close: they were promised they could still cancel or change the address."""
    allowed = orders.allowed_next(order, actor_is_merchant=True)
    if orders.can_undo(order, now):
        allowed = [status for status in allowed if status != "packed"]
    return allowed


def apply(order, status, actor, now, note="", carrier="", tracking_number=""):
    """Move one order on, as the back office asks; InvalidTransition with a message to show."""
    if order.status == "awaiting_payment" \
            and status not in orders.allowed_next(order, actor_is_merchant=True):
        raise InvalidTransition(_("An order waiting for its card payment is paid when the card "
                                  "provider confirms it."))
    if status == "packed" and "packed" in orders.allowed_next(order) and orders.can_undo(order, now):
        raise InvalidTransition(_("The customer can still cancel or change this order; pack it "
                                  "once the undo window has closed."))
    return orders.set_status(order, status, actor, now, note=note, carrier=carrier,
                             tracking_number=tracking_number)


@dataclass(frozen=True)
class Outcome:
    number: str
    ok: bool
    message: str = ""


def bulk_set_status(numbers, status, actor, now, carrier="", tracking_numbers=None):
    """Mark each order packed or shipped; one refusal never stops the others.

    Returns an Outcome per distinct number asked for, in the order given. `tracking_numbers`
    maps an order number to its parcel's tracking number (needed to mark it shipped)."""
    if status not in BULK_STATUSES:
        raise InvalidTransition(_("Orders can be marked packed or shipped together, nothing else."))
    tracking_numbers = tracking_numbers or {}
    wanted = list(dict.fromkeys(n for n in numbers if n))[:BULK_LIMIT]
    found = {o.number: o for o in db.session.scalars(db.select(Order).where(Order.number.in_(wanted)))}
    outcomes = []
    for number in wanted:
        order = found.get(number)
        if order is None:
            outcomes.append(Outcome(number, False, _("No order has this number.")))
            continue
        try:
            apply(order, status, actor, now, carrier=carrier,
                  tracking_number=tracking_numbers.get(number, ""))
        except InvalidTransition as error:
            outcomes.append(Outcome(number, False, str(error)))
        else:
            outcomes.append(Outcome(number, True))
    return outcomes


@dataclass(frozen=True)
class OrderList:
    page: Page
    counts: dict
    ready: frozenset
    # Listed orders past their ship-by moment, and how many there are in all (the filter's tab).
    late: frozenset = frozenset()
    late_total: int = 0

    @property
    def total_all(self):
        return sum(self.counts.values())


def status_counts():
    counts = dict.fromkeys(ORDER_STATUSES, 0)
    counts.update(db.session.execute(
        db.select(Order.status, db.func.count(Order.id)).group_by(Order.status)).all())
    return counts


def order_list(status="", q="", page=1, now=None, per_page=PER_PAGE, late=False):
    """Orders for the back office, newest first: of one status (or all), matching q in the
    number (typed any way) or the customer's email, with the counts per status for the tabs.
    late=True keeps the orders still to ship past their ship-by moment (at `now`); `late` in
    the result names the listed orders that are, for their badge."""
    conditions = []
    if late and now is not None:
        conditions.append(ship_times.late_condition(now))
    if status in ORDER_STATUSES:
        conditions.append(Order.status == status)
    q = (q or "").strip()[:100]
    if q:
        pattern = "%" + q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        matches = [Order.email.ilike(pattern, escape="\\"), Order.number.ilike(pattern, escape="\\")]
        if normalize_number(q):
            matches.append(Order.number == normalize_number(q))
        conditions.append(db.or_(*matches))
    counts = status_counts()
    if q or (late and now is not None):
        total = db.session.scalar(db.select(db.func.count(Order.id)).where(*conditions)) or 0
    else:
        # The tabs' counts already hold it: no second pass over every order.
        total = counts[status] if status in ORDER_STATUSES else sum(counts.values())
    page = clamp_page(page, total, per_page)
    items = db.session.scalars(
        db.select(Order).where(*conditions).order_by(Order.placed_at.desc(), Order.id.desc())
        .limit(per_page).offset((page - 1) * per_page)).all()
    ready = frozenset(o.id for o in items if now is not None and ready_to_fulfil(o, now))
    overdue = frozenset(o.id for o in items if now is not None and ship_times.is_late(o, now))
    return OrderList(page=Page(items=items, page=page, per_page=per_page, total=total),
                     counts=counts, ready=ready, late=overdue,
                     late_total=ship_times.overdue_count(now) if now is not None else 0)
