"""Making it right outside a return: the merchant gives part or all of an order's payment back
as a goodwill refund (through the payment provider, or recorded with the reference of a
transfer made by hand) or as store credit, with a reason the customer reads.

Never more than is left to give back for the order (balance.remaining: what returns and
earlier goodwill already gave back counts), and once per click: the step claims the order with
a conditional update on the last change the merchant's page showed, so two clicks sent at once
refund once. Each one is an order event and one email, in the caller's transaction.
"""
from dataclasses import dataclass

from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy.orm.attributes import set_committed_value

from .. import credit, notify, payments
from ..errors import GoodwillRefused, PaymentFailed, RefundFailed
from ..extensions import db
from ..models import Order, OrderEvent, utcnow
from ..money import Money
from .balance import remaining

KINDS = ("refund", "credit")
REASON_MAX = 300
CLOSED = ("cancelled", "payment_expired")


@dataclass(frozen=True)
class Room:
    """What can still go back for an order: as money through its payment method, and as store
    credit (the money plus the part store credit paid; 0 for a guest, who has no account)."""

    money: int
    credit: int

    @property
    def any(self):
        return bool(self.money or self.credit)


def room(order):
    if order.status in CLOSED:
        return Room(0, 0)
    money, total = remaining(order)
    # Credit already given back counts too: money never goes past the total left.
    return Room(min(money, total), total if order.user_id is not None else 0)


def seen_stamp(order):
    """What the order's page sends back with the goodwill form: when the order last changed."""
    return order.updated_at.isoformat() if order.updated_at else ""


def _format(amount, currency):
    return Money(amount, currency).format(str(get_locale() or "en"))


def _problems(order, kind, amount, reason, reference):
    problems = {}
    if kind not in KINDS:
        problems["kind"] = _("Choose a refund or store credit.")
    elif kind == "credit" and order.user_id is None:
        problems["kind"] = _("Store credit needs a customer account; this order was placed as a "
                             "guest. Choose a refund.")
    if not reason:
        problems["reason"] = _("Tell the customer why: they read it in their email.")
    elif len(reason) > REASON_MAX:
        problems["reason"] = _("Please keep the reason under %(max)d characters.", max=REASON_MAX)
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        problems["amount"] = _("Enter an amount above zero.")
    elif kind in KINDS and "kind" not in problems:
        left = room(order)
        limit = left.money if kind == "refund" else left.credit
        if amount > limit:
            problems["amount"] = _(
                "At most %(amount)s can still go back for this order. Nothing was refunded.",
                amount=_format(limit, order.currency)) if limit else _(
                "Nothing is left to give back for this order: its payment already went back.")
    provider = payments.provider(order.payment_method)
    if kind == "refund" and provider.manual_refunds and not reference and "amount" not in problems:
        problems["reference"] = _(
            "Send the %(amount)s by %(method)s first, then enter the reference of that transfer "
            "so the customer can trace it.", amount=_format(amount, order.currency),
            method=provider.label)
    return problems


def _claim(order, seen):
    """Take the order for this goodwill step, or refuse if it changed since the page was drawn
    (a second click of the same form, or a page drawn before another refund)."""
    changed = GoodwillRefused(_("Order %(number)s was changed a moment ago. Reload the page to "
                                "see what was already given back.", number=order.number))
    if not seen or seen != seen_stamp(order):
        raise changed
    stamp = utcnow()
    claimed = db.session.execute(
        db.update(Order).where(Order.id == order.id, Order.updated_at == order.updated_at)
        .values(updated_at=stamp).execution_options(synchronize_session=False)).rowcount
    if claimed != 1:
        raise changed
    set_committed_value(order, "updated_at", stamp)


def make_it_right(order, kind, amount, reason, actor, now, seen, reference=""):
    """Give `amount` (minor units) of `order` back as a goodwill "refund" or store "credit",
    with `reason` for the customer. GoodwillRefused (with `fields`) and nothing changed when it
    cannot be given. Returns "" once given, or the provider's refusal of a refund: that
    attempt is recorded as a failed payment operation and nothing else changes."""
    reason = (reason or "").strip()
    reference = (reference or "").strip()[:120]
    if order.status in CLOSED:
        raise GoodwillRefused(_("Order %(number)s was cancelled: its payment already went back.",
                                number=order.number))
    problems = _problems(order, kind, amount, reason, reference)
    if problems:
        message = next(iter(problems.values())) if len(problems) == 1 \
            else _("Nothing was refunded: please correct the fields marked below.")
        raise GoodwillRefused(message, problems)
    _claim(order, seen)
    label = _format(amount, order.currency)
    if kind == "refund":
        provider = payments.provider(order.payment_method)
        try:
            result = provider.refund(order, amount, reference=reference or f"goodwill-{order.number}")
        except (PaymentFailed, RefundFailed) as error:
            result = payments.Result(payments.FAILED, message=str(error))
        if result.status == payments.FAILED:
            # Kept, like a return's failed refund, so the merchant sees the attempt; no event
            # and no email, since nothing went back.
            payments.record(order, "refund", amount, result)
            return _("The payment provider refused the refund: %(message)s Nothing was "
                     "refunded.", message=str(result.message))
        if provider.manual_refunds:
            result = payments.Result(payments.SUCCEEDED, reference=reference,
                                     message=result.message)
        payments.record(order, "refund", amount, result)
        note = _("%(amount)s refunded to %(method)s (reference %(reference)s): %(reason)s",
                 amount=label, method=provider.label, reference=result.reference or "-",
                 reason=reason)
    else:
        credit.grant(order.user_id, amount, order.currency,
                     _("Order %(number)s: %(reason)s", number=order.number, reason=reason),
                     now, order_id=order.id, goodwill=True)
        note = _("%(amount)s given as store credit: %(reason)s", amount=label, reason=reason)
    order.events.append(OrderEvent(status=f"goodwill_{kind}", actor=actor, note=note[:500],
                                   created_at=now))
    notify.enqueue("order_goodwill", order.email, order.locale, order=order,
                   data={"kind": kind, "amount": amount, "reason": reason}, now=now)
    db.session.flush()
    return ""
