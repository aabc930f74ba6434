"""Checkouts in progress: one row per shopper's checkout, written by the web processes' batched
flushes (domain/checkouts.py), never by a page view itself."""
from sqlalchemy import Index

from ..extensions import db
from .base import UTCDateTime

CHECKOUT_STATES = ("open", "abandoned", "ordered")


class CheckoutRecord(db.Model):
    """A checkout: whose (an account, or the email a guest typed), the cart as it was last seen
    there (variant id -> quantity), when it started and was last seen, the last error shown,
    and how it ended: ordered, or abandoned (and whether a reminder was queued)."""

    __tablename__ = "checkout_record"
    id = db.Column(db.Integer, primary_key=True)
    # Random, kept in the shopper's session; the restore link names it (signed).
    key = db.Column(db.String(32), nullable=False, unique=True)
    user_id = db.Column(db.Integer, db.ForeignKey("user.id", ondelete="SET NULL"), nullable=True)
    email = db.Column(db.String(254), nullable=False, default="", server_default="")
    locale = db.Column(db.String(10), nullable=False, default="en", server_default="en")
    # {"items": {variant id: quantity}, "lines": [{"name", "variant", "quantity", "amount"}],
    #  "total": minor units, "currency": "KRW"}, as the checkout page last showed it (cart_at).
    cart = db.Column(db.JSON, nullable=False, default=dict, server_default="{}")
    cart_at = db.Column(UTCDateTime, nullable=True)
    started_at = db.Column(UTCDateTime, nullable=False)
    last_seen_at = db.Column(UTCDateTime, nullable=False)
    error_code = db.Column(db.String(30), nullable=False, default="", server_default="")
    error_message = db.Column(db.String(300), nullable=False, default="", server_default="")
    error_at = db.Column(UTCDateTime, nullable=True)
    state = db.Column(db.String(10), nullable=False, default="open", server_default="open")
    ordered_at = db.Column(UTCDateTime, nullable=True)
    order_id = db.Column(db.Integer, db.ForeignKey("order.id", ondelete="SET NULL"), nullable=True)
    abandoned_at = db.Column(UTCDateTime, nullable=True)
    # What became of the reminder: "" (not decided yet), "queued", or why none was sent
    # ("ordered", "no_consent", "off"). Decided once, by a conditional update.
    reminder = db.Column(db.String(12), nullable=False, default="", server_default="")
    reminder_queued_at = db.Column(UTCDateTime, nullable=True)
    # A chat the merchant started for this checkout ("Start a chat"); the shopper's page offers it.
    conversation_id = db.Column(db.Integer, db.ForeignKey("conversation.id", ondelete="SET NULL"),
                                nullable=True)
    conversation = db.relationship("Conversation", lazy="joined")

    __table_args__ = (Index("ix_checkout_record_state_seen", "state", "last_seen_at"),)
