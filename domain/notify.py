"""The outbox: messages are written in the same transaction as the change they report, and
`flask --app shop worker` sends them. A mail server that is down delays mail, loses none, and
never fails a checkout."""
from sqlalchemy.dialects import postgresql, sqlite

from .extensions import db
from .models import OutboxMessage, utcnow

# What each order stage tells the customer; stages not listed send nothing.
ORDER_MESSAGES = {
    "placed": "order_placed",
    "paid": "order_paid",
    "packed": "order_packed",
    "shipped": "order_shipped",
    "out_for_delivery": "order_out_for_delivery",
    "delivered": "order_delivered",
    "cancelled": "order_cancelled",
    "payment_expired": "order_payment_expired",
}


def enqueue(kind, to_address, locale="en", order=None, data=None, now=None):
    """Queue a message; it is sent only if the surrounding transaction commits."""
    message = OutboxMessage(kind=kind, to_address=to_address, locale=locale or "en",
                            order=order, data=data or {}, next_attempt_at=now or utcnow())
    db.session.add(message)
    return message


def enqueue_once(key, kind, to_address, locale="en", order=None, data=None, now=None):
    """Queue a message unless one with the same `key` was ever queued; True if this call
    queued it. The key is unique in the table, so two transactions raising the same event at
    once (two workers, two requests) queue one message between them, whichever commits first,
    and the other goes on without an error."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    if order is not None and order.id is None:
        db.session.flush()
    queued = db.session.execute(
        insert(OutboxMessage).values(
            kind=kind, to_address=to_address, locale=locale or "en",
            order_id=order.id if order is not None else None, data=data or {},
            next_attempt_at=now or utcnow(), dedupe_key=key[:320])
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
        .returning(OutboxMessage.id)).scalar()
    return queued is not None


def order_stage(order, status, now=None):
    """Queue the customer's message for an order reaching `status`, if that stage has one."""
    kind = ORDER_MESSAGES.get(status)
    if kind:
        return enqueue(kind, order.email, order.locale, order=order, now=now)
    return None
