"""Stripe Checkout through Stripe's own Python library (`stripe`).

References (the fields used here, and nothing else):
- Create a Checkout Session, POST /v1/checkout/sessions:
  https://docs.stripe.com/api/checkout/sessions/create (mode, line_items[].price_data,
  success_url with the {CHECKOUT_SESSION_ID} template, cancel_url, client_reference_id,
  metadata, payment_intent_data.metadata)
- Retrieve one, GET /v1/checkout/sessions/:id, and the Session object's status
  (open | complete | expired) and payment_status (paid | unpaid | no_payment_required):
  https://docs.stripe.com/api/checkout/sessions/retrieve, .../sessions/object
- Create a refund, POST /v1/refunds (payment_intent, amount, metadata):
  https://docs.stripe.com/api/refunds/create; the Refund object's status:
  https://docs.stripe.com/api/refunds/object
- Idempotency keys: https://docs.stripe.com/api/idempotent_requests
- Errors by HTTP status (402 card_error, 429, 5xx): https://docs.stripe.com/api/errors
- Webhook signatures (Stripe-Signature, 5-minute tolerance) checked by the library's
  Webhook.construct_event: https://docs.stripe.com/webhooks#verify-events
- The four Checkout events: https://docs.stripe.com/checkout/fulfillment and
  https://docs.stripe.com/payments/checkout/how-checkout-works (delayed methods complete the
  session unpaid, then send async_payment_succeeded or async_payment_failed)
- Minor units, zero-decimal and three-decimal currencies: https://docs.stripe.com/currencies
"""
from dataclasses import replace

import stripe

from ...errors import (CardDeclined, PaymentMismatch, ProviderRefused, ProviderUnavailable,
                       WebhookRejected)
from ...money import Money, minor_digits
from .base import EXPIRED, FAILED, PAID, UNPAID, PaymentState, RefundResult, Start, WebhookEvent

# https://docs.stripe.com/currencies#zero-decimal
ZERO_DECIMAL = frozenset({"BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF",
                          "UGX", "VND", "VUV", "XAF", "XOF", "XPF"})
# https://docs.stripe.com/currencies#three-decimal
THREE_DECIMAL = frozenset({"BHD", "JOD", "KWD", "OMR", "TND"})

EVENTS = ("checkout.session.completed", "checkout.session.async_payment_succeeded",
          "checkout.session.async_payment_failed", "checkout.session.expired")


def stripe_digits(currency):
    """Decimals Stripe expects in an amount of `currency`: 0, 3, or else 2. Not always the
    currency's own: Stripe takes ISK, which has none, as if it had two."""
    currency = currency.upper()
    return 0 if currency in ZERO_DECIMAL else 3 if currency in THREE_DECIMAL else 2


def to_stripe(money):
    """An amount as Stripe's API takes it: KRW 39000 is 39000, USD 12.50 is 1250."""
    shift = stripe_digits(money.currency) - minor_digits(money.currency)
    if shift >= 0:
        return money.amount * 10 ** shift
    whole, rest = divmod(money.amount, 10 ** -shift)
    if rest:
        raise ValueError(f"{money.currency} {money.amount} has more decimals than Stripe takes")
    return whole


