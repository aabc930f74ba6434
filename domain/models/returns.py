"""Returns: the rules the merchant sets, the returns customers ask for, and store credit.

The same ReturnRule rows drive both the policy page and the checks on every return request,
so the written policy and the enforced one cannot drift apart.
"""
import sqlalchemy as sa
from sqlalchemy import CheckConstraint, Index

from ..extensions import db
from .base import UTCDateTime, utcnow

RETURN_SHIPPING = ("free", "flat", "customer")
RETURN_ACTIONS = ("refund", "exchange", "credit")
RETURN_STATUSES = ("requested", "approved", "rejected", "received", "refund_failed",
                   "refunded", "exchanged", "credited")


class ReturnRule(db.Model):
    """What may be returned, for how long and at what cost.

    The row with neither category nor product is the shop's default; a category row overrides
    it for that category's products, and a product row overrides both for that product.
    """

    __tablename__ = "return_rule"
    id = db.Column(db.Integer, primary_key=True)
    category_id = db.Column(db.Integer, db.ForeignKey("category.id", ondelete="CASCADE"),
                            nullable=True, unique=True)
    product_id = db.Column(db.Integer, db.ForeignKey("product.id", ondelete="CASCADE"),
                           nullable=True, unique=True)
    # Days counted from delivery (or shipping plus ReturnPolicy.transit_days if delivery is
    # unknown); the last day counts in full, in the shop's time zone.
    window_days = db.Column(db.Integer, nullable=False, default=30)
    allow_refund = db.Column(db.Boolean, nullable=False, default=True)
    allow_exchange = db.Column(db.Boolean, nullable=False, default=True)
    allow_credit = db.Column(db.Boolean, nullable=False, default=True)
    final_sale = db.Column(db.Boolean, nullable=False, default=False)
    # Basis points of the price paid kept back from a refund: 1000 = 10 %.
    restocking_fee_bp = db.Column(db.Integer, nullable=False, default=0)
    # "free": the shop pays; "flat": return_shipping_fee is kept from the refund;
    # "customer": the customer sends the parcel at their own cost.
    return_shipping = db.Column(db.String(10), nullable=False, default="free")
    return_shipping_fee = db.Column(db.Integer, nullable=False, default=0)
    conditions = db.Column(db.String(500), nullable=False, default="")
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    category = db.relationship("Category")
    product = db.relationship("Product")

    __table_args__ = (
        CheckConstraint("category_id IS NULL OR product_id IS NULL", name="one_scope"),
        CheckConstraint("window_days >= 0 AND window_days <= 3650", name="window_range"),
        CheckConstraint("restocking_fee_bp >= 0 AND restocking_fee_bp <= 10000", name="fee_range"),
        CheckConstraint("return_shipping IN ('free', 'flat', 'customer')", name="shipping_known"),
        CheckConstraint("return_shipping_fee >= 0", name="shipping_fee_not_negative"),
    )


class ReturnPolicy(db.Model):
    """One row (id=1): how returns travel and are processed, and the general rules' text."""

    __tablename__ = "return_policy"
    id = db.Column(db.Integer, primary_key=True)
    # Days added to the shipping date when the delivery date is unknown.
    transit_days = db.Column(db.Integer, nullable=False, default=7)
    pickup_enabled = db.Column(db.Boolean, nullable=False, default=False)
    pickup_instructions = db.Column(db.Text, nullable=False, default="")
    dropoff_enabled = db.Column(db.Boolean, nullable=False, default=True)
    dropoff_instructions = db.Column(db.Text, nullable=False, default="")
    # The refund promise: days from receiving a return to refunding it.
    refund_promise_days = db.Column(db.Integer, nullable=False, default=3)
    # Days from delivery in which goods that arrived damaged, wrong, incomplete or not as
    # described come back free, final sale or not (domain/returns/faults.py; a KRW shop never
    # gets less than the law's three months).
    fault_window_days = db.Column(db.Integer, nullable=False, default=30, server_default="30")
    general_md = db.Column(db.Text, nullable=False, default="")
    general_html = db.Column(db.Text, nullable=False, default="")
    # When anything on the returns policy page last changed: these settings or any rule.
    changed_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    # When the merchant first confirmed the return rules (or saved any of them). Until then the
    # storefront states no terms: the suggested rules are not the shop's promise yet.
    confirmed_at = db.Column(UTCDateTime, nullable=True)
    # The texts above in the shop's other languages: {"ko": {"general_md": …, …}}.
    translations = db.Column(db.JSON, nullable=False, default=dict, server_default="{}")

    __table_args__ = (
        CheckConstraint("transit_days >= 0", name="transit_not_negative"),
        CheckConstraint("refund_promise_days >= 0", name="promise_not_negative"),
        CheckConstraint("fault_window_days >= 0", name="fault_window_not_negative"),
    )


