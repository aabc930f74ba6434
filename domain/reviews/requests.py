"""The review request: one email per delivered order, review_request_days after delivery (on
that day in the shop's time zone, from REQUEST_HOUR), listing the lines not reviewed yet and
linking to the order's one-page review form; one reminder review_reminder_days later (0: none)
for the lines still unreviewed.

Never before delivery, never twice, never about a line its buyer may not review (sent back or
refunded in full: eligibility.py), never to an address that declined review requests
(EmailOptOut kind "review_request"). While a return or an open conversation exists for the
order the request is held, and sent once they close; still held HOLD_DAYS after it was due,
it is dropped.

The worker's job `review-requests` runs `sweep()`. Each order's request is decided once: its
ReviewRequest row is inserted with the outcome (order_id is unique, so a second worker's insert
does nothing), and every later step is a conditional UPDATE of the row's state ("held" to
"sent", "sent" to "reminded"), in the same transaction as the email queued under a key naming
the order (`notify.enqueue_once`). Any number of workers, or a run repeated, send each once.
"""
from datetime import datetime, time, timedelta

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import or_
from sqlalchemy.dialects import postgresql, sqlite

from .. import email_address, notify
from ..extensions import db
from ..models import (Conversation, EmailOptOut, Order, OrderEvent, ReturnRequest, Review,
                      ReviewRequest)
from . import HOLD_DAYS, eligibility

KIND = "review_request"
OPT_OUT_KIND = "review_request"
# The request goes out from this hour of its day, on the shop's clock: not in the night.
REQUEST_HOUR = 10
# Orders whose request fell due longer ago than this (the feature just switched on, or the
# worker was down for weeks) are not asked any more: a request long after delivery is noise.
TOO_LATE = timedelta(days=14)
# Returns that still hold the product or the money; the others are closed.
OPEN_RETURNS = ("requested", "approved", "received", "refund_failed")
BATCH = 200


def delivered_at(order):
    """When the order was delivered (its first "delivered" event), or None."""
    return next((event.created_at for event in order.events if event.status == "delivered"),
                None)


def due_at(delivered, days, zone):
    """REQUEST_HOUR on the shop's clock, `days` local days after the day of delivery (UTC)."""
    day = delivered.astimezone(zone).date() + timedelta(days=days)
    return datetime.combine(day, time(REQUEST_HOUR), tzinfo=zone).astimezone(delivered.tzinfo)


def lines_to_ask(order):
    """The order's lines worth asking about: those its buyer may review (eligibility: a
    product still sold, not sent back or refunded in full; one line per product) and has not
    reviewed yet."""
    lines = [line for line, problem in eligibility.reviewable_lines(order) if not problem]
    if not lines:
        return []
    reviewed = set(db.session.scalars(db.select(Review.product_id).where(
        Review.reviewer == eligibility.reviewer_of(order),
        Review.product_id.in_([line.product_id for line in lines]))))
    return [line for line in lines if line.product_id not in reviewed]


def holding(order):
    """Whether something about the order is still open: a return in progress, or a help
    conversation about the order (or one of its returns) not resolved."""
    if any(ret.status in OPEN_RETURNS for ret in order.returns):
        return True
    return db.session.scalar(
        db.select(Conversation.id).where(
            Conversation.status != "resolved",
            or_(Conversation.order_id == order.id,
                Conversation.return_id.in_(db.select(ReturnRequest.id).where(
                    ReturnRequest.order_id == order.id))))
        .limit(1)) is not None


def opted_out(email):
    return db.session.scalar(db.select(EmailOptOut.id).where(
        EmailOptOut.email == email_address.normalize(email),
        EmailOptOut.kind == OPT_OUT_KIND)) is not None


def _outcome(order):
    """What to do with an order's request now: "dropped", "done", "held" or "sent"."""
    if order.status != "delivered" or not order.email or order.erasure_ref:
        return "dropped", "no delivered order to ask about"
    if opted_out(order.email):
        return "dropped", "the address declined review requests"
    lines = lines_to_ask(order)
    if not lines:
        return "done", "nothing left to review"
    if holding(order):
        return "held", ""
    return "sent", ""


def _queue(order, reminder, now):
    lines = lines_to_ask(order)
    suffix = ":reminder" if reminder else ""
    return notify.enqueue_once(f"{KIND}:{order.id}{suffix}", KIND, order.email,
                               locale=order.locale, order=order, now=now,
                               data={"line_ids": [line.id for line in lines],
                                     "reminder": reminder})


def _insert(values):
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return (insert(ReviewRequest).values(**values)
            .on_conflict_do_nothing(index_elements=["order_id"]).returning(ReviewRequest.id))


def start(order, now, too_late=False):
    """Decide a due order's request for the first time; returns the outcome, or "taken" when
    another worker decided it first. One due longer than TOO_LATE ago is recorded as dropped,
    so it is not looked at again."""
    state, note = ("dropped", "due too long ago") if too_late else _outcome(order)
    values = dict(order_id=order.id, state=state, note=note, created_at=now, updated_at=now)
    if state == "held":
        values["held_since"] = now
    if state == "sent":
        values["sent_at"] = now
    if db.session.execute(_insert(values)).scalar() is None:
        return "taken"
    if state == "sent":
        _queue(order, False, now)
    return state


