"""Listening to customers: verified-buyer reviews with their photos and helpful votes, the
review request emailed after delivery, satisfaction answers at each touchpoint, the merchant's
change notes ("you said, we did"), testimonials, and addresses that asked for no more requests.

The rules live in domain/reviews/; a product's published ratings are counted on the product row
itself (Product.review_count, rating_sum, rating_counts) by domain/reviews/ratings.py.
"""
from sqlalchemy import CheckConstraint, Index, UniqueConstraint

from ..extensions import db
from .base import UTCDateTime, utcnow

REVIEW_STATUSES = ("pending", "published", "hidden")
REVIEW_INCENTIVES = ("", "credit", "code")
SATISFACTION_TOUCHPOINTS = ("delivery", "return", "conversation")
TESTIMONIAL_KINDS = ("testimonial", "press")


class Review(db.Model):
    """One customer's review of one product: one per product per reviewer (a later purchase
    updates it). `reviewer` is "user:<id>" for an account and "email:<address>" for a guest,
    so the rule holds for both. It stays verified by the delivered order line it was written
    for (the latest one when updated)."""

    __tablename__ = "review"
    id = db.Column(db.Integer, primary_key=True)
    product_id = db.Column(db.Integer, db.ForeignKey("product.id", ondelete="CASCADE"),
                           nullable=False)
    reviewer = db.Column(db.String(270), nullable=False)
    user_id = db.Column(db.Integer, db.ForeignKey("user.id", ondelete="SET NULL"), nullable=True)
    email = db.Column(db.String(254), nullable=False)
    order_id = db.Column(db.Integer, db.ForeignKey("order.id", ondelete="SET NULL"),
                         nullable=True)
    order_line_id = db.Column(db.Integer, db.ForeignKey("order_line.id", ondelete="SET NULL"),
                              nullable=True)
    # The variant bought, as the order line named it ("Blue / L"), and the name shown with the
    # review ("Mina K."), both kept as they were when written.
    variant_title = db.Column(db.String(130), nullable=False, default="", server_default="")
    author_name = db.Column(db.String(80), nullable=False, default="", server_default="")
    locale = db.Column(db.String(10), nullable=False, default="en", server_default="en")
    rating = db.Column(db.Integer, nullable=False)
    title = db.Column(db.String(120), nullable=False, default="", server_default="")
    body = db.Column(db.Text, nullable=False, default="", server_default="")
    recommend = db.Column(db.Boolean, nullable=True)
    status = db.Column(db.String(10), nullable=False, default="pending", server_default="pending")
    # Why the merchant hid it, shown to the reviewer (not to other shoppers).
    hidden_reason = db.Column(db.String(300), nullable=False, default="", server_default="")
    reply = db.Column(db.Text, nullable=False, default="", server_default="")
    replied_at = db.Column(UTCDateTime, nullable=True)
    # The thank-you given for this review ("" none, "credit", "code"): said at its start.
    incentive = db.Column(db.String(10), nullable=False, default="", server_default="")
    helpful_count = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)
    published_at = db.Column(UTCDateTime, nullable=True)

    photos = db.relationship("ReviewPhoto", back_populates="review",
                             order_by="ReviewPhoto.position, ReviewPhoto.id",
                             cascade="all, delete-orphan", lazy="select")
    product = db.relationship("Product", lazy="select")

    __table_args__ = (
        UniqueConstraint("product_id", "reviewer", name="uq_review_product_reviewer"),
        CheckConstraint("rating >= 1 AND rating <= 5", name="review_rating_range"),
        CheckConstraint("status IN ('pending', 'published', 'hidden')", name="review_status"),
        # A product's published reviews, newest first; the moderation queue by status.
        Index("ix_review_product_status", "product_id", "status", "published_at"),
        Index("ix_review_status_created", "status", "created_at"),
        Index("ix_review_user", "user_id"),
        Index("ix_review_email", "email"),
        Index("ix_review_order", "order_id"),
    )


class ReviewPhoto(db.Model):
    """A photo with a review: re-encoded without its metadata (domain/images.py), kept under a
    random key; its file name is never kept. Shown only while its review is published."""

    __tablename__ = "review_photo"
    id = db.Column(db.Integer, primary_key=True)
    review_id = db.Column(db.Integer, db.ForeignKey("review.id", ondelete="CASCADE"),
                          nullable=False)
    key = db.Column(db.String(64), nullable=False, unique=True)
    width = db.Column(db.Integer, nullable=False)
    height = db.Column(db.Integer, nullable=False)
    position = db.Column(db.Integer, nullable=False, default=0)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    review = db.relationship("Review", back_populates="photos")

    __table_args__ = (Index("ix_review_photo_review", "review_id", "position"),)


class ReviewVote(db.Model):
    """One "Helpful" vote: `voter` is a keyed hash of the visitor's first-party token, so one
    visitor votes once per review without signing in, and no address or token is kept."""

    __tablename__ = "review_vote"
    id = db.Column(db.Integer, primary_key=True)
    review_id = db.Column(db.Integer, db.ForeignKey("review.id", ondelete="CASCADE"),
                          nullable=False)
    voter = db.Column(db.String(64), nullable=False)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    __table_args__ = (UniqueConstraint("review_id", "voter", name="uq_review_vote"),)


