"""The outbox: messages are written in the same transaction as the change they report, and
`flask --app shop worker` sends them. A mail server that is down delays mail, loses none, and
never fails a checkout."""
import os

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_
from sqlalchemy.dialects import postgresql, sqlite

from . import order_records, personal_data
from .extensions import db
from .mailer import eml_name
from .models import Order, OutboxMessage, utcnow
from .transaction import after_commit

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
    return enqueue_keyed(key, kind, to_address, locale, order, data, now) is not None


def enqueue_keyed(key, kind, to_address, locale="en", order=None, data=None, now=None,
                  created_at=None):
    """enqueue_once, giving the new message's id (None when the key was used before).
    `created_at`: when the event happened, for a caller that reads it back (default: the
    clock's now)."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    if order is not None and order.id is None:
        db.session.flush()
    queued = db.session.execute(
        insert(OutboxMessage).values(
            kind=kind, to_address=to_address, locale=locale or "en",
            order_id=order.id if order is not None else None, data=data or {},
            next_attempt_at=now or utcnow(), dedupe_key=key[:320],
            created_at=created_at or utcnow())
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
        .returning(OutboxMessage.id)).scalar()
    return queued


def order_stage(order, status, now=None):
    """Queue the customer's message for an order reaching `status`, if that stage has one."""
    kind = ORDER_MESSAGES.get(status)
    # An order whose buyer was erased has no address to write to.
    if kind and order.email:
        return enqueue(kind, order.email, order.locale, order=order, now=now)
    return None


# Personal data: the emails sent to a customer (their address, what they were about). Erasing
# them deletes the rows and, once that is committed, the .eml copies the shop kept of them.
def _of(subject, erasure=None):
    return or_(OutboxMessage.order_id.in_(db.select(Order.id).where(
                   order_records.of(subject, erasure))),
               and_(OutboxMessage.order_id.is_(None),
                    func.lower(OutboxMessage.to_address) == subject.email))


def _export(subject):
    messages = db.session.scalars(db.select(OutboxMessage).where(_of(subject))
                                  .order_by(OutboxMessage.created_at, OutboxMessage.id))
    return [{"kind": m.kind, "to": m.to_address, "created_at": personal_data.when(m.created_at),
             "sent_at": personal_data.when(m.sent_at)} for m in messages]


def _erase(subject, erasure):
    ids = db.session.scalars(db.select(OutboxMessage.id).where(_of(subject, erasure))).all()
    if not ids:
        return 0
    db.session.execute(db.delete(OutboxMessage).where(OutboxMessage.id.in_(ids))
                       .execution_options(synchronize_session="fetch"))
    folder = current_app.config.get("MAIL_FOLDER")
    if folder:
        after_commit(lambda: _remove_files(folder, ids))
    return len(ids)


def _remove_files(folder, ids):
    for message_id in ids:
        try:
            os.remove(os.path.join(folder, eml_name(message_id)))
        except FileNotFoundError:
            pass


personal_data.register("emails", _l("Emails"), tables=("outbox_message",), export=_export,
                       erase=_erase)
