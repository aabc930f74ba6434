"""Card payments on a provider's hosted page: Stripe Checkout and Toss Payments, behind the
small interface of `base.CardProvider` (see ARCHITECTURE.md, "Card providers").

Built from a `ProviderConfig`, which the caller makes from the app's configuration
(`ProviderConfig.from_mapping(app.config)`): nothing here reads a request or the current app.
"""
from .base import (EXPIRED, FAILED, PAID, REFUNDED, UNPAID, CardProvider, PaymentRequest,
                   PaymentState, ProviderConfig, RefundResult, Start, WebhookEvent)

__all__ = ["EXPIRED", "FAILED", "PAID", "REFUNDED", "UNPAID", "CardProvider", "PaymentRequest",
           "PaymentState", "ProviderConfig", "RefundResult", "Start", "WebhookEvent",
           "configured"]


def configured(config):
    """The providers whose secret keys are set, by key ("stripe", "toss")."""
    found = {}
    if config.stripe_secret_key:
        from .stripe_checkout import StripeCheckout
        found[StripeCheckout.key] = StripeCheckout(config)
    if config.toss_secret_key:
        from .toss import TossPayments
        found[TossPayments.key] = TossPayments(config)
    return found
