"""Merchant alerts: the shop's owner is emailed about what needs them (a new order, a bank
transfer to confirm, a return request, a refund that failed, a payment that expired, a variant
running low, mail failing for over an hour, a new question from a customer).

They go through the outbox like every email: queued by the domain step that raises the event,
in its transaction, so an event that is rolled back alerts nobody. Each is queued under an
idempotency key naming its event (notify.enqueue_once): one email per event and recipient,
however often a step or a job runs. What the merchant does in the back office is shown to them
on the page and raises no alert; the same event raised by a customer or a background job does.

Who gets them: the shop's contact address (Settings) when there is one, since that is the
mailbox the shop is run from; otherwise every merchant account. Each email is written in the
language of the merchant account it goes to (the account with the contact address, if any),
else in the catalogue's main language. Each kind can be switched off in Settings.
"""
from .extensions import db
from .mailer import failing_now, failing_too_long
from .models import OutboxMessage, ShopSettings, User
from .notify import enqueue_once
from .shopconfig import LANGUAGES
from .stock import crossed_low

# The switches in Settings, by name, and the message kind each one sends.
SWITCHES = {
    "new_order": "alert_new_order",
    "transfer_to_confirm": "alert_transfer_to_confirm",
    "return_requested": "alert_return_requested",
    "refund_failed": "alert_refund_failed",
    "payment_expired": "alert_payment_expired",
    "low_stock": "alert_low_stock",
    "mail_failing": "alert_mail_failing",
    "new_question": "alert_new_question",
}
LATE_CARD_PAYMENT = "alert_late_card_payment"
KINDS = tuple(SWITCHES.values()) + (LATE_CARD_PAYMENT,)
# The key of the mail-failing alert of the failing period under way; released (set to null)
# once no message is failing, so that the next period can have its own alert.
MAIL_FAILING_OPEN = "alert_mail_failing:open:"


def by_merchant(actor):
    """Whether an event's actor ("merchant:<email>", "customer", "system") is the merchant in
    the back office, who sees the outcome on the page."""
    return (actor or "").startswith("merchant:")


def _settings(settings=None):
    """The settings to read the switches, address and language from: a ShopConfig snapshot
    passed in, else the row (defaults when the shop has none yet)."""
    if settings is not None:
        return settings
    return db.session.get(ShopSettings, 1) or ShopSettings(
        email="", main_language=LANGUAGES[0], alerts_off=[], low_stock_threshold=5)


def is_on(switch, settings=None):
    return switch not in (_settings(settings).alerts_off or ())


def recipients(settings=None):
    """[(address, locale)] the alerts go to: the shop's contact address, else every merchant."""
    settings = _settings(settings)
    main = settings.main_language if settings.main_language in LANGUAGES else LANGUAGES[0]
    merchants = db.session.execute(
        db.select(User.email, User.locale).where(User.is_merchant.is_(True)).order_by(User.id)).all()

    def language(locale):
        return locale if locale in LANGUAGES else main

    contact = (settings.email or "").strip()
    if contact:
        account = next((m for m in merchants if m.email.lower() == contact.lower()), None)
        return [(contact, language(account.locale) if account else main)]
    return [(m.email, language(m.locale)) for m in merchants]


def _alert(switch, event, settings=None, order=None, data=None, now=None, kind=None):
    """Queue the `switch` alert about `event` (a key unique to the event) to each recipient;
    how many were queued (0 when switched off, already queued, or nobody to tell)."""
    settings = _settings(settings)
    if not is_on(switch, settings):
        return 0
    kind = kind or SWITCHES[switch]
    return sum(enqueue_once(f"{kind}:{event}:{address.lower()}", kind, address, locale,
                            order=order, data=data, now=now)
               for address, locale in recipients(settings))


def order_placed(order, config, now):
    """A new order. One placed with a bank transfer still to pay is announced as a transfer to
    confirm, which says it is a new order too: one email, from whichever switch is on."""
    if order.payment_method == "bank_transfer" and order.status == "placed" \
            and is_on("transfer_to_confirm", config):
        return _alert("transfer_to_confirm", order.id, config, order=order, now=now)
    return _alert("new_order", order.id, config, order=order, now=now)