class PolicyPage(db.Model):
    """A policy the merchant writes in Markdown: "privacy" or "terms"."""

    __tablename__ = "policy_page"
    name = db.Column(db.String(20), primary_key=True)
    body_md = db.Column(db.Text, nullable=False, default="")
    body_html = db.Column(db.Text, nullable=False, default="")
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)
    # The body in the shop's other languages: {"ko": {"body_md": …, "body_html": …}}.
    translations = db.Column(db.JSON, nullable=False, default=dict, server_default="{}")


class ReturnRequest(db.Model):
    """A return (RMA): lines of one order going back, what the customer wants for them, and
    the amounts worked out from the rules when it was asked for."""

    __tablename__ = "return_request"
    id = db.Column(db.Integer, primary_key=True)
    # "R-7KQ4D2M": shown to customers and in URLs.
    number = db.Column(db.String(12), nullable=False, unique=True)
    # One per return form: a double submission finds the return the first one made.
    request_token = db.Column(db.String(64), nullable=False, unique=True)
    order_id = db.Column(db.Integer, db.ForeignKey("order.id", ondelete="CASCADE"), nullable=False)
    status = db.Column(db.String(20), nullable=False, default="requested")
    action = db.Column(db.String(10), nullable=False)
    reason = db.Column(db.String(30), nullable=False)
    reason_text = db.Column(db.String(1000), nullable=False, default="")
    # "pickup" or "dropoff".
    method = db.Column(db.String(10), nullable=False, default="dropoff")
    currency = db.Column(db.String(3), nullable=False)
    # Price paid for the lines, and what the rules keep back from a refund.
    items_amount = db.Column(db.Integer, nullable=False, default=0)
    restocking_fee = db.Column(db.Integer, nullable=False, default=0)
    return_shipping_fee = db.Column(db.Integer, nullable=False, default=0)
    # The order's own shipping, given back when a fault return brings the whole order back.
    shipping_refund = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    # What the customer gets back (refund or store credit); 0 for an exchange.
    refund_amount = db.Column(db.Integer, nullable=False, default=0)
    rejection_reason = db.Column(db.String(500), nullable=False, default="")
    # The replacement order of an exchange, made when the return is approved.
    exchange_order_id = db.Column(db.Integer, db.ForeignKey("order.id", ondelete="SET NULL"),
                                  nullable=True)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    received_at = db.Column(UTCDateTime, nullable=True)
    # received_at plus the refund promise: when the money must be on its way.
    refund_due_at = db.Column(UTCDateTime, nullable=True)
    closed_at = db.Column(UTCDateTime, nullable=True)
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    order = db.relationship("Order", foreign_keys=[order_id], backref=db.backref(
        "returns", order_by="ReturnRequest.id", cascade="all, delete-orphan"))
    exchange_order = db.relationship("Order", foreign_keys=[exchange_order_id])
    lines = db.relationship("ReturnLine", back_populates="return_request",
                            order_by="ReturnLine.id", cascade="all, delete-orphan")
    events = db.relationship("ReturnEvent", back_populates="return_request",
                             order_by="ReturnEvent.created_at, ReturnEvent.id",
                             cascade="all, delete-orphan")
    photos = db.relationship("ReturnPhoto", back_populates="return_request",
                             order_by="ReturnPhoto.id", cascade="all, delete-orphan")

    __table_args__ = (
        CheckConstraint("status IN ('requested', 'approved', 'rejected', 'received', "
                        "'refund_failed', 'refunded', 'exchanged', 'credited')",
                        name="status_known"),
        CheckConstraint("action IN ('refund', 'exchange', 'credit')", name="action_known"),
        CheckConstraint("refund_amount >= 0", name="refund_not_negative"),
        Index("ix_return_status", "status", "refund_due_at"),
        Index("ix_return_order", "order_id"),
    )


