"""What every hosted-page card provider offers the shop, in the shop's own terms.

A provider starts a payment for an order (`start`: where to send the shopper), settles it when
the shopper comes back (`complete`), tells where it stands (`status`), refunds it (`refund`)
and reads its webhooks (`webhook`). Amounts are `Money` in the shop's minor units; each
adapter converts to what its API wants. Errors are the payment errors of `domain/errors.py`:
`CardDeclined` and `PaymentMismatch` (definitely not charged), `ProviderUnavailable` (unknown,
retry safe), `ProviderRefused` (the request itself was refused), `WebhookRejected`.
"""
from dataclasses import dataclass, field
from typing import Mapping, Optional, Protocol

from ...money import Money

# Where a provider's payment stands, as the shop sees it.
PAID, UNPAID, EXPIRED, FAILED, REFUNDED = "paid", "unpaid", "expired", "failed", "refunded"


@dataclass(frozen=True)
class ProviderConfig:
    """The settings the adapters need, taken from the app's configuration by the caller
    (`from_mapping(app.config)`), so nothing here reads Flask's current app."""

    stripe_secret_key: str = ""
    stripe_webhook_secret: str = ""
    stripe_api_base: str = "https://api.stripe.com"
    toss_secret_key: str = ""
    toss_client_key: str = ""
    toss_api_base: str = "https://api.tosspayments.com"
    # Seconds to wait for a provider's answer before calling the outcome unknown.
    timeout: float = 15.0
    # Retries the Stripe library makes itself (with the same idempotency key) on a connection
    # error, a 409 or a 5xx; 0 leaves retrying to the caller.
    stripe_max_network_retries: int = 2
    # How old a Stripe webhook's signed timestamp may be (Stripe's library default, 5 minutes).
    webhook_tolerance: int = 300

    @classmethod
    def from_mapping(cls, config):
        """From the app's config (or any mapping with the same names)."""
        def text(name, default=""):
            return (config.get(name) or default).strip()
        return cls(
            stripe_secret_key=text("STRIPE_SECRET_KEY"),
            stripe_webhook_secret=text("STRIPE_WEBHOOK_SECRET"),
            stripe_api_base=text("STRIPE_API_BASE", cls.stripe_api_base).rstrip("/"),
            toss_secret_key=text("TOSS_SECRET_KEY"),
            toss_client_key=text("TOSS_CLIENT_KEY"),
            toss_api_base=text("TOSS_API_BASE", cls.toss_api_base).rstrip("/"),
            timeout=float(config.get("PAYMENT_PROVIDER_TIMEOUT") or cls.timeout))


@dataclass(frozen=True)
class PaymentRequest:
    """One attempt to pay for an order: `order_id` is what the provider files it under (the
    order number, or the number with an attempt suffix), `name` what the payment page shows.
    `success_url` and `cancel_url` are absolute addresses of the shop (Toss calls the second
    its failUrl)."""

    order_id: str
    amount: Money
    name: str
    success_url: str
    cancel_url: str


@dataclass(frozen=True)
class Start:
    """Where to send the shopper: `redirect_url` for a hosted page (Stripe Checkout), or
    `sdk` for a payment window opened by the provider's browser SDK (Toss). `reference` is the
    provider's id of the attempt (a Checkout Session id; Toss's orderId)."""

    reference: str
    redirect_url: str = ""
    sdk: Mapping = field(default_factory=dict)


@dataclass(frozen=True)
class PaymentState:
    """A payment as its provider reports it. `status` is PAID, UNPAID (open, or waiting for a
    delayed method), EXPIRED, FAILED or REFUNDED (all of it); `refunded` counts partial refunds.
    `payment_id` is what `refund` takes (a PaymentIntent id; Toss's paymentKey), empty while
    nothing was paid."""

    provider: str
    status: str
    order_id: str
    amount: Money
    reference: str
    payment_id: str = ""
    refunded: int = 0

    @property
    def paid(self):
        return self.status == PAID


@dataclass(frozen=True)
class RefundResult:
    """A refund the provider accepted: `status` "succeeded", or "pending" where the provider
    finishes it later (Stripe's pending refunds)."""

    reference: str
    amount: Money
    status: str


@dataclass(frozen=True)
class WebhookEvent:
    """A verified webhook about a payment. `event_id` identifies the delivery's event, so a
    duplicate can be recognised; `state` is the payment as the provider vouches for it."""

    event_id: str
    kind: str
    state: PaymentState


class CardProvider(Protocol):
    key: str

    def start(self, request: PaymentRequest, idempotency_key: str) -> Start: ...

    def complete(self, request: PaymentRequest, returned: Mapping[str, str],
                 idempotency_key: str) -> PaymentState: ...

    def status(self, reference: str) -> PaymentState: ...

    def refund(self, payment_id: str, amount: Optional[Money], reason: str,
               idempotency_key: str) -> RefundResult: ...

    def webhook(self, body: bytes, headers: Mapping[str, str]) -> Optional[WebhookEvent]: ...
