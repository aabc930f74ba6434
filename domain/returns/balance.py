"""What of an order may still go back, and how: as money through its payment provider (sent by
the merchant's own transfer for bank transfers and cash on delivery), or as store credit."""
from .. import payments
from ..extensions import db
from ..models import CreditEntry


def _credit_sum(*conditions):
    return db.session.scalar(
        db.select(db.func.coalesce(db.func.sum(CreditEntry.amount), 0)).where(*conditions)) or 0


def credit_returned(order):
    """Store credit already given back for `order`: for its returns, and as goodwill."""
    return _credit_sum(CreditEntry.order_id == order.id, CreditEntry.amount > 0,
                       db.or_(CreditEntry.return_id.is_not(None), CreditEntry.goodwill.is_(True)))


def credit_of_return(ret):
    return _credit_sum(CreditEntry.return_id == ret.id)


def remaining(order):
    """(money, total): what may still go back as money, and in all (money plus credit)."""
    captured, refunded = payments.captured(order), payments.refunded(order)
    money = max(0, captured - refunded)
    total = max(0, captured + (order.credit_applied or 0) - refunded - credit_returned(order))
    return money, total


def sent_by_hand(order):
    """Whether money going back for `order` is a transfer the merchant makes (bank transfer,
    cash on delivery) rather than a provider's refund."""
    provider = payments.PROVIDERS.get(order.payment_method)
    return provider is not None and provider.manual_refunds


def money_by_hand(order, amount):
    """The part of a refund of `amount` that the merchant would transfer by hand now: money
    first (as split() gives it), and only for orders whose refunds are sent by hand."""
    if amount <= 0 or not sent_by_hand(order):
        return 0
    money_left, _total = remaining(order)
    return min(amount, money_left)


def asks_for_account(order, action):
    """Whether a return of `order` asking for `action` needs the customer's bank account: a
    refund the merchant transfers by hand, while some of the order's money may still go back
    (an order store credit paid in full gets its credit back instead)."""
    return action == "refund" and sent_by_hand(order) and remaining(order)[0] > 0


def needs_account(ret):
    """Whether the open return `ret` is waiting to refund money the merchant transfers by
    hand, so an account must be known (an exchange turned into a refund asks for it late)."""
    return (ret.action == "refund" and ret.closed_at is None
            and money_by_hand(ret.order, ret.refund_amount) > 0)