def _move(request, from_state, now, **values):
    """Claim the request's step: a conditional UPDATE from `from_state`; False if taken."""
    return db.session.execute(
        db.update(ReviewRequest)
        .where(ReviewRequest.id == request.id, ReviewRequest.state == from_state)
        .values(updated_at=now, **values)
        .execution_options(synchronize_session=False)).rowcount == 1


def release(request, order, due, now):
    """A held request: sent once nothing holds it, dropped when still held HOLD_DAYS after it
    was due. Returns the outcome, or None when it stays held."""
    state, note = _outcome(order)
    if state == "held":
        if now < due + timedelta(days=HOLD_DAYS):
            return None
        state, note = "dropped", f"held for {HOLD_DAYS} days"
    values = {"state": state, "note": note}
    if state == "sent":
        values["sent_at"] = now
    if not _move(request, "held", now, **values):
        return "taken"
    if state == "sent":
        _queue(order, False, now)
    return state


def remind(request, order, days, now):
    """A sent request's one reminder, for the lines still unreviewed. Returns the outcome,
    or None when it waits (a return or conversation opened since the request)."""
    state, note = _outcome(order)
    if state == "held":
        if now < request.sent_at + timedelta(days=days + HOLD_DAYS):
            return None
        state, note = "done", "no reminder: a return or conversation stayed open"
    values = {"state": "reminded" if state == "sent" else state}
    if state == "sent":
        values["reminded_at"] = now
    else:
        values["note"] = note
    if not _move(request, "sent", now, **values):
        return "taken"
    if state == "sent":
        _queue(order, True, now)
        return "reminded"
    return state


def _locked(query):
    return db.session.scalars(query.limit(BATCH).with_for_update(skip_locked=True,
                                                                 of=ReviewRequest)).all()


def _new_due(now, days, zone):
    """[(order, too_late)]: delivered orders with no request yet whose request is due now,
    and whether it fell due more than TOO_LATE ago."""
    # A wide window in SQL (a day either side of the shop's clock), exact in Python.
    latest = now - timedelta(days=days - 1)
    earliest = now - timedelta(days=days + 1) - TOO_LATE
    orders = db.session.scalars(
        db.select(Order).join(OrderEvent, OrderEvent.order_id == Order.id)
        .where(Order.status == "delivered", OrderEvent.status == "delivered",
               OrderEvent.created_at <= latest, OrderEvent.created_at > earliest,
               ~db.select(ReviewRequest.id).where(ReviewRequest.order_id == Order.id).exists())
        .order_by(OrderEvent.created_at, Order.id).limit(BATCH)).unique().all()
    found = []
    for order in orders:
        delivered = delivered_at(order)
        if delivered is None:
            continue
        due = due_at(delivered, days, zone)
        if due <= now:
            found.append((order, now - due > TOO_LATE))
    return found


def sweep(now, settings, zone):
    """The job: start the requests due, release the held ones, send the reminders due.
    Returns a summary line for the worker's status."""
    days, reminder_days = settings.review_request_days, settings.review_reminder_days
    outcomes = {}

    def count(outcome):
        if outcome:
            outcomes[outcome] = outcomes.get(outcome, 0) + 1

    for order, too_late in _new_due(now, days, zone):
        count(start(order, now, too_late))
    for request in _locked(db.select(ReviewRequest).where(ReviewRequest.state == "held")
                           .order_by(ReviewRequest.id)):
        order = db.session.get(Order, request.order_id)
        delivered = delivered_at(order) if order is not None else None
        if delivered is None:
            count("dropped" if _move(request, "held", now, state="dropped",
                                     note="no delivered order to ask about") else "taken")
            continue
        count(release(request, order, due_at(delivered, days, zone), now))
    if reminder_days > 0:
        for request in _locked(db.select(ReviewRequest).where(
                ReviewRequest.state == "sent",
                ReviewRequest.sent_at <= now - timedelta(days=reminder_days))
                .order_by(ReviewRequest.id)):
            order = db.session.get(Order, request.order_id)
            if order is None:
                continue
            count(remind(request, order, reminder_days, now))
    parts = [f"{outcomes[key]} {label}" for key, label in (
        ("sent", "request(s) sent"), ("reminded", "reminder(s) sent"), ("held", "held"),
        ("dropped", "dropped"), ("done", "with nothing to review")) if outcomes.get(key)]
    return ", ".join(parts)


# The one-click opt-out: a link naming the address, signed with the app's secret. It does not
# expire, as the emails holding it do not.
OPT_OUT_SALT = "review-request-opt-out"


class InvalidOptOutLink(ValueError):
    pass


def opt_out_token(email, secret):
    return URLSafeSerializer(secret, salt=OPT_OUT_SALT).dumps(email_address.normalize(email))


def email_for_opt_out(token, secret):
    """The address an opt-out link names; InvalidOptOutLink for an altered one."""
    try:
        email = URLSafeSerializer(secret, salt=OPT_OUT_SALT).loads(token or "")
    except (BadSignature, TypeError, ValueError):
        raise InvalidOptOutLink(token)
    if not isinstance(email, str) or not email:
        raise InvalidOptOutLink(token)
    return email


def opt_out(email, now, source):
    """Record that `email` wants no more review requests (at once, idempotent); the requests
    already sent get no reminder."""
    email = email_address.normalize(email)
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    db.session.execute(insert(EmailOptOut).values(email=email, kind=OPT_OUT_KIND, source=source,
                                                  created_at=now)
                       .on_conflict_do_nothing(index_elements=["email", "kind"]))