def return_requested(ret, actor, now):
    """A return asked for by the customer (one the merchant enters needs no alert)."""
    if by_merchant(actor):
        return 0
    return _alert("return_requested", ret.id, order=ret.order, data={"return_id": ret.id},
                  now=now)


def refund_failed(order, payment, actor, now, ret=None):
    """A refund the provider refused, unless the merchant asked for it and is looking at the
    failure on the page. One alert per failed attempt: each attempt has its payment row."""
    if by_merchant(actor):
        return 0
    data = {"payment_id": payment.id, "amount": payment.amount, "message": payment.message}
    if ret is not None:
        data["return_id"] = ret.id
    return _alert("refund_failed", payment.id, order=order, data=data, now=now)


def payment_expired(order, actor, now):
    """A bank transfer that never came: the worker cancelled the order and freed its stock."""
    if by_merchant(actor):
        return 0
    return _alert("payment_expired", order.id, order=order, now=now)


def late_card_payment(order, payment, now):
    """A card payment that arrived after its order expired (or was cancelled or paid another
    way), refunded at once through the provider (or, if that failed, to refund by hand).
    Under the "payment expired" switch: it is the end of the same story."""
    data = {"payment_id": payment.id, "amount": payment.amount, "status": payment.status,
            "message": payment.message}
    return _alert("payment_expired", f"late:{payment.id}", order=order, data=data, now=now,
                  kind=LATE_CARD_PAYMENT)


def low_stock(variant, left, taken, order, now, settings=None):
    """A variant that `taken` units of `order` took to `left`, at or below the low-stock
    threshold (Settings) from above it. Only the sale that crosses alerts: later sales start at
    or below the threshold. Units that come back (a cancellation, a restock) and a later sale
    that crosses again make another crossing, with its own alert."""
    settings = _settings(settings)
    threshold = settings.low_stock_threshold
    if not crossed_low(left, taken, threshold):
        return 0
    product = variant.product
    # An order takes a variant across the threshold at most once.
    event = f"{variant.id}:{order.id}"
    return _alert("low_stock", event, settings, now=now, data={
        "variant_id": variant.id, "product_id": variant.product_id, "title": product.title,
        "variant_title": variant.title, "sku": variant.sku, "left": left,
        "threshold": threshold})


def new_question(conversation, now, settings=None):
    """A customer asked something (the contact form, or writing again long after an answer)."""
    return _alert("new_question", conversation.id, settings, now=now,
                  data={"conversation_id": conversation.id})


def check_mail(now):
    """The worker's job: alert the merchant once when mail has been failing for over an hour
    (mailer.FAILING_TOO_LONG), and close the failing period once no message fails any more.

    The alert of the period under way holds a key of its own (MAIL_FAILING_OPEN), unique in
    the outbox: any number of workers checking at once queue one alert between them. The alert
    is sent through the same outbox, so while the mail server is down it waits with the rest;
    the dashboard shows the same warning meanwhile. Returns how many alerts were queued."""
    failing = failing_too_long(now)
    if failing is None:
        if not failing_now():
            _close_mail_period()
        return 0
    if not _open_key_free():
        return 0
    return _alert("mail_failing", "open", now=now, data={
        "count": failing.count, "since": failing.since.isoformat(), "error": failing.error})


def _open_key_free():
    """Whether no alert of the failing period under way was queued yet (a cheap read, so that
    the check costs no write while the alert is out)."""
    return db.session.scalar(db.select(OutboxMessage.id).where(
        OutboxMessage.dedupe_key.startswith(MAIL_FAILING_OPEN, autoescape=True)).limit(1)) is None


def _close_mail_period():
    if _open_key_free():
        return
    db.session.execute(
        db.update(OutboxMessage)
        .where(OutboxMessage.dedupe_key.startswith(MAIL_FAILING_OPEN, autoescape=True))
        .values(dedupe_key=None).execution_options(synchronize_session=False))
