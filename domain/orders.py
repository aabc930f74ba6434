"""Orders: placing one (idempotent, stock taken in the same transaction) and moving it through
the pipeline. Every status change goes through set_status(), which checks the pipeline, writes
an OrderEvent and queues the customer's message in the same transaction."""
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from types import SimpleNamespace

from flask import current_app
from flask_babel import gettext as _, lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.exc import IntegrityError

from . import cart as carts
from . import alerts, catalog, cause, checkouts, consent, credit, email_address, notify, order_refunds
from . import payments
from . import refund_accounts, shipby, stock
from .loyalty import hooks as loyalty_hooks
from .loyalty import points as loyalty_points
from .loyalty import quote as loyalty_quote
from .loyalty import tiers as loyalty_tiers
from .newsletter import campaigns
from .recommend import pairs as recommend_pairs
from .errors import (CheckoutInvalid, InsufficientPoints, InvalidTransition, NotFound,
                     UndoWindowClosed)
from .extensions import db
from .money import Money
from .models import Order, OrderEvent, OrderLine, ShopSettings, User
from .transaction import on_rollback

# Where an order may go next from each status. Side exits: cancelled, payment_expired.
PIPELINE = {
    # A card order waiting for its payment on the provider's page (domain/card_payments.py).
    "awaiting_payment": ("paid", "cancelled", "payment_expired"),
    "placed": ("paid", "packed", "cancelled", "payment_expired"),
    "paid": ("packed", "cancelled"),
    "packed": ("shipped", "cancelled"),
    "shipped": ("out_for_delivery", "delivered"),
    "out_for_delivery": ("delivered",),
    "delivered": (),
    "cancelled": (),
    "payment_expired": (),
}
STAGES = ("placed", "paid", "packed", "shipped", "out_for_delivery", "delivered")
RELEASES_STOCK = ("cancelled", "payment_expired")
NUMBER_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


STATUS_LABELS = {
    "placed": _l("Order placed"), "awaiting_payment": _l("Awaiting payment"), "paid": _l("Paid"), "packed": _l("Packed"),
    "shipped": _l("Shipped"), "out_for_delivery": _l("Out for delivery"),
    "delivered": _l("Delivered"), "cancelled": _l("Cancelled"),
    "payment_expired": _l("Payment expired"),
    # Not stages: events of a refund or credit given outside a return (returns/goodwill.py).
    "goodwill_refund": _l("Goodwill refund"), "goodwill_credit": _l("Goodwill store credit"),
}


def status_label(status):
    """The status in the request's language (one translation looked up, not all ten: a list
    of orders asks for one per row and tab)."""
    return str(STATUS_LABELS[status])


def line_name(line):
    """How an order line is named in messages: 'Moon jar · Small'."""
    return f"{line.title} · {line.variant_title}" if line.variant_title else line.title


def reached_at(order, status):
    """When the order first reached `status`, from its events; None if it has not."""
    return next((e.created_at for e in order.events if e.status == status), None)


def new_number():
    """'K7Q-4D2M': 32^7 (34 billion) possibilities, no 0/O or 1/I to misread."""
    chars = "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(7))
    return f"{chars[:3]}-{chars[3:]}"


def _serializer(secret):
    return URLSafeSerializer(secret or current_app.config["SECRET_KEY"], salt="order-tracking")


def tracking_token(order, secret=None):
    """The signed part of a guest's tracking link; it never expires, like the emails holding it."""
    return _serializer(secret).dumps(order.number)


def order_for_token(number, token, secret=None):
    """The order a tracking link opens, or NotFound for a wrong or altered link."""
    try:
        signed_number = _serializer(secret).loads(token or "")
    except BadSignature:
        raise NotFound()
    order = by_number(number)
    if order is None or signed_number != order.number:
        raise NotFound()
    return order


def by_number(number):
    return db.session.scalar(db.select(Order).where(Order.number == (number or "").upper()))


