"""Settling a received return: money back through the payment provider, store credit, or the
end of an exchange.

What goes back is never more than the order brought in: the money refunded stays within what
was captured less what was already refunded, and the part of an order paid with store credit
goes back as store credit, after the money.
"""
from dataclasses import dataclass

from flask_babel import gettext as _

from .. import credit, payments
from ..errors import InvalidReturnTransition, PaymentFailed, RefundFailed
from ..extensions import db
from ..models import CreditEntry
from ..money import Money
from .lifecycle import ensure_can, record
from .progress import CLOCK_RUNS


def _credit_sum(*conditions):
    return db.session.scalar(
        db.select(db.func.coalesce(db.func.sum(CreditEntry.amount), 0)).where(*conditions)) or 0


def credit_returned(order):
    """Store credit already given back for `order`: for its returns, and as goodwill."""
    return _credit_sum(CreditEntry.order_id == order.id, CreditEntry.amount > 0,
                       db.or_(CreditEntry.return_id.is_not(None), CreditEntry.goodwill.is_(True)))


def remaining(order):
    """(money, total): what may still go back as money, and in all (money plus credit)."""
    captured, refunded = payments.captured(order), payments.refunded(order)
    money = max(0, captured - refunded)
    total = max(0, captured + (order.credit_applied or 0) - refunded - credit_returned(order))
    return money, total


@dataclass(frozen=True)
class Refunded:
    """What went back to the customer for an order: `money` through the payment provider
    (including a manual refund still on its way), `credit` as store credit for its returns, and
    `net_paid`, what the order brought in after both."""
    money: int
    credit: int
    net_paid: int

    @property
    def total(self):
        return self.money + self.credit


def refunded(order):
    """The order's refunds for its totals; None when nothing went back. Only an order with an
    account can have had store credit back (split() gives guests none), so a guest's costs no
    query for it."""
    money = payments.refunded(order)
    credit_back = credit_returned(order) if order.user_id is not None else 0
    if not money and not credit_back:
        return None
    paid = payments.captured(order) + (order.credit_applied or 0)
    return Refunded(money, credit_back, max(0, paid - money - credit_back))


def split(ret):
    """(money, credit) a refund of `ret` gives back now: money first, the rest as credit."""
    order = ret.order
    money_left, total_left = remaining(order)
    amount = min(ret.refund_amount, total_left)
    money = min(amount, money_left)
    credit = amount - money if order.user_id is not None else 0
    return money, credit


def refund_parts(ret):
    """(money, credit) a settled refund gave back, for its page and emails."""
    credit = _credit_sum(CreditEntry.return_id == ret.id)
    if ret.status == "credited":
        return 0, credit
    return max(0, ret.refund_amount - credit), credit


def _money(amount, currency, locale="en"):
    return Money(amount, currency).format(locale)


def _grant(ret, amount, now, note):
    credit.grant(ret.order.user_id, amount, ret.currency, note, now, return_id=ret.id,
                 order_id=ret.order.id)


def complete(ret, actor, now, reference="", as_credit=False):
    """Settle a received return: refund it (manual providers need the merchant's reference),
    grant its store credit, or close its exchange. A refund the provider refuses leaves the
    return "refund_failed", to be tried again. `as_credit` settles a refund as store credit
    instead (signed-in customers only), for a refund that cannot go through."""
    if ret.action == "exchange" and not as_credit:
        ensure_can(ret, "exchanged")
        record(ret, "exchanged", actor, now)
        return ret
    if ret.action == "credit" or as_credit:
        return _credit(ret, actor, now)
    return _refund(ret, actor, now, (reference or "").strip())


def _credit(ret, actor, now):
    order = ret.order
    if order.user_id is None:
        raise InvalidReturnTransition(_("Store credit needs a customer account; this order "
                                        "was placed as a guest."))
    ensure_can(ret, "credited")
    _money_left, total_left = remaining(order)
    note = ""
    if ret.refund_amount > total_left:
        ret.refund_amount = total_left
        note = _("Limited to what remains of the order's payment.")
    if ret.refund_amount:
        _grant(ret, ret.refund_amount, now, _("Return %(number)s", number=ret.number))
    record(ret, "credited", actor, now, note=note)
    return ret


def _refund(ret, actor, now, reference):
    order = ret.order
    provider = payments.provider(order.payment_method)
    money, credit_back = split(ret)
    # Refused before the claim: a refusal changes nothing, so the page's buttons stay valid.
    if money and provider.manual_refunds and not reference:
        raise InvalidReturnTransition(_(
            "Send the refund of %(amount)s by %(method)s first, then enter the reference of "
            "that transfer so the customer can trace it.",
            amount=_money(money, ret.currency), method=provider.label))
    ensure_can(ret, "refunded")
    notes = []
    if money:
        try:
            result = provider.refund(order, money, reference=reference or ret.number)
        except (PaymentFailed, RefundFailed) as error:
            result = payments.Result(payments.FAILED, message=str(error))
        if provider.manual_refunds and result.status != payments.FAILED:
            result = payments.Result(payments.SUCCEEDED, reference=reference,
                                     message=result.message)
        payments.record(order, "refund", money, result)
        if result.status == payments.FAILED:
            message = str(result.message) or _("The payment provider refused the refund.")
            # A retry that fails again is noted for the merchant; the customer already knows.
            record(ret, "refund_failed", actor, now, note=message,
                   email=ret.status != "refund_failed")
            return ret
        notes.append(_("%(amount)s refunded to %(method)s (reference %(reference)s).",
                       amount=_money(money, ret.currency), method=provider.label,
                       reference=result.reference or "-"))
    if credit_back:
        _grant(ret, credit_back, now, _("Return %(number)s: the part paid with store credit",
                                        number=ret.number))
        notes.append(_("%(amount)s back as store credit.",
                       amount=_money(credit_back, ret.currency)))
    if money + credit_back < ret.refund_amount:
        ret.refund_amount = money + credit_back
        notes.append(_("Limited to what remains of the order's payment."))
    record(ret, "refunded", actor, now, note=" ".join(notes))
    return ret


def refund_due(ret):
    """(money, credit) a refund of `ret` gives back now, while one is due (the clock runs);
    else None."""
    if ret.status in CLOCK_RUNS and ret.action == "refund":
        return split(ret)
    return None


def last_failure(ret):
    """The provider's message about the failed refund `ret` is waiting on, else ""."""
    if ret.status != "refund_failed":
        return ""
    failed = [e for e in ret.events if e.status == "refund_failed"]
    return failed[-1].note if failed else ""
