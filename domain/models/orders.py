"""Orders, their lines and events, payments, and the outbox of messages to send.

An order copies everything it shows (titles, SKUs, prices, tax, the address, the shipping
method) at purchase time, so later catalogue changes never rewrite a customer's order.
"""
from sqlalchemy import CheckConstraint, Index

from ..extensions import db
from .base import UTCDateTime, utcnow

ORDER_STATUSES = ("placed", "awaiting_payment", "paid", "packed", "shipped", "out_for_delivery", "delivered",
                  "cancelled", "payment_expired")


class Order(db.Model):
    __tablename__ = "order"
    id = db.Column(db.Integer, primary_key=True)
    # Short, human-friendly and random: "K7Q-4D2M". Shown to customers and in URLs.
    number = db.Column(db.String(12), nullable=False, unique=True)
    # One per checkout form or one-click button: a resubmission finds the order it made.
    checkout_token = db.Column(db.String(64), nullable=False, unique=True)
    user_id = db.Column(db.Integer, db.ForeignKey("user.id", ondelete="SET NULL"), nullable=True)
    email = db.Column(db.String(254), nullable=False)
    locale = db.Column(db.String(10), nullable=False, default="en")
    status = db.Column(db.String(20), nullable=False, default="placed")
    currency = db.Column(db.String(3), nullable=False)
    subtotal = db.Column(db.Integer, nullable=False)
    discount = db.Column(db.Integer, nullable=False, default=0)
    shipping = db.Column(db.Integer, nullable=False)
    tax = db.Column(db.Integer, nullable=False)
    tax_included = db.Column(db.Boolean, nullable=False)
    tax_rate_bp = db.Column(db.Integer, nullable=False)
    fees = db.Column(db.Integer, nullable=False, default=0)
    total = db.Column(db.Integer, nullable=False)
    # Store credit spent on this order; the payment provider is asked for the rest (amount_due).
    credit_applied = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    # Of `discount`: what points paid (points_spent points worth points_discount minor units);
    # the rest is the coupons' (CouponUse rows), shared across the lines (OrderLine.discount).
    points_spent = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    points_discount = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    shipping_method_id = db.Column(db.Integer, db.ForeignKey("shipping_method.id", ondelete="SET NULL"))
    shipping_method_name = db.Column(db.String(120), nullable=False)
    shipping_days_min = db.Column(db.Integer, nullable=False)
    shipping_days_max = db.Column(db.Integer, nullable=False)
    payment_method = db.Column(db.String(30), nullable=False)
    ship_name = db.Column(db.String(120), nullable=False)
    ship_phone = db.Column(db.String(50), nullable=False, default="")
    ship_line1 = db.Column(db.String(200), nullable=False)
    ship_line2 = db.Column(db.String(200), nullable=False, default="")
    ship_city = db.Column(db.String(120), nullable=False)
    ship_postcode = db.Column(db.String(20), nullable=False, default="")
    ship_region = db.Column(db.String(60), nullable=False)
    ship_country = db.Column(db.String(60), nullable=False, default="")
    carrier = db.Column(db.String(60), nullable=False, default="")
    tracking_number = db.Column(db.String(80), nullable=False, default="")
    # The customer may cancel or change the order until then; the merchant fulfils after.
    undo_until = db.Column(UTCDateTime, nullable=True)
    # Bank transfers not paid by then expire and give their stock back.
    pay_by = db.Column(UTCDateTime, nullable=True)
    # Attempts to pay on a card provider's page so far; each has its own provider order id
    # and idempotency keys (domain/card_payments.py).
    card_attempt = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    placed_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)
    # Set when its buyer's data was erased: what the law makes the shop keep (items, amounts,
    # dates) stays under this opaque reference until retain_until, then the order is purged
    # (domain/order_records.py).
    erasure_ref = db.Column(db.String(20), nullable=True)
    retain_until = db.Column(UTCDateTime, nullable=True)
    # When the order first reached these stages (set by orders.set_status, so the scorecard
    # reads one row per order instead of its events), and the day it should ship by: the
    # shop's handling days after payment, or after placing for cash on delivery
    # (domain/shipby.py).
    paid_at = db.Column(UTCDateTime, nullable=True)
    shipped_at = db.Column(UTCDateTime, nullable=True)
    delivered_at = db.Column(UTCDateTime, nullable=True)
    ship_by = db.Column(UTCDateTime, nullable=True)
    # The newsletter campaign whose link brought the buyer, within 7 days of clicking it.
    campaign_id = db.Column(db.Integer, db.ForeignKey("campaign.id", ondelete="SET NULL"),
                            nullable=True)
    # The cause's share promised when the order was placed (domain/cause.py): basis points of
    # what the goods cost after discounts, or a fixed amount in minor units; 0 and 0: none.
    cause_bp = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    cause_fixed = db.Column(db.Integer, nullable=False, default=0, server_default="0")

    lines = db.relationship("OrderLine", back_populates="order", order_by="OrderLine.id",
                            cascade="all, delete-orphan")
    events = db.relationship("OrderEvent", back_populates="order",
                             order_by="OrderEvent.created_at, OrderEvent.id",
                             cascade="all, delete-orphan")
    payments = db.relationship("Payment", back_populates="order", order_by="Payment.id",
                               cascade="all, delete-orphan")

    @property
    def amount_due(self):
        """What the payment provider is asked for: the total less any store credit spent."""
        return self.total - (self.credit_applied or 0)

    @property
    def collects_on_delivery(self):
        """Cash on delivery with something left to pay: the courier collects amount_due. An
        order store credit paid in full is paid from the start, whatever method was chosen."""
        return self.payment_method == "cash_on_delivery" and self.amount_due > 0

    __table_args__ = (
        CheckConstraint("status IN ('placed', 'awaiting_payment', 'paid', 'packed', 'shipped', 'out_for_delivery', "
                        "'delivered', 'cancelled', 'payment_expired')", name="status_known"),
        CheckConstraint("total >= 0", name="total_not_negative"),
        CheckConstraint("credit_applied >= 0 AND credit_applied <= total", name="credit_within_total"),
        Index("ix_order_user", "user_id", "placed_at"),
        Index("ix_order_status", "status", "placed_at"),
        # The back office's order list, newest first.
        Index("ix_order_placed", "placed_at", "id"),
        Index("ix_order_retain_until", "retain_until"),
        # The scorecard: what was delivered, shipped or paid on which days.
        Index("ix_order_delivered", "delivered_at"),
        Index("ix_order_shipped", "shipped_at"),
        Index("ix_order_ship_by", "status", "ship_by"),
        Index("ix_order_campaign", "campaign_id"),
        Index("ix_order_email_placed", "email", "placed_at"),
    )


