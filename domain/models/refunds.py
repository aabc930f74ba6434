"""Where a refund sent by hand goes: the bank account a customer gives for the refund of a
return or of a cancelled order paid by bank transfer or cash on delivery.

The account number and the holder's name are stored only as ciphertext (domain.refund_accounts
encrypts them); the row is deleted once the refund is recorded as done. The bank's name and the
number's last four digits stay readable, so the merchant can still tell the customer which
account could not be read if the shop's key changed, and the history can name where the money
went without holding the number.
"""
from sqlalchemy import CheckConstraint

from ..extensions import db
from .base import UTCDateTime, utcnow


class RefundAccount(db.Model):
    __tablename__ = "refund_account"
    id = db.Column(db.Integer, primary_key=True)
    # Exactly one of the two: a return's refund, or the refund of a cancelled order.
    return_id = db.Column(db.Integer, db.ForeignKey("return_request.id", ondelete="CASCADE"),
                          nullable=True, unique=True)
    order_id = db.Column(db.Integer, db.ForeignKey("order.id", ondelete="CASCADE"),
                         nullable=True, unique=True)
    bank_name = db.Column(db.String(40), nullable=False)
    last_digits = db.Column(db.String(4), nullable=False)
    # Fernet token (AES-128-CBC with HMAC-SHA256) of the number and the holder's name.
    ciphertext = db.Column(db.Text, nullable=False)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    __table_args__ = (
        CheckConstraint("(return_id IS NULL) <> (order_id IS NULL)", name="one_owner"),
    )
