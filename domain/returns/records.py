"""A customer's returns as personal data: in the download, and anonymised with their orders.

A return is a record of a withdrawal (청약철회) and of a refund, so it is kept with its order
for as long as the order is (personal_data.CONTRACTS) and purged with it; what erasure removes
is the free text in it, the customer's reason and the shop's notes, which may name or describe
the person.
"""
from flask_babel import lazy_gettext as _l

from .. import order_records, personal_data
from ..extensions import db
from ..models import Order, ReturnRequest
from .lifecycle import FINAL


def _returns_of(subject, erasure=None):
    return db.session.scalars(
        db.select(ReturnRequest).join(Order, Order.id == ReturnRequest.order_id)
        .where(order_records.of(subject, erasure))
        .order_by(ReturnRequest.created_at, ReturnRequest.id)).all()


def open_returns(subject):
    """The subject's returns not settled yet (a refund still to come, say)."""
    return [ret for ret in _returns_of(subject) if ret.status not in FINAL]


def _export(subject):
    when = personal_data.when
    return [{
        "number": ret.number, "order": ret.order.number, "status": ret.status,
        "action": ret.action, "reason": ret.reason, "reason_text": ret.reason_text,
        "method": ret.method, "currency": ret.currency, "items_amount": ret.items_amount,
        "restocking_fee": ret.restocking_fee, "return_shipping_fee": ret.return_shipping_fee,
        "refund_amount": ret.refund_amount, "rejection_reason": ret.rejection_reason,
        "created_at": when(ret.created_at), "closed_at": when(ret.closed_at),
        "lines": [{"sku": line.order_line.sku, "title": line.order_line.title,
                   "quantity": line.quantity, "amount": line.amount} for line in ret.lines],
        "events": [{"status": e.status, "note": e.note, "at": when(e.created_at)}
                   for e in ret.events],
    } for ret in _returns_of(subject)]


def _erase(subject, erasure):
    found = _returns_of(subject, erasure)
    for ret in found:
        ret.reason_text = ""
        ret.rejection_reason = ""
        for event in ret.events:
            event.note = ""
    db.session.flush()
    return len(found)


def _purged_with_their_orders(now):
    """Nothing of its own: a return is deleted with its order (ON DELETE CASCADE)."""
    return {}


personal_data.register("returns", _l("Returns"),
                       tables=("return_request", "return_line", "return_event"),
                       export=_export, erase=_erase, retention=order_records.RETENTION,
                       purge=_purged_with_their_orders)