class ReviewRequest(db.Model):
    """The one review request of a delivered order, and its one reminder. The worker creates it
    when the order is due (review_request_days after delivery), holds it while a return or an
    open conversation about the order exists, and drops it after 60 days of holding."""

    __tablename__ = "review_request"
    id = db.Column(db.Integer, primary_key=True)
    order_id = db.Column(db.Integer, db.ForeignKey("order.id", ondelete="CASCADE"),
                         nullable=False, unique=True)
    # "held" (waiting for a return or conversation to close), "sent", "reminded", "done"
    # (every line reviewed, or nothing left to review), "dropped" (held too long, or the
    # address asked for no requests).
    state = db.Column(db.String(10), nullable=False, default="held", server_default="held")
    held_since = db.Column(UTCDateTime, nullable=True)
    sent_at = db.Column(UTCDateTime, nullable=True)
    reminded_at = db.Column(UTCDateTime, nullable=True)
    # When a review first came back through it (the response rate).
    answered_at = db.Column(UTCDateTime, nullable=True)
    note = db.Column(db.String(200), nullable=False, default="", server_default="")
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    __table_args__ = (Index("ix_review_request_state", "state", "sent_at"),)


class Satisfaction(db.Model):
    """One answer to "How did we do?" at a touchpoint: after delivery (about an order), after a
    return closed (about a return) or after a help conversation was resolved. One answer per
    touchpoint per subject ("order:12", "return:5", "conversation:9"); a later tap changes it."""

    __tablename__ = "satisfaction"
    id = db.Column(db.Integer, primary_key=True)
    touchpoint = db.Column(db.String(20), nullable=False)
    subject = db.Column(db.String(40), nullable=False)
    order_id = db.Column(db.Integer, db.ForeignKey("order.id", ondelete="SET NULL"),
                         nullable=True)
    return_id = db.Column(db.Integer, db.ForeignKey("return_request.id", ondelete="SET NULL"),
                          nullable=True)
    conversation_id = db.Column(db.Integer,
                                db.ForeignKey("conversation.id", ondelete="SET NULL"),
                                nullable=True)
    user_id = db.Column(db.Integer, db.ForeignKey("user.id", ondelete="SET NULL"), nullable=True)
    email = db.Column(db.String(254), nullable=False, default="", server_default="")
    # 1 (very unhappy) to 5 (very happy): the five faces.
    score = db.Column(db.Integer, nullable=False)
    comment = db.Column(db.Text, nullable=False, default="", server_default="")
    locale = db.Column(db.String(10), nullable=False, default="en", server_default="en")
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    __table_args__ = (
        UniqueConstraint("touchpoint", "subject", name="uq_satisfaction_subject"),
        CheckConstraint("score >= 1 AND score <= 5", name="satisfaction_score_range"),
        Index("ix_satisfaction_created", "touchpoint", "created_at"),
        Index("ix_satisfaction_order", "order_id"),
    )


class ChangeNote(db.Model):
    """"You said, we did": what the merchant changed in a product after customers' reviews or
    returns, shown on the product page and at /changes. The customers behind the linked reviews
    and returns are told once (notified_at), only those who agreed to marketing email."""

    __tablename__ = "change_note"
    id = db.Column(db.Integer, primary_key=True)
    product_id = db.Column(db.Integer, db.ForeignKey("product.id", ondelete="CASCADE"),
                           nullable=False)
    # In the shop's main language; other languages in translations {"ko": {"text": ...}}.
    text = db.Column(db.String(300), nullable=False)
    translations = db.Column(db.JSON, nullable=False, default=dict, server_default="{}")
    review_ids = db.Column(db.JSON, nullable=False, default=list, server_default="[]")
    return_ids = db.Column(db.JSON, nullable=False, default=list, server_default="[]")
    changed_on = db.Column(db.Date, nullable=False)
    notified_at = db.Column(UTCDateTime, nullable=True)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    product = db.relationship("Product", lazy="select")

    __table_args__ = (Index("ix_change_note_product", "product_id", "changed_on"),)


class Testimonial(db.Model):
    """Words about the shop the merchant enters (a testimonial, or a press mention), shown on the
    home page apart from verified reviews and labelled as what they are."""

    __tablename__ = "testimonial"
    id = db.Column(db.Integer, primary_key=True)
    kind = db.Column(db.String(12), nullable=False, default="testimonial")
    quote = db.Column(db.String(500), nullable=False)
    name = db.Column(db.String(120), nullable=False, default="", server_default="")
    source = db.Column(db.String(120), nullable=False, default="", server_default="")
    url = db.Column(db.String(500), nullable=False, default="", server_default="")
    said_on = db.Column(db.Date, nullable=True)
    position = db.Column(db.Integer, nullable=False, default=0)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    __table_args__ = (
        CheckConstraint("kind IN ('testimonial', 'press')", name="testimonial_kind"),
    )


class EmailOptOut(db.Model):
    """An address that asked for no more emails of a kind that is not marketing but can be
    declined ("review_request"), through the one-click link those emails carry."""

    __tablename__ = "email_opt_out"
    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(254), nullable=False)
    kind = db.Column(db.String(30), nullable=False)
    source = db.Column(db.String(30), nullable=False, default="", server_default="")
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    __table_args__ = (UniqueConstraint("email", "kind", name="uq_email_opt_out"),)
