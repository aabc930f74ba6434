"""Staying in touch: what goes with what (co-purchase pairs and the merchant's own picks),
first-party counters per product and day, newsletter campaigns and their recipients, and the
notes of donations made to the shop's cause."""
from sqlalchemy import CheckConstraint, Index, UniqueConstraint

from ..extensions import db
from .base import UTCDateTime, utcnow

COUNTER_KINDS = ("view", "cart")
CAMPAIGN_AUDIENCES = ("subscribers", "recent", "lapsed", "tier")
CAMPAIGN_STATUSES = ("draft", "sending", "sent", "cancelled")
RECIPIENT_STATUSES = ("pending", "queued", "skipped")


class ProductPair(db.Model):
    """`other` was bought together with `product` in `support` delivered, not-returned orders.
    Both directions are stored, so a product's pairs are one indexed read. Rewritten as a whole
    by the worker (domain/recommend/pairs.py), never on a page view."""

    __tablename__ = "product_pair"
    product_id = db.Column(db.Integer, db.ForeignKey("product.id", ondelete="CASCADE"),
                           primary_key=True)
    other_id = db.Column(db.Integer, db.ForeignKey("product.id", ondelete="CASCADE"),
                         primary_key=True)
    support = db.Column(db.Integer, nullable=False)
    computed_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    __table_args__ = (
        CheckConstraint("product_id <> other_id", name="two_products"),
        CheckConstraint("support > 0", name="support_positive"),
        Index("ix_product_pair_rank", "product_id", "support"),
    )


class ProductComplement(db.Model):
    """A product the merchant picked to go with another, in the order they put them."""

    __tablename__ = "product_complement"
    product_id = db.Column(db.Integer, db.ForeignKey("product.id", ondelete="CASCADE"),
                           primary_key=True)
    complement_id = db.Column(db.Integer, db.ForeignKey("product.id", ondelete="CASCADE"),
                              primary_key=True)
    position = db.Column(db.Integer, nullable=False, default=0)

    __table_args__ = (CheckConstraint("product_id <> complement_id", name="two_products"),)


class CounterBatch(db.Model):
    """Counts one web process gathered in memory, handed over in one row so that no request
    writes: {"<day>|<product_id>|<kind>": n, ...}. The worker folds each batch into DailyCounter
    once and deletes it (domain/counters.py)."""

    __tablename__ = "counter_batch"
    id = db.Column(db.Integer, primary_key=True)
    source = db.Column(db.String(80), nullable=False, default="")
    counts = db.Column(db.JSON, nullable=False, default=dict)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)


class DailyCounter(db.Model):
    """How often a product was viewed or added to a cart on one day (the shop's zone)."""

    __tablename__ = "daily_counter"
    day = db.Column(db.Date, primary_key=True)
    product_id = db.Column(db.Integer, db.ForeignKey("product.id", ondelete="CASCADE"),
                           primary_key=True)
    kind = db.Column(db.String(10), primary_key=True)
    count = db.Column(db.Integer, nullable=False, default=0)

    __table_args__ = (
        CheckConstraint("kind IN ('view', 'cart')", name="kind_known"),
        CheckConstraint("count >= 0", name="count_not_negative"),
        Index("ix_daily_counter_product", "product_id", "day"),
    )


class Campaign(db.Model):
    """A newsletter the merchant writes in Markdown, per language, for an audience; sent in the
    background at a bounded rate through the outbox (domain/newsletter/)."""

    __tablename__ = "campaign"
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(120), nullable=False)
    # {"en": "...", "ko": "..."}: a language left empty falls back to the shop's main language.
    subject = db.Column(db.JSON, nullable=False, default=dict)
    body_md = db.Column(db.JSON, nullable=False, default=dict)
    audience = db.Column(db.String(20), nullable=False, default="subscribers")
    # "recent": an order in the last N days; "lapsed": none in N days.
    audience_days = db.Column(db.Integer, nullable=False, default=90)
    tier_id = db.Column(db.Integer, db.ForeignKey("loyalty_tier.id", ondelete="SET NULL"),
                        nullable=True)
    # An exclusive code for the audience (Coupon.source "campaign").
    coupon_id = db.Column(db.Integer, db.ForeignKey("coupon.id", ondelete="SET NULL"),
                          nullable=True)
    status = db.Column(db.String(20), nullable=False, default="draft")
    created_by = db.Column(db.String(260), nullable=False, default="")
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)
    started_at = db.Column(UTCDateTime, nullable=True)
    finished_at = db.Column(UTCDateTime, nullable=True)
    # Counted as the worker goes, so the campaign page reads them without counting rows.
    recipients_total = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    queued_count = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    skipped_count = db.Column(db.Integer, nullable=False, default=0, server_default="0")

    __table_args__ = (
        CheckConstraint("audience IN ('subscribers', 'recent', 'lapsed', 'tier')",
                        name="audience_known"),
        CheckConstraint("status IN ('draft', 'sending', 'sent', 'cancelled')",
                        name="status_known"),
        CheckConstraint("audience_days >= 1", name="days_positive"),
        Index("ix_campaign_status", "status", "id"),
    )


class CampaignRecipient(db.Model):
    """One address a campaign goes to, listed when sending starts; queued into the outbox once
    (a conditional UPDATE from pending), or skipped when consent was withdrawn meanwhile."""

    __tablename__ = "campaign_recipient"
    id = db.Column(db.Integer, primary_key=True)
    campaign_id = db.Column(db.Integer, db.ForeignKey("campaign.id", ondelete="CASCADE"),
                            nullable=False)
    email = db.Column(db.String(254), nullable=False)
    user_id = db.Column(db.Integer, db.ForeignKey("user.id", ondelete="SET NULL"), nullable=True)
    locale = db.Column(db.String(10), nullable=False, default="en")
    status = db.Column(db.String(10), nullable=False, default="pending")
    outbox_id = db.Column(db.Integer, db.ForeignKey("outbox_message.id", ondelete="SET NULL"),
                          nullable=True)
    queued_at = db.Column(UTCDateTime, nullable=True)
    # When this recipient unsubscribed through this campaign's email.
    unsubscribed_at = db.Column(UTCDateTime, nullable=True)

    __table_args__ = (
        UniqueConstraint("campaign_id", "email", name="uq_campaign_recipient"),
        CheckConstraint("status IN ('pending', 'queued', 'skipped')", name="status_known"),
        Index("ix_campaign_recipient_status", "campaign_id", "status", "id"),
        Index("ix_campaign_recipient_email", "email"),
    )


class CauseDonation(db.Model):
    """A donation the merchant made to the cause, with their note and proof (a receipt's link)."""

    __tablename__ = "cause_donation"
    id = db.Column(db.Integer, primary_key=True)
    donated_on = db.Column(db.Date, nullable=False)
    amount = db.Column(db.Integer, nullable=False)
    currency = db.Column(db.String(3), nullable=False)
    note = db.Column(db.Text, nullable=False, default="")
    proof_url = db.Column(db.String(500), nullable=False, default="")
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),
                      Index("ix_cause_donation_day", "donated_on"))
