"""Payment providers behind one small interface: authorize, capture, refund, status.

The shop ships three that need no outside service. A card processor (Stripe, a Korean PG)
plugs in as one more class with the same four methods, registered in PROVIDERS: `authorize`
calls the processor's API (idempotently, keyed by the order's checkout token) and returns a
Result; `refund` calls its refund API. Nothing else in the shop changes.

Card processors whose shoppers pay on the processor's own page (Stripe Checkout, Toss
Payments' window) have their adapters in `providers/`, which talk to the processors' APIs.
"""
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l

from ..errors import PaymentDeclined, PaymentFailed, ProviderRefused, ProviderUnavailable
from ..money import Money
from ..extensions import db
from ..models import Payment

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
    # False: never offered to shoppers, whatever the shop's settings (offered() lists the
    # methods that are).
    selectable = True
    # Paid on the card provider's own page after the order is placed (HostedCard).
    hosted = False

    def authorize(self, order, details):
        return Result(PENDING, reference=order.number)

    def capture(self, order):
        return Result(SUCCEEDED, reference=order.number)

    def refund(self, order, amount, reference=""):
        return Result(SUCCEEDED, reference=reference)

    def status(self, order):
        """"unpaid", "paid", "partially_refunded" (a return refunded part of it) or "refunded"."""
        back = sum(p.amount for p in order.payments
                   if p.operation == "refund" and p.status == SUCCEEDED)
        if back and back >= captured(order):
            return "refunded"
        if back:
            return "partially_refunded"
        if any(p.operation == "capture" and p.status == SUCCEEDED for p in order.payments):
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


class Exchange(Provider):
    """The replacement order of an exchange: nothing to pay, never offered at checkout."""

    key = "exchange"
    label = _l("Exchange (no charge)")
    selectable = False
    manual_refunds = False

    def refund(self, order, amount, reference=""):
        return Result(FAILED, message=_l("A replacement order was not paid for, so there is "
                                         "nothing to refund on it."))


class TestCard(Provider):
    """A card processor for demos and tests, decided by the card number:
    4242 4242 4242 4242 approves, 4000 0000 0000 0002 declines, 4000 0000 0000 0119 times out,
    and 4000 0000 0000 0341 pays but every refund of it fails (as Stripe's test card of that
    number does), to try a failed refund. The card's outcome travels in the payment reference,
    since card numbers are never stored."""

    key = "test_card"
    label = _l("Card (test mode)")
    pays_at_checkout = True
    manual_refunds = False
    APPROVE, DECLINE, TIMEOUT = "4242424242424242", "4000000000000002", "4000000000000119"
    REFUND_FAILS = "4000000000000341"
    NO_REFUNDS = "test_norefund_"

    def authorize(self, order, details):
        number = "".join(ch for ch in str(details.get("card_number", "")) if ch.isdigit())
        if number == self.REFUND_FAILS:
            return Result(SUCCEEDED, reference=f"{self.NO_REFUNDS}{order.checkout_token[:16]}")
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
        authorized = next((p.reference for p in order.payments if p.operation == "authorize"
                           and p.status == SUCCEEDED), "")
        return Result(SUCCEEDED, reference=authorized or f"test_{order.checkout_token[:16]}")

    def refund(self, order, amount, reference=""):
        if any(p.reference.startswith(self.NO_REFUNDS) for p in order.payments):
            return Result(FAILED, message=_l("The card issuer declined the refund (test card "
                                             "4000 0000 0000 0341)."))
        return Result(SUCCEEDED, reference=reference or f"test_refund_{order.number}")