@dataclass
class Checkout:
    """What a shopper submitted: plain values, from the guest form or one-click defaults."""
    checkout_token: str
    email: str
    address: dict
    shipping_method_id: int | None
    payment_method: str
    locale: str = "en"
    user_id: int | None = None
    payment_details: dict = field(default_factory=dict)
    # Spend the customer's store credit on the order first (signed-in customers only).
    use_credit: bool = False
    # The shopper ticked the (never pre-ticked) box asking for marketing email.
    marketing_consent: bool = False
    # The checkout in progress this order ends (domain/checkouts.py), if the page started one.
    checkout_key: str = ""
    # Coupon codes the shopper applied (domain/loyalty/quote.py re-checks them in the order's
    # transaction), whether to spend points, and the referral link the shopper came through.
    coupon_codes: tuple = ()
    use_points: bool = False
    referral_code: str = ""
    # The points the page showed this order spending (None: not said); another order that
    # spent some of them since refuses this one rather than charge more than was shown.
    points_expected: int | None = None
    # The newsletter campaign whose link the shopper followed, and when (kept in their session):
    # the order records it when placed within 7 days of that (domain/newsletter/campaigns.py).
    campaign_id: int | None = None
    campaign_landed_at: datetime | None = None


ADDRESS_FIELDS = ("name", "phone", "line1", "line2", "city", "postcode", "region", "country")


