"""Errors the domain raises. Their messages are written for the person who will read them."""
from flask_babel import lazy_gettext as _l


class ShopError(Exception):
    """Base class: str(error) is fit to show to a shopper or merchant."""

    def __init__(self, message=None):
        super().__init__(str(message) if message is not None else self.default_message())

    @classmethod
    def default_message(cls):
        return str(_l("Something went wrong."))


class OutOfStock(ShopError):
    """Asked for more units than are in stock; the message names the item and what is left."""


class NotFound(ShopError):
    """The thing asked for does not exist or is not for sale."""


class InvalidQuantity(ShopError):
    """A quantity that is not a positive whole number within limits."""


class InvalidImage(ShopError):
    """An upload that is not a usable image."""


class InvalidPhotos(InvalidImage):
    """Some of several uploads are not usable images; `photos` maps each one's position in the
    upload (0, 1, ...) to what is wrong with it."""

    def __init__(self, message, photos):
        super().__init__(message)
        self.photos = dict(photos)


class StorageUnavailable(ShopError):
    """The photo store (a folder or an object store) could not be written or read; whatever
    needed the photo was not saved."""

    @classmethod
    def default_message(cls):
        return str(_l("The photo store cannot be reached just now, so nothing was saved. "
                      "Please try again in a few minutes."))


class ImportFailed(ShopError):
    """A product import that had bad rows; nothing from those rows was written."""

    def __init__(self, message, problems=()):
        super().__init__(message)
        self.problems = list(problems)


class InvalidCredentials(ShopError):
    """Wrong email or password; deliberately says no more than that."""


class PaymentDeclined(ShopError):
    """The payment was refused; nothing was charged and no order was made."""


class PaymentFailed(ShopError):
    """The payment provider did not answer; nothing was charged and no order was made."""


class CardDeclined(PaymentDeclined):
    """The card processor refused the payment; nothing was charged. `code` is the processor's
    own reason (Toss's REJECT_CARD_PAYMENT, say), for the merchant's records."""

    def __init__(self, message=None, code=""):
        super().__init__(message)
        self.code = code

    @classmethod
    def default_message(cls):
        return str(_l("Your card was declined, so nothing was charged. Try another card or "
                      "another payment method."))


class PaymentMismatch(PaymentDeclined):
    """What the payment provider holds does not match the order: another amount (tampered in
    the browser, say) or another order number. The payment is not accepted."""

    @classmethod
    def default_message(cls):
        return str(_l("The payment does not match this order's total, so it was not accepted "
                      "and nothing was charged. Please start the payment again."))


class ProviderUnavailable(PaymentFailed):
    """The payment provider could not be reached, did not answer in time or answered with a
    server error. Unlike a decline, the outcome is unknown: nothing was charged, or a charge
    may have gone through without the shop hearing of it. Retrying with the same idempotency
    key is safe (the provider answers a repeat with the first outcome), and the provider's
    confirmation or webhook settles it."""

    retry_safe = True

    @classmethod
    def default_message(cls):
        return str(_l("The payment provider could not be reached just now. Nothing was "
                      "charged, or if it was, your order will show it as paid once the "
                      "provider confirms. It is safe to try again in a moment."))


class ProviderRefused(PaymentFailed):
    """The payment provider refused the shop's request itself (a wrong key, a request it
    rejects, an amount it cannot refund): nothing happened, and repeating it will not help.
    `code` is the provider's error code."""

    retry_safe = False

    def __init__(self, message=None, code=""):
        super().__init__(message)
        self.code = code

    @classmethod
    def default_message(cls):
        return str(_l("The payment provider refused the request, so nothing was charged or "
                      "refunded. Please choose another payment method or contact the shop."))


class WebhookRejected(ShopError):
    """A webhook that cannot be trusted (no signature, a wrong or stale one, a payment the
    provider does not know): it changes nothing."""

    @classmethod
    def default_message(cls):
        return str(_l("This notification could not be verified and was ignored."))


class InvalidTransition(ShopError):
    """An order cannot move to that status from where it is."""


class CheckoutInvalid(ShopError):
    """The checkout form is missing something; `fields` maps field names to messages."""

    def __init__(self, message, fields=None):
        super().__init__(message)
        self.fields = dict(fields or {})


class UndoWindowClosed(ShopError):
    """The customer's time to cancel or change the order has passed."""


class InvalidResetLink(ShopError):
    """A password reset link that expired, was already used, or was never ours."""


class InvalidAddress(ShopError):
    """An address form with missing or unusable fields; `fields` maps field names to messages."""

    def __init__(self, message, fields=None):
        super().__init__(message)
        self.fields = dict(fields or {})


class InvalidReturnRule(ShopError):
    """A return rule or return setting the merchant entered that cannot be used; `fields` maps
    field names to messages."""

    def __init__(self, message, fields=None):
        super().__init__(message)
        self.fields = dict(fields or {})


class ReturnNotAllowed(ShopError):
    """A return request the rules do not allow; `fields` maps form fields to messages."""

    def __init__(self, message, fields=None):
        super().__init__(message)
        self.fields = dict(fields or {})


class GoodwillRefused(ShopError):
    """A goodwill refund or credit the order cannot give; `fields` maps form fields to messages."""

    def __init__(self, message, fields=None):
        super().__init__(message)
        self.fields = dict(fields or {})


class InvalidReturnTransition(ShopError):
    """A return cannot move to that stage from where it is."""


class RefundFailed(ShopError):
    """The payment provider refused or did not answer a refund; nothing was refunded."""


class InsufficientCredit(ShopError):
    """Less store credit is left than the amount asked for."""


class InsufficientPoints(ShopError):
    """Fewer points are available than the checkout asked to spend."""


class CouponRefused(ShopError):
    """A coupon code that cannot be used on this order: the message says exactly why and what
    would fix it ("Add ₩5,000 more to use this code"); `reason` is its short code ("expired",
    "min_subtotal", "first_order", "points", ...) and `code` the code as typed."""

    def __init__(self, message, reason="", code=""):
        super().__init__(message)
        self.reason = reason
        self.code = code


class InvalidRefundAccount(ShopError):
    """A refund account form with missing or unusable fields; `fields` maps field names
    (bank_name, account_number, account_holder) to messages."""

    def __init__(self, message, fields=None):
        super().__init__(message)
        self.fields = dict(fields or {})


class InvalidConsentLink(ShopError):
    """An unsubscribe link that was altered or never ours."""


class InvalidPrivacyLink(ShopError):
    """An emailed link to download or erase a guest's data that expired or was never ours."""


class ErasureRefused(ShopError):
    """Data that cannot be erased yet: an order still on its way, a refund still to come."""


class InvalidMessage(ShopError):
    """A help-desk message or contact form that cannot be taken; `fields` maps each field at
    fault to what is wrong with it."""

    def __init__(self, message, fields=None):
        super().__init__(message)
        self.fields = dict(fields or {})


class InvalidInvitation(ShopError):
    """A back-office invitation link that expired, was used or withdrawn, or was never ours."""