class OrderLine(db.Model):
    __tablename__ = "order_line"
    id = db.Column(db.Integer, primary_key=True)
    order_id = db.Column(db.Integer, db.ForeignKey("order.id", ondelete="CASCADE"), nullable=False)
    variant_id = db.Column(db.Integer, db.ForeignKey("variant.id", ondelete="SET NULL"), nullable=True)
    product_id = db.Column(db.Integer, db.ForeignKey("product.id", ondelete="SET NULL"), nullable=True)
    title = db.Column(db.String(200), nullable=False)
    variant_title = db.Column(db.String(130), nullable=False, default="")
    sku = db.Column(db.String(64), nullable=False)
    unit_price = db.Column(db.Integer, nullable=False)
    quantity = db.Column(db.Integer, nullable=False)
    tax_rate_bp = db.Column(db.Integer, nullable=False)
    # This line's part of the order's discount (minor units, for all its units): the lines'
    # parts add up to Order.discount exactly (domain/loyalty/allocation.py).
    discount = db.Column(db.Integer, nullable=False, default=0, server_default="0")

    order = db.relationship("Order", back_populates="lines")

    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),
                      Index("ix_order_line_order", "order_id"))

    @property
    def total(self):
        return self.unit_price * self.quantity


class OrderEvent(db.Model):
    """One stage an order reached: the tracking timeline and the notifications read these."""

    __tablename__ = "order_event"
    id = db.Column(db.Integer, primary_key=True)
    order_id = db.Column(db.Integer, db.ForeignKey("order.id", ondelete="CASCADE"), nullable=False)
    status = db.Column(db.String(20), nullable=False)
    # "customer", "merchant:<email>" or "system".
    actor = db.Column(db.String(260), nullable=False)
    note = db.Column(db.String(500), nullable=False, default="")
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    order = db.relationship("Order", back_populates="events")

    __table_args__ = (Index("ix_order_event_order", "order_id", "created_at"),)