class ReturnLine(db.Model):
    __tablename__ = "return_line"
    id = db.Column(db.Integer, primary_key=True)
    return_id = db.Column(db.Integer, db.ForeignKey("return_request.id", ondelete="CASCADE"),
                          nullable=False)
    order_line_id = db.Column(db.Integer, db.ForeignKey("order_line.id", ondelete="CASCADE"),
                              nullable=False)
    # Copied for the "products that disappoint" report; kept if the product is deleted.
    product_id = db.Column(db.Integer, db.ForeignKey("product.id", ondelete="SET NULL"),
                           nullable=True)
    quantity = db.Column(db.Integer, nullable=False)
    # Price paid for these units (tax included), and the restocking fee on them.
    amount = db.Column(db.Integer, nullable=False, default=0)
    restocking_fee = db.Column(db.Integer, nullable=False, default=0)
    # The variant wanted instead, for an exchange.
    exchange_variant_id = db.Column(db.Integer, db.ForeignKey("variant.id", ondelete="SET NULL"),
                                    nullable=True)
    # Set when received: True back into stock, False written off.
    restocked = db.Column(db.Boolean, nullable=True)

    return_request = db.relationship("ReturnRequest", back_populates="lines")
    order_line = db.relationship("OrderLine")
    exchange_variant = db.relationship("Variant")

    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),
                      Index("ix_return_line_return", "return_id"),
                      Index("ix_return_line_product", "product_id"))


class ReturnPhoto(db.Model):
    """A photo the customer sent with a return (of a fault, mostly). Re-encoded without its
    metadata and kept outside the public uploads folder: only the order's owner, whoever holds
    its signed link, and merchants can open it (blueprints/returns/routes.py)."""

    __tablename__ = "return_photo"
    id = db.Column(db.Integer, primary_key=True)
    return_id = db.Column(db.Integer, db.ForeignKey("return_request.id", ondelete="CASCADE"),
                          nullable=False)
    # The file: <key>.webp in the return photo store (domain/storage).
    key = db.Column(db.String(64), nullable=False)
    width = db.Column(db.Integer, nullable=False)
    height = db.Column(db.Integer, nullable=False)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    return_request = db.relationship("ReturnRequest", back_populates="photos")

    __table_args__ = (Index("ix_return_photo_return", "return_id"),)


class ReturnEvent(db.Model):
    """One stage a return reached; its timeline and emails read these."""

    __tablename__ = "return_event"
    id = db.Column(db.Integer, primary_key=True)
    return_id = db.Column(db.Integer, db.ForeignKey("return_request.id", ondelete="CASCADE"),
                          nullable=False)
    status = db.Column(db.String(20), nullable=False)
    # "customer", "merchant:<email>" or "system".
    actor = db.Column(db.String(260), nullable=False)
    note = db.Column(db.String(500), nullable=False, default="")
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    return_request = db.relationship("ReturnRequest", back_populates="events")

    __table_args__ = (Index("ix_return_event_return", "return_id", "created_at"),)


class CreditEntry(db.Model):
    """One movement of a customer's store credit. User.credit_balance is their sum, kept in
    step by domain.credit with conditional updates so two checkouts cannot spend it twice."""

    __tablename__ = "credit_entry"
    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("user.id", ondelete="CASCADE"), nullable=False)
    # Positive when credit is given, negative when spent.
    amount = db.Column(db.Integer, nullable=False)
    currency = db.Column(db.String(3), nullable=False)
    note = db.Column(db.String(300), nullable=False, default="")
    return_id = db.Column(db.Integer, db.ForeignKey("return_request.id", ondelete="SET NULL"),
                          nullable=True)
    order_id = db.Column(db.Integer, db.ForeignKey("order.id", ondelete="SET NULL"), nullable=True)
    # Given by the merchant to make a problem right, outside a return (domain/returns/goodwill.py):
    # it counts against what is left to give back for the order, like a return's credit.
    goodwill = db.Column(db.Boolean, nullable=False, default=False, server_default=sa.false())
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    # Names the event a grant answers (credit.grant_once), unique: a job run again after its
    # worker died, or two workers at once, add the entry and the balance once.
    idempotency_key = db.Column(db.String(200), nullable=True, unique=True)

    __table_args__ = (Index("ix_credit_entry_user", "user_id", "created_at"),)
