"""The refund of a cancelled order that the merchant transfers by hand.

A cancelled order paid by bank transfer keeps its refund as a pending payment
(orders.set_status): the merchant sends the money from their bank, then records the transfer's
reference here, which tells the customer where it went and deletes the account it went to.
Cash on delivery is collected at the door and a delivered order cannot be cancelled, so only a
bank transfer the merchant already marked paid leaves money to send back; an unpaid one, or an
expired one, has nothing to refund.
"""
from flask_babel import gettext as _

from . import notify, payments, refund_accounts
from .errors import InvalidTransition
from .extensions import db
from .models import OrderEvent, Payment
from .money import Money


def due_on_cancel(order):
    """What cancelling `order` now would leave the merchant to transfer back by hand: its
    payment, when it was paid by bank transfer; else 0."""
    provider = payments.PROVIDERS.get(order.payment_method)
    if provider is None or not provider.manual_refunds or not order.amount_due:
        return 0
    return order.amount_due if provider.status(order) == "paid" else 0


def _pending(order):
    return [p for p in order.payments if p.operation == "refund" and p.status == payments.PENDING]


def waiting(order):
    """The money of `order` still to be transferred back by the merchant."""
    return sum(p.amount for p in _pending(order))


def give_account(order, values):
    """Keep the bank account ({bank_name, account_number, account_holder}) the refund of the
    cancelled `order` goes to. InvalidRefundAccount for bad fields; InvalidTransition when no
    refund of the order is waiting."""
    if not waiting(order):
        raise InvalidTransition(_("Order %(number)s has no refund waiting for a bank account.",
                                  number=order.number))
    account = refund_accounts.from_form(values)
    refund_accounts.save(account, order=order)
    return account


def record_sent(order, reference, actor, now):
    """The merchant sent the refund of the cancelled `order` by hand: record the transfer's
    reference, tell the customer where the money went, and delete the account it went to.

    Claimed with a conditional update on the pending payments, so two clicks at once record
    (and email) it once."""
    reference = (reference or "").strip()[:120]
    pending = _pending(order)
    amount = sum(p.amount for p in pending)
    if not amount:
        raise InvalidTransition(_("Order %(number)s has no refund waiting to be sent.",
                                  number=order.number))
    money = Money(amount, order.currency).format()
    if not reference:
        raise InvalidTransition(_("Send the refund of %(amount)s first, then enter the reference "
                                  "of that transfer so the customer can trace it.", amount=money))
    kept = refund_accounts.stored(order=order)
    destination = kept.short if kept else ""
    claimed = db.session.execute(
        db.update(Payment)
        .where(Payment.id.in_([p.id for p in pending]), Payment.status == payments.PENDING)
        .values(status=payments.SUCCEEDED, reference=reference,
                message=destination or str(_("Refund sent by the merchant.")))
        .execution_options(synchronize_session=False)).rowcount
    if claimed != len(pending):
        raise InvalidTransition(_("Order %(number)s was changed a moment ago. Reload the page "
                                  "to see where it is.", number=order.number))
    for payment in pending:
        db.session.refresh(payment)
    if destination:
        note = _("%(amount)s transferred to %(account)s (reference %(reference)s).",
                 amount=money, account=destination, reference=reference)
    else:
        note = _("%(amount)s refunded by hand (reference %(reference)s).", amount=money,
                 reference=reference)
    order.events.append(OrderEvent(status=order.status, actor=actor, note=note[:500],
                                   created_at=now))
    refund_accounts.forget(order=order)
    notify.enqueue("order_refunded", order.email, order.locale, order=order, now=now,
                   data={"amount": amount, "destination": destination, "reference": reference})
    db.session.flush()
    return order