class Payment(db.Model):
    """A payment operation with a provider: authorize, capture or refund, and how it went."""

    __tablename__ = "payment"
    id = db.Column(db.Integer, primary_key=True)
    order_id = db.Column(db.Integer, db.ForeignKey("order.id", ondelete="CASCADE"), nullable=False)
    provider = db.Column(db.String(30), nullable=False)
    operation = db.Column(db.String(20), nullable=False)
    amount = db.Column(db.Integer, nullable=False)
    # "pending", "succeeded" or "failed".
    status = db.Column(db.String(20), nullable=False)
    reference = db.Column(db.String(120), nullable=False, default="")
    message = db.Column(db.String(300), nullable=False, default="")
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    order = db.relationship("Order", back_populates="payments")

    __table_args__ = (Index("ix_payment_order", "order_id"),)


class CardCharge(db.Model):
    """A payment a card provider confirmed, recorded once (the unique key on the provider's
    payment id): a second return or webhook about the same payment finds it and does nothing.
    `outcome` is "paid" (it paid the order) or "late" (it arrived after the order expired or
    was cancelled, and was refunded)."""

    __tablename__ = "card_charge"
    id = db.Column(db.Integer, primary_key=True)
    order_id = db.Column(db.Integer, db.ForeignKey("order.id", ondelete="CASCADE"), nullable=False)
    provider = db.Column(db.String(20), nullable=False)
    payment_id = db.Column(db.String(200), nullable=False)
    outcome = db.Column(db.String(20), nullable=False)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    __table_args__ = (db.UniqueConstraint("provider", "payment_id", name="uq_card_charge_payment"),)


class OutboxMessage(db.Model):
    """A message to send, written in the same transaction as the change it reports.

    The worker renders and sends it, retrying with backoff: a mail server that is down delays
    mail and loses none, and never fails a checkout.
    """

    __tablename__ = "outbox_message"
    id = db.Column(db.Integer, primary_key=True)
    # What to say: "order_placed", "order_paid", ..., "password_reset".
    kind = db.Column(db.String(40), nullable=False)
    to_address = db.Column(db.String(254), nullable=False)
    locale = db.Column(db.String(10), nullable=False, default="en")
    order_id = db.Column(db.Integer, db.ForeignKey("order.id", ondelete="CASCADE"), nullable=True)
    # Extra values the message needs (a reset link's token, a note), as JSON.
    data = db.Column(db.JSON, nullable=False, default=dict)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    attempts = db.Column(db.Integer, nullable=False, default=0)
    next_attempt_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    sent_at = db.Column(UTCDateTime, nullable=True)
    last_error = db.Column(db.String(500), nullable=False, default="")
    # When a worker claimed the message to send it; cleared once the attempt's result is written.
    # Still set when a worker claims it again: the earlier attempt was cut off (the worker was
    # killed) and may have reached the mail server.
    attempt_started_at = db.Column(UTCDateTime, nullable=True)
    # When an attempt first failed; the merchant is alerted when mail fails for over an hour.
    first_failed_at = db.Column(UTCDateTime, nullable=True)
    # The event a message reports, for messages that must be queued once whoever raises the
    # event and however often (domain.notify.enqueue_once); null for the others.
    dedupe_key = db.Column(db.String(320), nullable=True)

    order = db.relationship("Order")

    __table_args__ = (Index("ix_outbox_due", "sent_at", "next_attempt_at"),
                      Index("ix_outbox_order", "order_id"),
                      Index("uq_outbox_dedupe_key", "dedupe_key", unique=True))
