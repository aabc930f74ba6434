"""Card payments on the provider's own page (Stripe Checkout, Toss Payments' window), for
orders placed "awaiting payment" (see ARCHITECTURE.md, "Card payments on the provider's page").

An order is paid only when its provider confirms a payment: on the shopper's return
(`complete`: Stripe's session read back, Toss's confirm API with the amount the order expects)
or by the provider's webhook (`webhook`), whichever comes first. Both end in `settle`, which
applies a confirmed payment exactly once:

1. the provider's payment id is written to `card_charge`, whose unique key makes a second
   return or webhook about the same payment a no-op (on PostgreSQL the second insert waits
   for the first transaction and then fails; SQLite has one writer at a time);
2. a conditional UPDATE claims the order while it is still awaiting payment, as
   `stock.reserve` and `orders.expire_unpaid` do, so the expiry job and a payment racing each
   other cannot both win;
3. a payment that finds the order no longer awaiting it (expired, cancelled, paid by another
   attempt) is a late payment: it is refunded through the provider's refund API at once and
   the merchant is told (alerts.late_card_payment).

Each attempt to pay has its own provider order id (`<number>-<attempt>`) and idempotency
keys derived from the order's checkout token and the attempt, so a retried start, confirm or
refund gets the provider's first answer.
"""
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from . import alerts, orders, payments
from .errors import InvalidTransition, PaymentFailed, PaymentMismatch, WebhookRejected
from .extensions import db
from .models import CardCharge, Order, OrderEvent, Payment
from .money import Money
from .payments.providers import PaymentRequest

AWAITING = "awaiting_payment"


def hosted(order):
    return payments.PROVIDERS.get(order.payment_method, payments.Provider).hosted


def attempt_id(order, attempt=None):
    """The provider's order id of one attempt: 'K7Q-4D2M-2' (Toss takes 6 to 64 characters
    of letters, digits, - _ =)."""
    return f"{order.number}-{order.card_attempt if attempt is None else attempt}"


def request_for(order, success_url, cancel_url, attempt=None):
    return PaymentRequest(order_id=attempt_id(order, attempt),
                          amount=Money(order.amount_due, order.currency),
                          name=_("Order %(number)s", number=order.number),
                          success_url=success_url, cancel_url=cancel_url)


def start(order, success_url, cancel_url):
    """A new attempt to pay `order` on its provider's page: the adapter's Start (a redirect
    address, or the values for Toss's SDK). `success_url(attempt)` and `cancel_url(attempt)`
    give the shop's addresses for the attempt. InvalidTransition if the order is not awaiting
    a card payment; the adapter's errors (ProviderUnavailable...) otherwise, with the attempt
    counted, so a retry starts afresh under a new key."""
    if order.status != AWAITING or not hosted(order):
        raise InvalidTransition(_("This order is not waiting for a card payment."))
    order.card_attempt = (order.card_attempt or 0) + 1
    db.session.flush()
    attempt = order.card_attempt
    adapter = payments.PROVIDERS[order.payment_method].adapter()
    return adapter.start(request_for(order, success_url(attempt), cancel_url(attempt)),
                         f"{order.checkout_token}:start:{attempt}")


def sdk_values(order, attempt, success_url, cancel_url):
    """What the page passes to the provider's browser SDK for attempt `attempt` (Toss); no
    call to the provider is made."""
    adapter = payments.PROVIDERS[order.payment_method].adapter()
    return adapter.start(request_for(order, success_url(attempt), cancel_url(attempt), attempt),
                         f"{order.checkout_token}:start:{attempt}").sdk


def complete(order, attempt, returned, now):
    """The shopper is back from the provider's page after attempt `attempt`: confirm with the
    provider and settle. Returns settle()'s outcome, or raises the adapter's errors (a
    mismatch or decline: nothing paid; ProviderUnavailable: unknown, retry safe)."""
    if not isinstance(attempt, int) or not 1 <= attempt <= (order.card_attempt or 0) \
            or not hosted(order):
        raise PaymentMismatch()
    if order.status != AWAITING and _settled(order):
        return "paid"  # a reload of the return address of a paid order
    adapter = payments.PROVIDERS[order.payment_method].adapter()
    state = adapter.complete(request_for(order, "", "", attempt), returned,
                             f"{order.checkout_token}:confirm:{attempt}")
    return settle(order, state, now, "return")


def _settled(order):
    return db.session.scalar(db.select(CardCharge.id).where(
        CardCharge.order_id == order.id, CardCharge.outcome == "paid")) is not None