class HostedCard(Provider):
    """A card paid on the provider's own page (Stripe Checkout, Toss Payments' window), through
    the adapter in `providers/` of the same key. The order waits for the payment
    ("awaiting_payment") and is paid when the provider confirms it (domain/card_payments.py),
    which records the provider's payment as a succeeded "authorize" row; the capture and the
    refunds name that payment. Offered only while the provider's keys are configured."""

    pays_at_checkout = False
    manual_refunds = False
    selectable = False  # see offered(): only when configured
    hosted = True

    def __init__(self, key, label):
        self.key, self.label = key, label

    def adapter(self):
        found = configured_adapters()
        if self.key not in found:
            raise PaymentFailed(_l("Card payments are not available right now. Please choose "
                                   "another payment method."))
        return found[self.key]

    def payment_id(self, order):
        return next((p.reference for p in order.payments if p.operation == "authorize"
                     and p.status == SUCCEEDED and p.provider == self.key), "")

    def capture(self, order):
        return Result(SUCCEEDED, reference=self.payment_id(order))

    def refund(self, order, amount, reference=""):
        """Through the provider's refund API. The idempotency key counts the refunds already
        made or under way, so retrying a failed or unanswered one reuses its key (the provider
        answers a repeat with the first outcome) and never refunds twice."""
        done = sum(1 for p in order.payments if p.operation == "refund"
                   and p.status in (SUCCEEDED, PENDING))
        key = f"{order.checkout_token}:refund:{done + 1}"
        try:
            refund = self.adapter().refund(self.payment_id(order), Money(amount, order.currency),
                                           str(reference or order.number), key)
        except ProviderUnavailable:
            return Result(FAILED, message=_l("The card provider did not answer. Nothing is lost: "
                                             "try the refund again in a moment."))
        except (ProviderRefused, PaymentDeclined) as error:
            return Result(FAILED, message=_l("The card provider refused the refund (%(code)s).",
                                             code=getattr(error, "code", "") or "-"))
        except PaymentFailed as error:
            return Result(FAILED, message=str(error))
        return Result(SUCCEEDED if refund.status == "succeeded" else PENDING,
                      reference=refund.reference)


STRIPE = HostedCard("stripe", _l("Card, processed by Stripe"))
TOSS = HostedCard("toss", _l("Card, processed by Toss Payments"))
PROVIDERS = {p.key: p for p in (STRIPE, TOSS, BankTransfer(), CashOnDelivery(), TestCard(),
                                Exchange())}


def provider(key):
    try:
        return PROVIDERS[key]
    except KeyError:
        raise PaymentDeclined(_l("Please choose a payment method."))


def captured(order):
    """Money captured for `order`, in minor units."""
    return sum(p.amount for p in order.payments
               if p.operation == "capture" and p.status == SUCCEEDED)


def refunded(order):
    """Money refunded, or on its way back (a manual refund still to be sent), for `order`."""
    return sum(p.amount for p in order.payments
               if p.operation == "refund" and p.status in (SUCCEEDED, PENDING))


def offered(test_mode, card_keys=()):
    """The keys of the methods a shopper may choose, in the order checkout lists them: the card
    providers the shop has configured (`card_keys`), then bank transfer and cash on delivery,
    and the test card only in test mode (PAYMENTS_TEST_MODE), so it never reaches a live shop."""
    keys = [key for key in (STRIPE.key, TOSS.key) if key in card_keys]
    keys += [BankTransfer.key, CashOnDelivery.key]
    if test_mode:
        keys.append(TestCard.key)
    return keys


def configured_adapters():
    """The card providers' adapters whose keys the app's configuration holds, by key."""
    from . import providers
    return providers.configured(providers.ProviderConfig.from_mapping(current_app.config))


def card_keys():
    """The card providers whose keys the app's configuration holds ("stripe", "toss")."""
    return tuple(configured_adapters())


def selectable(config):
    """The providers a shopper may choose under the shop's settings (`config`), in the order
    checkout lists them (see offered)."""
    return [PROVIDERS[key] for key in offered(config.test_mode, card_keys()) if key in PROVIDERS]


def refused(key, config):
    """Why `key` cannot be chosen under `config`, or "" when it can: the test card outside test
    mode gets its own message, as a form saved in a test shop may still name it."""
    if key in offered(config.test_mode, card_keys()):
        return ""
    if key == TestCard.key:
        return _l("The test card works only in a test shop: no card payment was made. "
                  "Please choose another payment method.")
    return _l("Please choose a payment method.")


def is_test_order(order):
    """Paid (or to be paid) with the test card: no money moved, whatever its status says. Derived
    from the payment method, so orders from before test mode was a setting count too."""
    return order.payment_method == TestCard.key


def record(order, operation, amount, result):
    payment = Payment(provider=order.payment_method, operation=operation, amount=amount,
                      status=result.status, reference=result.reference[:120],
                      message=str(result.message)[:300])
    order.payments.append(payment)
    db.session.flush()
    return payment