def from_stripe(amount, currency):
    """Stripe's amount back in the shop's minor units, as Money."""
    currency = currency.upper()
    shift = stripe_digits(currency) - minor_digits(currency)
    return Money(amount // 10 ** shift if shift >= 0 else amount * 10 ** -shift, currency)


def _with_session_id(url):
    # Stripe fills in the template when it sends the shopper back, so the return names the
    # session it was for.
    return url + ("&" if "?" in url else "?") + "session_id={CHECKOUT_SESSION_ID}"


class StripeCheckout:
    key = "stripe"

    def __init__(self, config, http_client=None):
        if not config.stripe_secret_key:
            raise ValueError("STRIPE_SECRET_KEY is not set")
        self._webhook_secret = config.stripe_webhook_secret
        self._tolerance = config.webhook_tolerance
        self._client = stripe.StripeClient(
            config.stripe_secret_key, base_addresses={"api": config.stripe_api_base},
            max_network_retries=config.stripe_max_network_retries,
            http_client=http_client or stripe.RequestsClient(timeout=config.timeout))

    def start(self, request, idempotency_key):
        """A Checkout Session for the order's total, as one line named after the order (the
        total already holds shipping, tax and discounts, so Stripe charges exactly it)."""
        currency = request.amount.currency.lower()
        session = _call(lambda: self._client.v1.checkout.sessions.create(params={
            "mode": "payment",
            "line_items": [{"quantity": 1, "price_data": {
                "currency": currency, "unit_amount": to_stripe(request.amount),
                "product_data": {"name": request.name[:250]}}}],
            "success_url": _with_session_id(request.success_url),
            "cancel_url": request.cancel_url,
            "client_reference_id": request.order_id,
            "metadata": {"order_id": request.order_id},
            "payment_intent_data": {"metadata": {"order_id": request.order_id}},
        }, options={"idempotency_key": idempotency_key}))
        return Start(reference=session.id, redirect_url=session.url)

    def complete(self, request, returned, idempotency_key=""):
        """The shopper is back on the success page: the session it names, read from Stripe
        (never from the address), must be this order's at this amount."""
        session_id = returned.get("session_id") or ""
        if not session_id.startswith("cs_"):
            raise PaymentMismatch()
        state = self.status(session_id)
        if state.order_id != request.order_id or state.amount != request.amount:
            raise PaymentMismatch()
        return state

    def status(self, reference):
        return self._state(_call(lambda: self._client.v1.checkout.sessions.retrieve(reference)))

    def refund(self, payment_id, amount, reason, idempotency_key):
        """All of the payment (amount None) or part of it."""
        params = {"payment_intent": payment_id}
        if amount is not None:
            params["amount"] = to_stripe(amount)
        if reason:
            params["metadata"] = {"reason": reason[:500]}
        refund = _call(lambda: self._client.v1.refunds.create(
            params=params, options={"idempotency_key": idempotency_key})).to_dict()
        if refund["status"] in ("failed", "canceled"):
            raise ProviderRefused(code=refund.get("failure_reason") or refund["status"])
        return RefundResult(reference=refund["id"],
                            amount=from_stripe(refund["amount"], refund["currency"]),
                            status="succeeded" if refund["status"] == "succeeded" else "pending")

    def webhook(self, body, headers):
        """A verified Checkout event, or None for an event of another type. Anything without
        a valid, fresh signature raises WebhookRejected."""
        signature = next((v for k, v in headers.items() if k.lower() == "stripe-signature"), "")
        if not self._webhook_secret or not signature:
            raise WebhookRejected()
        if isinstance(body, bytes):
            body = body.decode("utf-8", "replace")
        try:
            event = stripe.Webhook.construct_event(body, signature, self._webhook_secret,
                                                   tolerance=self._tolerance)
        except (stripe.SignatureVerificationError, ValueError, KeyError):
            raise WebhookRejected() from None
        if event["type"] not in EVENTS:
            return None
        state = self._state(event.data.object)
        if event["type"] == "checkout.session.async_payment_failed":
            state = replace(state, status=FAILED)
        return WebhookEvent(event_id=event["id"], kind=event["type"], state=state)

    def _state(self, session):
        session = session.to_dict()  # the library's objects are not dicts
        if session["status"] == "expired":
            status = EXPIRED
        elif session["status"] == "complete" and session["payment_status"] != "unpaid":
            status = PAID
        else:
            status = UNPAID
        intent = session.get("payment_intent") or ""
        metadata = session.get("metadata") or {}
        return PaymentState(
            provider=self.key, status=status,
            order_id=session.get("client_reference_id") or metadata.get("order_id") or "",
            amount=from_stripe(session["amount_total"], session["currency"]),
            reference=session["id"], payment_id=getattr(intent, "id", intent))


def _call(request):
    """Stripe's errors in the shop's terms: a decline, an unknown outcome that is safe to
    retry, or a refusal of the request itself."""
    try:
        return request()
    except stripe.CardError as error:
        raise CardDeclined(code=error.code or "card_declined") from error
    except (stripe.APIConnectionError, stripe.RateLimitError) as error:
        raise ProviderUnavailable() from error
    except stripe.StripeError as error:
        if isinstance(error, stripe.APIError) or (error.http_status or 0) >= 500:
            raise ProviderUnavailable() from error
        raise ProviderRefused(code=error.code or type(error).__name__) from error