def order_for(state):
    """The order a provider's payment state names ('<number>-<attempt>'), or None."""
    number, _sep, attempt = (state.order_id or "").rpartition("-")
    order = orders.by_number(number)
    # Not checked: the order's method now. A shopper who switched to bank transfer after
    # paying in another tab made a late payment, which settle() refunds.
    if order is None or not attempt.isdigit() \
            or not 1 <= int(attempt) <= (order.card_attempt or 0):
        return None
    return order


def webhook(key, body, headers, now):
    """A provider's webhook: verified by the adapter (WebhookRejected otherwise), applied
    once. Returns "ignored" for an event that changes nothing, or settle()'s outcome;
    WebhookRejected for a payment naming no order of this shop."""
    provider = payments.PROVIDERS.get(key)
    if provider is None or not provider.hosted:
        raise WebhookRejected()
    event = provider.adapter().webhook(body, headers)
    if event is None or not event.state.paid:
        return "ignored"
    order = order_for(event.state)
    if order is None:
        raise WebhookRejected()
    return settle(order, event.state, now, "webhook")


def settle(order, state, now, source):
    """Apply a payment the provider confirmed: "paid" (the order is paid by it), "duplicate"
    (this payment was applied already), "late" (the order was no longer awaiting payment: the
    payment was refunded and the merchant told) or "unpaid" (nothing confirmed yet)."""
    if not state.paid or not state.payment_id:
        return "unpaid"
    if state.amount != Money(order.amount_due, order.currency):
        raise PaymentMismatch()
    charge = CardCharge(order_id=order.id, provider=state.provider,
                        payment_id=state.payment_id[:200], outcome="paid", created_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(charge)
    except IntegrityError:
        return "duplicate"
    claimed = db.session.execute(
        db.update(Order).where(Order.id == order.id, Order.status == AWAITING,
                               Order.payment_method == state.provider)
        .values(status=AWAITING).execution_options(synchronize_session=False)).rowcount
    db.session.refresh(order)
    if claimed != 1:
        charge.outcome = "late"
        _refund_late(order, state, now)
        return "late"
    payments.record(order, "authorize", order.amount_due,
                    payments.Result(payments.SUCCEEDED, reference=state.payment_id))
    orders.set_status(order, "paid", "system", now,
                      note=_("Paid by card (%(source)s).", source=state.reference)[:500])
    return "paid"


def _refund_late(order, state, now):
    """A payment that came after the order stopped waiting for it (expired, cancelled): the
    money goes straight back, and the merchant is told either way."""
    provider = payments.PROVIDERS[state.provider]
    try:
        refund = provider.adapter().refund(state.payment_id, None,
                                           "Late payment: the order was no longer awaiting it",
                                           f"late:{state.provider}:{state.payment_id}")
        result = payments.Result(payments.SUCCEEDED if refund.status == "succeeded"
                                 else payments.PENDING, reference=refund.reference)
    except PaymentFailed as error:  # unanswered or refused: the merchant refunds by hand
        current_app.logger.warning("late %s payment %s of order %s not refunded: %r",
                                   state.provider, state.payment_id, order.number, error)
        result = payments.Result(payments.FAILED, message=_(
            "The late payment could not be refunded automatically."))
    payment = Payment(provider=state.provider, operation="late_refund",
                      amount=state.amount.amount, status=result.status,
                      reference=result.reference[:120], message=str(result.message)[:300])
    order.payments.append(payment)
    db.session.flush()
    alerts.late_card_payment(order, payment, now)


def switch_method(order, method, config, now):
    """Pay an order still awaiting its card payment another way (bank transfer, cash on
    delivery): it becomes an ordinary placed order of that method. A card payment made in
    another tab afterwards is late, and refunded (settle)."""
    if order.status != AWAITING:
        raise InvalidTransition(_("This order is not waiting for a card payment."))
    if method not in (payments.BankTransfer.key, payments.CashOnDelivery.key) \
            or method not in payments.offered(False, ()):
        raise InvalidTransition(_("Please choose a payment method."))
    claimed = db.session.execute(
        db.update(Order).where(Order.id == order.id, Order.status == AWAITING)
        .values(status="placed", payment_method=method,
                pay_by=now + timedelta(days=config.bank_transfer_days)
                if method == payments.BankTransfer.key else None)
        .execution_options(synchronize_session=False)).rowcount
    db.session.refresh(order)
    if claimed != 1:
        raise InvalidTransition(_("This order is not waiting for a card payment."))
    order.events.append(OrderEvent(status="placed", actor="customer", created_at=now, note=_(
        "Payment method changed to %(method)s.", method=str(payments.PROVIDERS[method].label))))
    db.session.flush()
    return order
