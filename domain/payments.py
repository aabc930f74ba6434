"""Payment providers behind one small interface: authorize, capture, refund, status.

The shop ships three that need no outside service. A card processor (Stripe, a Korean PG)
plugs in as one more class with the same four methods, registered in PROVIDERS: `authorize`
calls the processor's API (idempotently, keyed by the order's checkout token) and returns a
Result; `refund` calls its refund API. Nothing else in the shop changes.
"""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from .errors import PaymentDeclined, PaymentFailed
from .extensions import db
from .models import Payment

SUCCEEDED, PENDING, FAILED = "succeeded", "pending", "failed"


@dataclass(frozen=True)
class Result:
    status: str
    reference: str = ""
    message: str = ""


class Provider:
    key = ""
    label = ""
    # Paid at checkout (card) or later (bank transfer, cash on delivery).
    pays_at_checkout = False
    # Merchants record refunds by hand (with the bank's reference) rather than by API.
    manual_refunds = True

    def authorize(self, order, details):
        return Result(PENDING, reference=order.number)

    def capture(self, order):
        return Result(SUCCEEDED, reference=order.number)

    def refund(self, order, amount, reference=""):
        return Result(SUCCEEDED, reference=reference)

    def status(self, order):
        succeeded = {p.operation for p in order.payments if p.status == SUCCEEDED}
        if "refund" in succeeded:
            return "refunded"
        if "capture" in succeeded:
            return "paid"
        return "unpaid"


class BankTransfer(Provider):
    """The shopper transfers the total to the merchant's account with the order number as the
    reference; the merchant marks the order paid. Unpaid orders expire."""

    key = "bank_transfer"
    label = _l("Bank transfer")


class CashOnDelivery(Provider):
    """Paid to the courier; recorded as captured when the order is delivered."""

    key = "cash_on_delivery"
    label = _l("Cash on delivery")


class TestCard(Provider):
    """A card processor for demos and tests, decided by the card number:
    4242 4242 4242 4242 approves, 4000 0000 0000 0002 declines, 4000 0000 0000 0119 times out."""

    key = "test_card"
    label = _l("Card (test mode)")
    pays_at_checkout = True
    manual_refunds = False
    APPROVE, DECLINE, TIMEOUT = "4242424242424242", "4000000000000002", "4000000000000119"

    def authorize(self, order, details):
        number = "".join(ch for ch in str(details.get("card_number", "")) if ch.isdigit())
        if number == self.DECLINE:
            raise PaymentDeclined(_l("Your card was declined by the bank. Nothing was charged: "
                                     "try another card or another payment method."))
        if number == self.TIMEOUT:
            raise PaymentFailed(_l("The card processor did not answer in time. Nothing was "
                                   "charged: please try again in a moment."))
        if number != self.APPROVE:
            raise PaymentDeclined(_l("That card number is not valid in test mode. Use "
                                     "4242 4242 4242 4242."))
        return Result(SUCCEEDED, reference=f"test_{order.checkout_token[:16]}")

    def capture(self, order):
        return Result(SUCCEEDED, reference=f"test_{order.checkout_token[:16]}")

    def refund(self, order, amount, reference=""):
        return Result(SUCCEEDED, reference=reference or f"test_refund_{order.number}")


PROVIDERS = {p.key: p for p in (BankTransfer(), CashOnDelivery(), TestCard())}


def provider(key):
    try:
        return PROVIDERS[key]
    except KeyError:
        raise PaymentDeclined(_l("Please choose a payment method."))


def record(order, operation, amount, result):
    payment = Payment(provider=order.payment_method, operation=operation, amount=amount,
                      status=result.status, reference=result.reference[:120],
                      message=str(result.message)[:300])
    order.payments.append(payment)
    db.session.flush()
    return payment
