"""Privacy: the consents a person gave (and withdrew), and the back office's log of erasures.

Neither table holds more about a person than it must: a consent names the account or the
address it is about, and an erasure is logged under an opaque reference only.
"""
from sqlalchemy import CheckConstraint, Index

from ..extensions import db
from .base import UTCDateTime, utcnow


class Consent(db.Model):
    """One consent to one purpose ("marketing_email"), from when it was given until it is
    withdrawn. Giving it again later is a new row, so the history of what was agreed to, in
    which words and where, stays readable."""

    __tablename__ = "consent"
    id = db.Column(db.Integer, primary_key=True)
    # Who: an account, or an email address (a guest at checkout, a newsletter form).
    user_id = db.Column(db.Integer, db.ForeignKey("user.id", ondelete="CASCADE"), nullable=True)
    email = db.Column(db.String(254), nullable=True)
    purpose = db.Column(db.String(40), nullable=False)
    # The words shown beside the box, in the language they were shown in, and their version.
    wording = db.Column(db.Text, nullable=False)
    wording_version = db.Column(db.String(20), nullable=False)
    language = db.Column(db.String(10), nullable=False)
    # Where it was given: "checkout", "account", "newsletter_form".
    source = db.Column(db.String(30), nullable=False)
    granted_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    withdrawn_at = db.Column(UTCDateTime, nullable=True)
    # Where it was withdrawn: "account", "unsubscribe_link", "one_click".
    withdrawn_source = db.Column(db.String(30), nullable=False, default="", server_default="")
    # Double opt-in: given consent counts only once the address confirmed it from the email
    # sent to it (domain/newsletter/subscribe.py). Null: waiting for that confirmation.
    confirmed_at = db.Column(UTCDateTime, nullable=True)
    # When the holder was last reminded that they agreed (Korean law asks every 2 years).
    reminded_at = db.Column(UTCDateTime, nullable=True)

    __table_args__ = (
        CheckConstraint("user_id IS NOT NULL OR email IS NOT NULL", name="names_someone"),
        Index("ix_consent_user", "user_id", "purpose"),
        Index("ix_consent_email", "email", "purpose"),
        Index("ix_consent_confirmed", "purpose", "confirmed_at"),
    )


class ErasureLog(db.Model):
    """One erasure: a customer's data erased (on their request), or records kept for the law
    purged when their time was up. The reference is random and opaque: once the data is gone,
    nothing here leads back to the person."""

    __tablename__ = "erasure_log"
    id = db.Column(db.Integer, primary_key=True)
    reference = db.Column(db.String(20), nullable=False)
    # "erased" (a request) or "purged" (the end of a retention period).
    action = db.Column(db.String(10), nullable=False)
    # "customer" (signed in), "email_link" (a guest, through the emailed link) or "retention".
    requested_by = db.Column(db.String(20), nullable=False)
    # What was done, by kind of record: {"orders": 2, "addresses": 1, ...}.
    records = db.Column(db.JSON, nullable=False, default=dict)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    __table_args__ = (
        CheckConstraint("action IN ('erased', 'purged')", name="action_known"),
        Index("ix_erasure_log_created", "created_at"),
        Index("ix_erasure_log_reference", "reference"),
    )
