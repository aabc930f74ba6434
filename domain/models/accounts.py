"""Accounts and what they keep: carts now, addresses and preferences with checkout."""
from flask_login import UserMixin
from sqlalchemy import CheckConstraint, UniqueConstraint, cast, func, select
from sqlalchemy.orm import column_property
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from .base import UTCDateTime, utcnow


class User(UserMixin, db.Model):
    """A customer or someone of the shop (is_merchant). Only the shop's people reach /admin;
    staff_role says what they may do there ("owner" or "staff", see domain/staff.py)."""

    __tablename__ = "user"
    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(254), nullable=False, unique=True)
    password_hash = db.Column(db.String(256), nullable=False)
    name = db.Column(db.String(120), nullable=False, default="")
    is_merchant = db.Column(db.Boolean, nullable=False, default=False)
    # "owner" (everything) or "staff" (orders, returns, the inbox, customers); None for customers.
    staff_role = db.Column(db.String(10), nullable=True)
    locale = db.Column(db.String(10), nullable=True)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    # One-click checkout uses these with the default address.
    preferred_shipping_method_id = db.Column(
        db.Integer, db.ForeignKey("shipping_method.id", ondelete="SET NULL"), nullable=True)
    preferred_payment_method = db.Column(db.String(30), nullable=True)
    # Store credit in the shop's minor units; domain.credit moves it, with a ledger entry each time.
    credit_balance = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    # Every session carries the version it was signed in at (see get_id); moving it on (sign-out,
    # a new password or email) ends them all, even a copied session cookie.
    session_version = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    # Set when the customer deleted the account: the row stays, emptied of everything about
    # them, so its id is never handed to a new account (and to an old session cookie naming it).
    erased_at = db.Column(UTCDateTime, nullable=True)
    # A staff member's last look at the inbox (written at most once a minute): a chat is
    # answered live only while someone has looked recently (domain/helpdesk/presence.py).
    inbox_seen_at = db.Column(UTCDateTime, nullable=True)
    # Points (domain/loyalty/points.py moves them with a ledger entry each time): available to
    # spend, and earned but pending until their order's return window closes.
    points_balance = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    points_pending = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    # The tier reached (recomputed nightly and when orders vest or return), and when.
    tier_id = db.Column(db.Integer, db.ForeignKey("loyalty_tier.id", ondelete="SET NULL"),
                        nullable=True)
    tier_at = db.Column(UTCDateTime, nullable=True)
    # An optional birthday for the birthday code: month and day, never the year.
    birth_month = db.Column(db.Integer, nullable=True)
    birth_day = db.Column(db.Integer, nullable=True)
    # The customer's referral link is /r/<referral_code> (made on first use).
    referral_code = db.Column(db.String(16), nullable=True, unique=True)

    addresses = db.relationship("Address", back_populates="user", order_by="Address.id",
                                cascade="all, delete-orphan")
    tier = db.relationship("LoyaltyTier", foreign_keys=[tier_id])

    # The back office's customer search reads lower(email) and lower(name) off indexes made
    # by migration 0025 (on PostgreSQL with text_pattern_ops, for LIKE 'prefix%').
    __table_args__ = (CheckConstraint("credit_balance >= 0", name="credit_not_negative"),
                      CheckConstraint("points_balance >= 0 AND points_pending >= 0",
                                      name="points_not_negative"),
                      CheckConstraint("birth_month IS NULL OR birth_month BETWEEN 1 AND 12",
                                      name="birth_month_known"),
                      CheckConstraint("birth_day IS NULL OR birth_day BETWEEN 1 AND 31",
                                      name="birth_day_known"))

    @property
    def is_owner(self):
        return bool(self.is_merchant) and self.staff_role == "owner"

    def get_id(self):
        """What a session stores to name its account: the id and the session version."""
        return f"{self.id}:{self.session_version or 0}"

    def set_password(self, password):
        self.password_hash = generate_password_hash(password)

    def check_password(self, password):
        return check_password_hash(self.password_hash, password)


class CartItem(db.Model):
    """A signed-in customer's cart line. Guests keep theirs in the session until they sign in."""

    __tablename__ = "cart_item"
    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("user.id", ondelete="CASCADE"), nullable=False)
    variant_id = db.Column(db.Integer, db.ForeignKey("variant.id", ondelete="CASCADE"), nullable=False)
    quantity = db.Column(db.Integer, nullable=False)
    added_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    __table_args__ = (
        UniqueConstraint("user_id", "variant_id", name="uq_cart_item_user_variant"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
    )


# How many items the customer's cart holds, in the same query as the user where it is asked for
# (accounts.session_user: every page a customer sees counts their cart in its header).
User.cart_quantity = column_property(
    select(func.coalesce(func.sum(CartItem.quantity), 0)).where(CartItem.user_id == User.id)
    .correlate_except(CartItem).scalar_subquery(), deferred=True)
# And its lines, as "variant id:quantity" joined by commas, where a page is kept per cart (the
# cart page's key, blueprints/cart/context.py).
User.cart_lines = column_property(
    select(func.aggregate_strings(
        cast(CartItem.variant_id, db.String) + ":" + cast(CartItem.quantity, db.String), ","))
    .where(CartItem.user_id == User.id).correlate_except(CartItem).scalar_subquery(),
    deferred=True)


class Address(db.Model):
    """A saved shipping address; at most one per customer is the default."""

    __tablename__ = "address"
    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("user.id", ondelete="CASCADE"), nullable=False)
    label = db.Column(db.String(60), nullable=False, default="")
    name = db.Column(db.String(120), nullable=False)
    phone = db.Column(db.String(50), nullable=False, default="")
    line1 = db.Column(db.String(200), nullable=False)
    line2 = db.Column(db.String(200), nullable=False, default="")
    city = db.Column(db.String(120), nullable=False)
    postcode = db.Column(db.String(20), nullable=False, default="")
    region = db.Column(db.String(60), nullable=False)
    country = db.Column(db.String(60), nullable=False, default="")
    is_default = db.Column(db.Boolean, nullable=False, default=False)

    user = db.relationship("User", back_populates="addresses")


class StaffInvitation(db.Model):
    """An invitation to the back office, sent by email; its signed link names this row, which
    is used once (accepted_at) or withdrawn (revoked_at)."""

    __tablename__ = "staff_invitation"
    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(254), nullable=False)
    role = db.Column(db.String(10), nullable=False)
    locale = db.Column(db.String(10), nullable=False, default="en")
    invited_by = db.Column(db.Integer, db.ForeignKey("user.id", ondelete="SET NULL"), nullable=True)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    accepted_at = db.Column(UTCDateTime, nullable=True)
    revoked_at = db.Column(UTCDateTime, nullable=True)

    inviter = db.relationship("User", foreign_keys=[invited_by])

    __table_args__ = (CheckConstraint("role IN ('owner', 'staff')", name="role_known"),
                      db.Index("ix_staff_invitation_email", "email"))