def _validate(config, checkout, lines):
    problems = {}
    email = (checkout.email or "").strip()
    if not email_address.is_valid(email):
        problems["email"] = _("Please enter the email address for your receipt.")
    address = {k: (checkout.address.get(k) or "").strip() for k in ADDRESS_FIELDS}
    if config.only_country:
        # The shop delivers to one country, so checkout does not ask: every order goes there.
        address["country"] = config.only_country
    for name, message in (("name", _("Please enter the recipient's name.")),
                          ("line1", _("Please enter the street address.")),
                          ("city", _("Please enter the city."))):
        if not address[name]:
            problems[name] = message
    if address["region"] not in config.regions:
        problems["region"] = _("Please choose where we ship to.")
    methods = config.methods_for(address["region"] or None)
    if not any(m.id == _int(checkout.shipping_method_id) for m in methods):
        problems["shipping_method"] = _("Please choose a shipping method for your region.")
    refusal = payments.refused(checkout.payment_method, config)
    if refusal:
        problems["payment_method"] = str(refusal)
    if not lines:
        problems["cart"] = _("Your cart is empty.")
    if problems:
        raise CheckoutInvalid(_("Please check the fields marked below."), problems)
    return email, address


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def place_order(config, cart, checkout, now):
    """Place an order for what is in `cart`, in the caller's transaction. Returns
    (order, created).

    The same checkout token always gives the same single order: a double-click, a refresh or
    a retried request finds the order the first one made (created is False). Stock is taken
    with conditional updates in the order's transaction; OutOfStock, a declined card or a bad
    form roll back what was written and raise, and the cart is left as it was. A card charged
    here is refunded if the transaction is rolled back instead of committed (on_rollback).
    """
    existing = _by_token(checkout.checkout_token)
    if existing is not None:
        return _retried(existing, cart), False
    lines = carts.lines(cart, config.currency)
    email, address = _validate(config, checkout, lines)
    # Products in early access are sold only to customers whose tier has it, until its end.
    loyalty_tiers.check_early_access_of([line.product_id for line in lines], checkout.user_id,
                                        now, checkout.locale or "en")
    buyer = db.session.get(User, checkout.user_id) if checkout.user_id is not None else None
    # Coupons, the referral's welcome code and points, checked again now: a code refused since
    # the page was drawn refuses the order (nothing is written yet) rather than charge more.
    quote = loyalty_quote.quote(config, lines, codes=tuple(checkout.coupon_codes or ()),
                                user=buyer, email=email, use_points=checkout.use_points,
                                referral_code=checkout.referral_code or "",
                                region=address["region"],
                                shipping_method_id=_int(checkout.shipping_method_id), now=now)
    if quote.refusals:
        raise quote.refusals[0].error()
    breakdown = quote.breakdown
    spent_points = quote.points.spent if quote.points is not None else 0
    if checkout.use_points and checkout.points_expected is not None \
            and spent_points != checkout.points_expected:
        raise InsufficientPoints(_(
            "Your points changed since the page was shown: %(points)s can be used now. They may "
            "have just been used by another order. Nothing was ordered or charged; please check "
            "the total and try again.", points=f"{spent_points:,}"))
    method = breakdown.shipping_method
    order = Order(
        number=new_number(), checkout_token=checkout.checkout_token, user_id=checkout.user_id,
        email=email.lower(), locale=checkout.locale or "en", status="placed",
        currency=config.currency, subtotal=breakdown.subtotal.amount,
        discount=breakdown.discount.amount, shipping=breakdown.shipping.amount,
        tax=breakdown.tax.amount, tax_included=breakdown.tax_included,
        tax_rate_bp=breakdown.tax_rate_bp, fees=breakdown.fees.amount,
        total=breakdown.total.amount, shipping_method_id=method.id,
        points_spent=spent_points,
        points_discount=quote.points.discount.amount if spent_points else 0,
        shipping_method_name=method.name, shipping_days_min=method.days_min,
        shipping_days_max=method.days_max, payment_method=checkout.payment_method,
        undo_until=now + timedelta(minutes=config.undo_minutes), placed_at=now,
        **{f"ship_{k}": v for k, v in address.items()})
    cause.stamp(order, config)
    order.campaign_id = campaigns.attributed(checkout.campaign_id, checkout.campaign_landed_at,
                                             now)
    for line in lines:
        order.lines.append(OrderLine(
            variant_id=line.variant_id, product_id=line.product_id, title=line.title,
            variant_title=line.variant_title, sku=line.sku, unit_price=line.unit_price.amount,
            quantity=line.quantity, tax_rate_bp=config.tax_rate_bp,
            discount=quote.line_discounts.get(line.variant_id, 0)))
    db.session.add(order)
    try:
        db.session.flush()
    except IntegrityError:
        # Another request with the same token won the race: show the order it made.
        db.session.rollback()
        existing = _by_token(checkout.checkout_token)
        if existing is None:
            raise
        return _retried(existing, cart), False

    try:
        variants = catalog.variants_by_ids([line.variant_id for line in lines])
        taken = []
        for line in lines:
            variant = variants[line.variant_id]
            left = stock.reserve(variant, line.quantity, carts.display_name(variant))
            taken.append((variant, left, line.quantity))
        if spent_points:
            # The same conditional UPDATE as store credit: two tabs cannot spend them twice.
            loyalty_points.spend(order.user_id, spent_points, order, now)
        # The coupons' uses are taken here (CouponRefused rolls the whole order back).
        loyalty_hooks.order_placed(order, checkout, quote, now)
        if checkout.use_credit and checkout.user_id is not None:
            _apply_credit(order, checkout.user_id, now)

        provider = payments.provider(order.payment_method)
        _event(order, "placed", "customer", now)
        if provider.hosted and order.amount_due:
            # Paid on the provider's page next; paid once the provider confirms it.
            order.status = "awaiting_payment"
            order.pay_by = now + timedelta(minutes=config.card_payment_minutes)
        elif order.amount_due:
            result = provider.authorize(order, checkout.payment_details)
            if provider.pays_at_checkout:
                # Never "charged but no order": whatever rolls this order back gives it back.
                on_rollback(partial(provider.refund, order, order.amount_due))
            payments.record(order, "authorize", order.amount_due, result)
        if provider.pays_at_checkout or not order.amount_due:
            # Paid now: by card, or by store credit alone whatever the method chosen (the
            # provider is not asked for nothing). The confirmation already says it is paid.
            set_status(order, "paid", "system", now, notify_customer=False)
        elif order.payment_method == "bank_transfer":
            order.pay_by = now + timedelta(days=config.bank_transfer_days)
        shipby.stamp(order, order.status, now, config)
        # The merchant's alerts ride on the order's transaction: a rollback drops them too.
        alerts.order_placed(order, config, now)
        checkouts.mark_ordered(checkout.checkout_key, order, now)
        for variant, left, quantity in taken:
            alerts.low_stock(variant, left, quantity, order, now, config)
    except Exception:
        # The order row and the stock already taken are flushed: undo them here (a ShopError
        # changes nothing, domain.transaction), so a caller that goes on to commit can never
        # commit half an order, and SQLite's write lock is given back at once.
        db.session.rollback()
        raise
    cart.clear()
    if checkout.marketing_consent:
        # Double opt-in: the box asks; the email sent to the address confirms.
        consent.request(now, "checkout", order.locale, user=buyer, email=order.email)
    return order, True


