"""What an order keeps of its buyer: the download of a customer's orders, their anonymisation
when the customer's data is erased, and their purge when the law stops requiring them.

An erased order keeps what accounting and e-commerce law require (its items, amounts, dates,
payments and refunds) and loses its buyer: no account, email, name, phone or address, no
tracking number, no notes. It carries the erasure's opaque reference and the day its
retention ends (personal_data.CONTRACTS and PAYMENTS: five years after the last thing that
happened to it); the worker deletes it then, with its lines, events, payments and returns.
"""
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_

from . import personal_data
from .extensions import db
from .models import Order

# Kept on an erased order for the law: the region and country it was supplied to (tax), the
# rest of the address goes.
ERASED_ADDRESS = ("name", "phone", "line1", "line2", "city", "postcode")
# The longer of the two periods that apply to an order and its payments.
RETENTION = max(personal_data.CONTRACTS, personal_data.PAYMENTS, key=lambda r: r.months)


def of(subject, erasure=None):
    """The condition for the subject's orders: an account's, or a guest's (placed without an
    account under the address). With `erasure`, also those it has already anonymised, so a
    kind erased after the orders still finds its records."""
    if subject.is_guest:
        theirs = and_(Order.user_id.is_(None), Order.erasure_ref.is_(None),
                      func.lower(Order.email) == subject.email)
    else:
        theirs = Order.user_id == subject.user_id
    if erasure is not None:
        return or_(theirs, Order.erasure_ref == erasure.reference)
    return theirs


def orders_of(subject, erasure=None):
    return db.session.scalars(db.select(Order).where(of(subject, erasure))
                              .order_by(Order.placed_at, Order.id)).all()


def open_orders(subject):
    """The subject's orders still on their way (not delivered, cancelled or expired)."""
    return db.session.scalars(db.select(Order).where(
        of(subject), Order.status.not_in(("delivered", "cancelled", "payment_expired")))
        .order_by(Order.placed_at)).all()


def _export(subject):
    when = personal_data.when
    return [{
        "number": order.number, "placed_at": when(order.placed_at), "status": order.status,
        "email": order.email, "language": order.locale, "currency": order.currency,
        "subtotal": order.subtotal, "discount": order.discount, "shipping": order.shipping,
        "tax": order.tax, "tax_included": order.tax_included, "fees": order.fees,
        "total": order.total, "store_credit_used": order.credit_applied,
        "payment_method": order.payment_method, "shipping_method": order.shipping_method_name,
        "ship_to": {name: getattr(order, f"ship_{name}") for name in
                    ("name", "phone", "line1", "line2", "city", "postcode", "region", "country")},
        "carrier": order.carrier, "tracking_number": order.tracking_number,
        "lines": [{"title": line.title, "variant": line.variant_title, "sku": line.sku,
                   "unit_price": line.unit_price, "quantity": line.quantity}
                  for line in order.lines],
        "payments": [{"operation": p.operation, "provider": p.provider, "amount": p.amount,
                      "status": p.status, "reference": p.reference, "at": when(p.created_at)}
                     for p in order.payments],
        "events": [{"status": e.status, "note": e.note, "at": when(e.created_at)}
                   for e in order.events],
    } for order in orders_of(subject)]


def _last_activity(order):
    moments = [order.placed_at, *(e.created_at for e in order.events),
               *(p.created_at for p in order.payments)]
    for ret in order.returns:
        moments += [ret.created_at, *(e.created_at for e in ret.events)]
    return max(moments)


def _erase(subject, erasure):
    found = orders_of(subject)
    for order in found:
        order.retain_until = personal_data.add_months(_last_activity(order), RETENTION.months)
        order.erasure_ref = erasure.reference
        order.user_id = None
        order.email = ""
        order.tracking_number = ""
        for name in ERASED_ADDRESS:
            setattr(order, f"ship_{name}", "")
        for event in order.events:
            event.note = ""
    db.session.flush()
    return len(found)


def _purge(now):
    """Delete the erased orders whose retention ended, one erasure at a time. The DELETE is
    the claim: when two workers reach the same orders, one deletes them and the other finds
    nothing left, so each is purged and logged once. Lines, events, payments, returns and
    their emails go with them (ON DELETE CASCADE)."""
    due = db.session.scalars(
        db.select(Order.erasure_ref).where(Order.retain_until < now).distinct()
        .order_by(Order.erasure_ref)).all()
    purged = {}
    for reference in due:
        deleted = db.session.execute(
            db.delete(Order).where(Order.erasure_ref == reference, Order.retain_until < now)
            .execution_options(synchronize_session=False)).rowcount
        if deleted:
            purged[reference] = deleted
    return purged


personal_data.register("orders", _l("Orders"),
                       tables=("order", "order_line", "order_event", "payment", "card_charge"),
                       export=_export, erase=_erase, retention=RETENTION, purge=_purge)
