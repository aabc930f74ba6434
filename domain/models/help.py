"""The help desk: business hours, conversations with customers and the replies saved for them.

A conversation is one question and everything said about it, whichever way it came (the contact
form, an email, the chat): its messages, the internal notes the customer never sees, and the
reply-due clock the inbox sorts by (domain/helpdesk).
"""
from sqlalchemy import CheckConstraint, Index, UniqueConstraint

from ..extensions import db
from .base import UTCDateTime, utcnow

CONVERSATION_STATUSES = ("open", "waiting", "resolved")
CONVERSATION_CHANNELS = ("web", "email", "chat")
MESSAGE_AUTHORS = ("customer", "staff", "bot", "note")


class BusinessHours(db.Model):
    """One opening interval on a weekday (0 = Monday), in minutes from midnight in the shop's
    time zone. A day may have several (a lunch break); a day without any is closed."""

    __tablename__ = "business_hours"
    id = db.Column(db.Integer, primary_key=True)
    weekday = db.Column(db.Integer, nullable=False)
    opens_minute = db.Column(db.Integer, nullable=False)
    closes_minute = db.Column(db.Integer, nullable=False)

    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_range"),
        CheckConstraint("opens_minute >= 0 AND closes_minute <= 1440 AND opens_minute < closes_minute",
                        name="interval_in_day"),
    )


class Holiday(db.Model):
    """A date the shop is closed all day, whatever its weekday says."""

    __tablename__ = "holiday"
    id = db.Column(db.Integer, primary_key=True)
    day = db.Column(db.Date, nullable=False, unique=True)
    label = db.Column(db.String(120), nullable=False, default="")


class Conversation(db.Model):
    """A customer's question and everything said about it."""

    __tablename__ = "conversation"
    id = db.Column(db.Integer, primary_key=True)
    # 'C-7KQ4D2M': what the customer and the merchant call it, in emails' subjects too.
    reference = db.Column(db.String(12), nullable=False, unique=True)
    # A secret that scopes the customer's signed link and the reply address to this one
    # conversation; replacing it ends every link sent before.
    secret = db.Column(db.String(32), nullable=False)
    user_id = db.Column(db.Integer, db.ForeignKey("user.id", ondelete="SET NULL"), nullable=True)
    email = db.Column(db.String(254), nullable=False)
    name = db.Column(db.String(120), nullable=False, default="")
    locale = db.Column(db.String(10), nullable=False, default="en")
    topic = db.Column(db.String(30), nullable=False, default="other")
    subject = db.Column(db.String(200), nullable=False, default="")
    channel = db.Column(db.String(10), nullable=False, default="web")
    status = db.Column(db.String(10), nullable=False, default="open")
    # What it is about, when it was asked from an order, a return or a product page.
    order_id = db.Column(db.Integer, db.ForeignKey("order.id", ondelete="SET NULL"), nullable=True)
    return_id = db.Column(db.Integer, db.ForeignKey("return_request.id", ondelete="SET NULL"),
                          nullable=True)
    product_id = db.Column(db.Integer, db.ForeignKey("product.id", ondelete="SET NULL"),
                           nullable=True)
    source_path = db.Column(db.String(300), nullable=False, default="")
    assigned_to_id = db.Column(db.Integer, db.ForeignKey("user.id", ondelete="SET NULL"),
                               nullable=True)
    # A customer writing again long after a conversation was resolved starts a new one that
    # points at the old.
    previous_id = db.Column(db.Integer, db.ForeignKey("conversation.id", ondelete="SET NULL"),
                            nullable=True)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    last_message_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    # When the oldest customer message nobody has answered yet came in, and when an answer is
    # due by (domain/helpdesk/hours.reply_due); both empty when nothing awaits a reply.
    awaiting_since = db.Column(UTCDateTime, nullable=True)
    reply_due_at = db.Column(UTCDateTime, nullable=True)
    first_response_at = db.Column(UTCDateTime, nullable=True)
    resolved_at = db.Column(UTCDateTime, nullable=True)
    # Unread markers: the back office has not seen the latest customer message; the customer
    # has not seen the latest reply.
    unread_by_staff = db.Column(db.Boolean, nullable=False, default=True)
    unread_by_customer = db.Column(db.Boolean, nullable=False, default=False)
    # Chat (channel "chat"): where the shopper was and what was in the cart when they asked
    # ({"page": {"kind", "path", "label"}, "cart": {...}, "checkout_error": {...}}), when the bot
    # handed the conversation to a person (a chat appears in the inbox from then on), when the
    # away message went out (once per conversation) and when the shopper's open panel last
    # asked for news (written at most once a minute, see domain/helpdesk/presence.py).
    context = db.Column(db.JSON, nullable=True)
    handed_over_at = db.Column(UTCDateTime, nullable=True)
    away_sent_at = db.Column(UTCDateTime, nullable=True)
    customer_seen_at = db.Column(UTCDateTime, nullable=True)

    messages = db.relationship("ConversationMessage", back_populates="conversation",
                               order_by="ConversationMessage.id", cascade="all, delete-orphan")
    user = db.relationship("User", foreign_keys=[user_id])
    assigned_to = db.relationship("User", foreign_keys=[assigned_to_id])
    order = db.relationship("Order")
    previous = db.relationship("Conversation", remote_side=[id])

    __table_args__ = (
        CheckConstraint("status IN ('open', 'waiting', 'resolved')", name="conversation_status"),
        CheckConstraint("channel IN ('web', 'email', 'chat')", name="conversation_channel"),
        Index("ix_conversation_status_due", "status", "reply_due_at"),
        Index("ix_conversation_user", "user_id"),
        Index("ix_conversation_email", "email"),
        Index("ix_conversation_assigned", "assigned_to_id"),
        Index("ix_conversation_last_message", "last_message_at"),
        Index("ix_conversation_order", "order_id"),
        # The inbox (domain/helpdesk/inbox.py): resolved ones newest first, the unread count
        # on every back-office page, the week's first-response figures.
        Index("ix_conversation_status_last", "status", "last_message_at"),
        Index("ix_conversation_unread", "unread_by_staff", "status"),
        Index("ix_conversation_created", "created_at"),
    )