def _apply_credit(order, user_id, now):
    """Pay what the customer's store credit covers of the order, read under the order's own
    write lock so that the spend cannot find less than was read."""
    amount = credit.applied(credit.balance(user_id, for_update=True),
                            Money(order.total, order.currency)).amount
    if amount > 0:
        credit.spend(user_id, amount, order.currency, order, now)
        order.credit_applied = amount


def _by_token(checkout_token):
    return db.session.scalar(db.select(Order).where(Order.checkout_token == checkout_token))


def _retried(order, cart):
    """A retry of a checkout that already made `order`. A guest's double-click sends the cart
    cookie as it was before the first answer arrived; if that copy still holds exactly what
    was bought, it is the same purchase and is emptied too, or the answer to the retry would
    put the bought items back into the cart. A cart holding anything else is left alone."""
    if cart.items() and cart.items() == {line.variant_id: line.quantity for line in order.lines}:
        cart.clear()
    return order


def _event(order, status, actor, now, note="", notify_customer=True):
    order.events.append(OrderEvent(status=status, actor=actor, note=note[:500], created_at=now))
    if notify_customer:
        notify.order_stage(order, status, now=now)


def allowed_next(order, actor_is_merchant=False):
    """The statuses the merchant can move this order to now, in pipeline order."""
    options = [s for s in PIPELINE[order.status]]
    if order.status == "placed" and order.payment_method != "cash_on_delivery":
        options = [s for s in options if s != "packed"]
    if order.status == "placed" and order.payment_method != "bank_transfer":
        options = [s for s in options if s != "payment_expired"]
    if order.status == "awaiting_payment" and actor_is_merchant:
        # Paid only when the provider confirms it; expired by the worker.
        options = [s for s in options if s == "cancelled"]
    if order.status == "placed" and order.collects_on_delivery:
        options = [s for s in options if s != "paid"]
    return options


# A status change may hold the order's row lock (a payment webhook, the worker) while it reads
# the settings: through the transaction's own connection, not the settings cache, whose reload
# holds a process-wide lock while it waits for a pooled connection that requests queued behind
# this row lock may all be holding.
_DEFAULT_SETTINGS = SimpleNamespace(handling_days=2, timezone="UTC", recommend_after_orders=20)


def _settings():
    return db.session.get(ShopSettings, 1) or _DEFAULT_SETTINGS


def set_status(order, status, actor, now, note="", carrier="", tracking_number="",
               notify_customer=True):
    """Move an order to `status` if the pipeline allows it from where it is; InvalidTransition
    (with a message fit to show) if not. Writes the event and queues the customer's message."""
    if status not in allowed_next(order):
        raise InvalidTransition(_("An order that is “%(current)s” cannot become “%(next)s”.",
                                  current=status_label(order.status),
                                  next=status_label(status) if status in PIPELINE else status))
    if status == "shipped":
        carrier, tracking_number = (carrier or "").strip(), (tracking_number or "").strip()
        if not carrier or not tracking_number:
            raise InvalidTransition(_("Enter the carrier and the tracking number to mark the "
                                      "order shipped."))
        order.carrier, order.tracking_number = carrier[:60], tracking_number[:80]
    provider = payments.provider(order.payment_method)
    # The provider only ever handles what store credit did not pay (amount_due).
    if status == "paid" and order.amount_due:
        payments.record(order, "capture", order.amount_due, provider.capture(order))
    if status == "delivered" and order.collects_on_delivery:
        payments.record(order, "capture", order.amount_due, provider.capture(order))
    if status in RELEASES_STOCK:
        for line in order.lines:
            stock.release(line.variant_id, line.product_id, line.quantity)
        if order.amount_due and provider.status(order) == "paid":
            result = provider.refund(order, order.amount_due)
            if provider.manual_refunds:
                result = payments.Result(payments.PENDING, message=_("Refund to be sent by the merchant."))
            payment = payments.record(order, "refund", order.amount_due, result)
            if result.status == payments.FAILED:
                alerts.refund_failed(order, payment, actor, now)
        if order.credit_applied and order.user_id is not None:
            credit.grant(order.user_id, order.credit_applied, order.currency,
                         _("Order %(number)s cancelled", number=order.number), now,
                         order_id=order.id)
        loyalty_hooks.order_released(order, now)
    if status == "paid" or (status == "delivered" and order.payment_method == "cash_on_delivery"):
        loyalty_hooks.order_paid(order, now)
    if status == "delivered":
        loyalty_hooks.order_delivered(order, now)
    order.status = status
    settings = _settings()
    shipby.stamp(order, status, now, settings)
    if status == "delivered":
        db.session.flush()
        recommend_pairs.nudge(now, settings)
    _event(order, status, actor, now, note, notify_customer=notify_customer)
    if status == "payment_expired":
        alerts.payment_expired(order, actor, now)
    db.session.flush()
    return order


def can_undo(order, now):
    return order.status in ("placed", "awaiting_payment", "paid") and order.undo_until is not None and now < order.undo_until


def cancel_by_customer(order, now, refund_account=None):
    """The customer's own cancellation, allowed during the undo window only. An order already
    paid by bank transfer is refunded by the merchant's own transfer, so it needs the account
    to send it to (`refund_account`: {bank_name, account_number, account_holder});
    InvalidRefundAccount, with nothing changed, when it is missing or wrong."""
    if not can_undo(order, now):
        raise UndoWindowClosed(_("This order can no longer be cancelled online: it is with the "
                                 "shop now. Please contact us."))
    account = None
    if order_refunds.due_on_cancel(order):
        account = refund_accounts.from_form(refund_account or {})
    set_status(order, "cancelled", "customer", now, note=_("Cancelled by the customer."))
    if account is not None:
        refund_accounts.save(account, order=order)
    return order


def change_address_by_customer(order, address, now, config):
    """Change where the order goes, during the undo window, within the same shipping region
    (a new region could change the shipping price the customer already agreed to)."""
    if not can_undo(order, now):
        raise UndoWindowClosed(_("This order can no longer be changed online. Please contact us."))
    checkout = Checkout(checkout_token="", email=order.email, address={**address, "region": order.ship_region},
                        shipping_method_id=order.shipping_method_id, payment_method=order.payment_method)
    _email, clean = _validate(config, checkout, lines=[True])
    for key, value in clean.items():
        setattr(order, f"ship_{key}", value)
    order.events.append(OrderEvent(status=order.status, actor="customer", created_at=now,
                                   note=_("Delivery address changed.")))
    db.session.flush()
    return order


def expire_unpaid(now):
    """Bank-transfer orders not paid by their date, and card orders not paid on the
    provider's page within the shop's minutes, expire and give their stock back.

    Each order is claimed first with a conditional UPDATE that re-checks it is still unpaid:
    of two workers running this at once, the second waits for the first to commit and then
    finds the order expired (PostgreSQL re-checks the condition on the locked row; SQLite
    lets one writer in at a time), so stock comes back, and the customer and the merchant are
    told, once."""
    expired = 0
    for order in unpaid_past_due(now):
        # Writes nothing new; the update takes the row and re-checks it.
        claimed = db.session.execute(
            db.update(Order).where(Order.id == order.id, *_unpaid_past(now))
            .values(pay_by=Order.pay_by).execution_options(synchronize_session=False)).rowcount
        if claimed != 1:
            continue  # expired by another worker, or marked paid, a moment ago
        db.session.refresh(order)
        set_status(order, "payment_expired", "system", now,
                   note=_("No payment arrived by the due date."))
        expired += 1
    return expired


def unpaid_past_due(now):
    """The bank-transfer orders still unpaid past their pay-by date, locked for the caller's
    transaction. On PostgreSQL an order another worker is expiring right now is skipped rather
    than waited for (SKIP LOCKED); SQLite has one writer at a time and no row locks."""
    return db.session.scalars(db.select(Order).where(*_unpaid_past(now))
                              .with_for_update(skip_locked=True, of=Order)).all()


def _unpaid_past(now):
    return (db.or_(db.and_(Order.status == "placed", Order.payment_method == "bank_transfer"),
                   Order.status == "awaiting_payment"),
            Order.pay_by.is_not(None), Order.pay_by < now)


def expected_delivery(order):
    """The latest expected delivery day: from shipping if shipped, else from placing."""
    shipped = reached_at(order, "shipped")
    start = shipped or order.placed_at
    return start + timedelta(days=order.shipping_days_max + (0 if shipped else 1))