class ConversationMessage(db.Model):
    """One message in a conversation: the customer's, a staff reply, the bot's, or an internal
    note (author 'note', never shown to the customer)."""

    __tablename__ = "conversation_message"
    id = db.Column(db.Integer, primary_key=True)
    conversation_id = db.Column(db.Integer, db.ForeignKey("conversation.id", ondelete="CASCADE"),
                                nullable=False)
    author = db.Column(db.String(10), nullable=False)
    staff_id = db.Column(db.Integer, db.ForeignKey("user.id", ondelete="SET NULL"), nullable=True)
    body = db.Column(db.Text, nullable=False)
    via = db.Column(db.String(10), nullable=False, default="web")
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    # Idempotency: the same form sent twice (a double click, a retried request) or the same
    # email read twice from the mailbox adds one message.
    client_token = db.Column(db.String(64), nullable=True)
    email_message_id = db.Column(db.String(250), nullable=True, unique=True)
    # What a bot message is ({"kind": "faq", "links": [{"label", "endpoint", "values"}], ...}),
    # so the panel can draw its links and quick replies and the bot can read its own history.
    meta = db.Column(db.JSON, nullable=True)
    # A staff reply shown in a shopper's open chat panel is emailed at this time if the shopper
    # has not read it by then (domain/helpdesk/chat_replies.py); empty once decided.
    email_due_at = db.Column(UTCDateTime, nullable=True)

    conversation = db.relationship("Conversation", back_populates="messages")
    staff = db.relationship("User")
    photos = db.relationship("ConversationPhoto", back_populates="message",
                             order_by="ConversationPhoto.id", cascade="all, delete-orphan")

    __table_args__ = (
        CheckConstraint("author IN ('customer', 'staff', 'bot', 'note')", name="message_author"),
        UniqueConstraint("conversation_id", "client_token", name="uq_message_client_token"),
        Index("ix_conversation_message_conversation", "conversation_id", "id"),
        Index("ix_conversation_message_email_due", "email_due_at"),
    )


class ConversationPhoto(db.Model):
    """A photo sent with a message: re-encoded without its metadata and kept outside the public
    uploads (the same pipeline as return photos, domain/images)."""

    __tablename__ = "conversation_photo"
    id = db.Column(db.Integer, primary_key=True)
    message_id = db.Column(db.Integer, db.ForeignKey("conversation_message.id", ondelete="CASCADE"),
                           nullable=False)
    key = db.Column(db.String(64), nullable=False)
    width = db.Column(db.Integer, nullable=False)
    height = db.Column(db.Integer, nullable=False)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    message = db.relationship("ConversationMessage", back_populates="photos")

    __table_args__ = (Index("ix_conversation_photo_message", "message_id"),)


class SavedReply(db.Model):
    """A reply the merchant keeps for common questions, with placeholders ({first_name},
    {order_number}, {tracking_link}); translations holds {"ko": {"title": .., "body": ..}}."""

    __tablename__ = "saved_reply"
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(120), nullable=False)
    body = db.Column(db.Text, nullable=False)
    translations = db.Column(db.JSON, nullable=False, default=dict, server_default="{}")
    position = db.Column(db.Integer, nullable=False, default=0)
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)
