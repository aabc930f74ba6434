"""Reasons to come back: coupons and their uses, points and their ledger, tiers, referrals, and
the loyalty settings (domain/loyalty/)."""
from sqlalchemy import CheckConstraint, Index, UniqueConstraint, false, true

from ..extensions import db
from .base import UTCDateTime, utcnow

COUPON_KINDS = ("percent", "amount", "free_shipping")
# Where a coupon came from: typed in by the merchant, one of a batch of single-use codes, or
# issued by the shop itself (a thank-you after an order, a birthday, a review, a referral).
COUPON_SOURCES = ("manual", "batch", "thank_you", "birthday", "review", "referral", "campaign")
POINTS_KINDS = ("earned", "vested", "spent", "reversed", "expired", "refunded", "adjusted",
                "bonus")
REFERRAL_STATUSES = ("pending", "rewarded", "refused", "void")


class Coupon(db.Model):
    """A code a shopper types (or the shop applies) for a discount, with its conditions.

    code is stored as the shop writes it; code_key (upper case, no spaces) is what is unique and
    what a typed code is matched on, so codes are case-insensitive. used_count counts the
    uses held by orders now (a cancelled or expired order gives its use back); it only moves by
    a conditional UPDATE in the order's transaction (domain/loyalty/coupons.py).
    """

    __tablename__ = "coupon"
    id = db.Column(db.Integer, primary_key=True)
    code = db.Column(db.String(40), nullable=False)
    code_key = db.Column(db.String(40), nullable=False, unique=True)
    # What the merchant calls it in the back office ("Spring sale"); never shown to shoppers.
    name = db.Column(db.String(120), nullable=False, default="", server_default="")
    kind = db.Column(db.String(20), nullable=False)
    # percent: basis points (1000 = 10 %); amount: minor units; free_shipping: 0.
    value = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    # A percent coupon's largest discount, in minor units (None: no cap).
    max_discount = db.Column(db.Integer, nullable=True)
    min_subtotal = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    # UTC instants; the back office enters them in the shop's time zone. ends_at is the first
    # instant the code no longer works (the end of the last valid day).
    starts_at = db.Column(UTCDateTime, nullable=True)
    ends_at = db.Column(UTCDateTime, nullable=True)
    usage_limit = db.Column(db.Integer, nullable=True)
    used_count = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    # Uses per customer (an account, or a guest's email compared case-insensitively).
    per_customer_limit = db.Column(db.Integer, nullable=True)
    first_order_only = db.Column(db.Boolean, nullable=False, default=False, server_default=false())
    # Restrictions: the discount applies only to these products / categories' lines (empty: all).
    product_ids = db.Column(db.JSON, nullable=False, default=list, server_default="[]")
    category_ids = db.Column(db.JSON, nullable=False, default=list, server_default="[]")
    # Only for this customer (an account or an email), or this tier.
    customer_user_id = db.Column(db.Integer, db.ForeignKey("user.id", ondelete="CASCADE"),
                                 nullable=True)
    customer_email = db.Column(db.String(254), nullable=False, default="", server_default="")
    tier_id = db.Column(db.Integer, db.ForeignKey("loyalty_tier.id", ondelete="SET NULL"),
                        nullable=True)
    # Stacking: may this coupon be used with other coupons, with points? Both off: exclusive.
    combine_coupons = db.Column(db.Boolean, nullable=False, default=False, server_default=false())
    combine_points = db.Column(db.Boolean, nullable=False, default=True, server_default=true())
    paused = db.Column(db.Boolean, nullable=False, default=False, server_default=false())
    source = db.Column(db.String(20), nullable=False, default="manual", server_default="manual")
    # Batches of single-use codes share a batch name (the CSV download lists them).
    batch = db.Column(db.String(40), nullable=False, default="", server_default="")
    # Codes the shop issues are issued once per key ("birthday:12:2026", "thank-you:K7Q-4D2M"):
    # a job run twice or two workers at once make one code.
    issue_key = db.Column(db.String(120), nullable=True, unique=True)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    customer = db.relationship("User", foreign_keys=[customer_user_id])
    tier = db.relationship("LoyaltyTier")

    __table_args__ = (
        CheckConstraint("kind IN ('percent', 'amount', 'free_shipping')", name="kind_known"),
        CheckConstraint("value >= 0", name="value_not_negative"),
        CheckConstraint("kind != 'percent' OR value <= 10000", name="percent_at_most_100"),
        CheckConstraint("used_count >= 0", name="used_not_negative"),
        CheckConstraint("usage_limit IS NULL OR used_count <= usage_limit", name="within_limit"),
        Index("ix_coupon_source", "source", "created_at"),
        Index("ix_coupon_batch", "batch"),
    )


class CouponUse(db.Model):
    """A coupon held by an order, with the discount it gave. released_at is set when the order
    gave the use back (cancelled, payment expired): a released use counts for nothing."""

    __tablename__ = "coupon_use"
    id = db.Column(db.Integer, primary_key=True)
    coupon_id = db.Column(db.Integer, db.ForeignKey("coupon.id", ondelete="CASCADE"),
                          nullable=False)
    order_id = db.Column(db.Integer, db.ForeignKey("order.id", ondelete="CASCADE"), nullable=False)
    code = db.Column(db.String(40), nullable=False)
    user_id = db.Column(db.Integer, db.ForeignKey("user.id", ondelete="SET NULL"), nullable=True)
    # The buyer's email, lower case, for per-customer limits of guests.
    email = db.Column(db.String(254), nullable=False, default="", server_default="")
    # The discount this coupon gave the order's goods (minor units), and whether it made the
    # shipping free.
    amount = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    free_shipping = db.Column(db.Boolean, nullable=False, default=False, server_default=false())
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    released_at = db.Column(UTCDateTime, nullable=True)

    coupon = db.relationship("Coupon")
    order = db.relationship("Order")

    __table_args__ = (
        UniqueConstraint("coupon_id", "order_id", name="uq_coupon_use_order"),
        Index("ix_coupon_use_coupon", "coupon_id", "released_at"),
        Index("ix_coupon_use_user", "user_id"),
        Index("ix_coupon_use_email", "email"),
        Index("ix_coupon_use_order", "order_id"),
    )


class LoyaltyTier(db.Model):
    """A tier reached by orders or spend in the last 12 months, with its perks."""

    __tablename__ = "loyalty_tier"
    id = db.Column(db.Integer, primary_key=True)
    name_en = db.Column(db.String(60), nullable=False)
    name_ko = db.Column(db.String(60), nullable=False, default="", server_default="")
    # Reached with at least min_orders delivered orders OR min_spend (minor units) paid in the
    # last 12 months (0 turns a condition off; a tier with both 0 is the starting tier).
    min_orders = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    min_spend = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    # Perks: extra points (basis points on top of the base rate: 5000 = 50 % more), free
    # shipping, points on the birthday, early access to products the merchant marks.
    extra_points_bp = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    free_shipping = db.Column(db.Boolean, nullable=False, default=False, server_default=false())
    birthday_points = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    early_access = db.Column(db.Boolean, nullable=False, default=False, server_default=false())
    position = db.Column(db.Integer, nullable=False, default=0, server_default="0")

    __table_args__ = (CheckConstraint("min_orders >= 0 AND min_spend >= 0", name="thresholds"),)


class PointsEntry(db.Model):
    """One movement of a customer's points: the ledger /account/rewards shows.

    earned: pending points of an order line, vesting at vests_at (its return window's close);
    vested: those points made available (the earned row's vested_at is set too);
    spent / refunded (a spend given back when its order is cancelled); reversed: points of a
    returned line taken back (pending ones simply never vest; available ones are taken from the
    balance, and what the balance could not cover is recorded in `unrecovered`); expired;
    bonus (birthday, referral); adjusted (by the merchant).

    User.points_balance (available) and User.points_pending change with these rows, only in
    domain/loyalty/points.py.
    """

    __tablename__ = "points_entry"
    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("user.id", ondelete="CASCADE"), nullable=False)
    kind = db.Column(db.String(12), nullable=False)
    # Signed change of the available balance (pending "earned" rows: 0).
    points = db.Column(db.Integer, nullable=False)
    # Signed change of the pending points.
    pending = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    order_id = db.Column(db.Integer, db.ForeignKey("order.id", ondelete="SET NULL"), nullable=True)
    order_line_id = db.Column(db.Integer, db.ForeignKey("order_line.id", ondelete="SET NULL"),
                              nullable=True)
    return_id = db.Column(db.Integer, db.ForeignKey("return_request.id", ondelete="SET NULL"),
                          nullable=True)
    note = db.Column(db.String(300), nullable=False, default="", server_default="")
    # Points the balance could not give back on a reversal (it never goes negative).
    unrecovered = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    # An "earned" row: when it vests, and when it did (or when it was cancelled instead).
    vests_at = db.Column(UTCDateTime, nullable=True)
    vested_at = db.Column(UTCDateTime, nullable=True)
    cancelled_at = db.Column(UTCDateTime, nullable=True)
    # Vested points expire (settings.points_expiry_months); "expired" rows take them away and
    # the warning email is sent once (expiry_warned_at).
    expires_at = db.Column(UTCDateTime, nullable=True)
    expiry_warned_at = db.Column(UTCDateTime, nullable=True)
    # Jobs and hooks write once per key ("earn:<line id>", "vest:<entry id>", ...).
    key = db.Column(db.String(120), nullable=True, unique=True)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    __table_args__ = (
        CheckConstraint("kind IN ('earned', 'vested', 'spent', 'reversed', 'expired', "
                        "'refunded', 'adjusted', 'bonus')", name="kind_known"),
        Index("ix_points_entry_user", "user_id", "created_at"),
        Index("ix_points_entry_vests", "vests_at"),
        Index("ix_points_entry_expires", "expires_at"),
        Index("ix_points_entry_order", "order_id"),
    )


class Referral(db.Model):
    """A new customer's first order that came through someone's referral link.

    pending until that order's return window closes, then rewarded (the referrer gets points or
    credit), refused (a self-referral, the monthly cap, the order returned or cancelled: reason
    says which), or void (the merchant voided it).
    """

    __tablename__ = "referral"
    id = db.Column(db.Integer, primary_key=True)
    referrer_id = db.Column(db.Integer, db.ForeignKey("user.id", ondelete="CASCADE"),
                            nullable=False)
    order_id = db.Column(db.Integer, db.ForeignKey("order.id", ondelete="SET NULL"), nullable=True,
                         unique=True)
    referred_user_id = db.Column(db.Integer, db.ForeignKey("user.id", ondelete="SET NULL"),
                                 nullable=True)
    # Normalised (lower case, no dots or +tag in the local part) for self-referral checks.
    referred_email = db.Column(db.String(254), nullable=False, default="", server_default="")
    status = db.Column(db.String(10), nullable=False, default="pending", server_default="pending")
    reason = db.Column(db.String(60), nullable=False, default="", server_default="")
    # "points" or "credit", and how much, fixed when the order is placed.
    reward_kind = db.Column(db.String(10), nullable=False, default="points",
                            server_default="points")
    reward_amount = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    vests_at = db.Column(UTCDateTime, nullable=True)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    decided_at = db.Column(UTCDateTime, nullable=True)
    voided_by = db.Column(db.String(260), nullable=False, default="", server_default="")

    referrer = db.relationship("User", foreign_keys=[referrer_id])
    referred_user = db.relationship("User", foreign_keys=[referred_user_id])
    order = db.relationship("Order")

    __table_args__ = (
        CheckConstraint("status IN ('pending', 'rewarded', 'refused', 'void')",
                        name="status_known"),
        Index("ix_referral_referrer", "referrer_id", "created_at"),
        Index("ix_referral_due", "status", "vests_at"),
    )


class LoyaltySettings(db.Model):
    """The shop's one row of loyalty settings (id 1; domain/loyalty/settings.py reads it)."""

    __tablename__ = "loyalty_settings"
    id = db.Column(db.Integer, primary_key=True)
    # Points: earn_points for every earn_per minor units paid (1 per ₩100; 1 per $1.00 = 100
    # cents); each point is worth point_value minor units when spent. earn_points 0: no points.
    earn_points = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    earn_per = db.Column(db.Integer, nullable=False, default=100, server_default="100")
    point_value = db.Column(db.Integer, nullable=False, default=1, server_default="1")
    # Vested points expire this many months after vesting (0: never), warned 30 days before.
    points_expiry_months = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    # Tiers count "orders" or "spend" over the last 12 months.
    tier_basis = db.Column(db.String(10), nullable=False, default="spend", server_default="spend")
    # Thank-you code in the order confirmation: "" (off), "amount" or "percent", its value
    # (minor units / basis points) and how many days it is valid.
    thank_you_kind = db.Column(db.String(10), nullable=False, default="", server_default="")
    thank_you_value = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    thank_you_days = db.Column(db.Integer, nullable=False, default=30, server_default="30")
    # Birthday code: "" (off), "amount" or "percent"; sent birthday_days_before the day.
    birthday_kind = db.Column(db.String(10), nullable=False, default="", server_default="")
    birthday_value = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    birthday_days = db.Column(db.Integer, nullable=False, default=14, server_default="14")
    birthday_days_before = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    # Referrals: off / on; the newcomer's welcome discount on a first order ("amount" or
    # "percent" and its value); the referrer's reward ("points" or "credit" and its amount);
    # at most referral_monthly_cap rewards per referrer per calendar month (shop time).
    referrals_on = db.Column(db.Boolean, nullable=False, default=False, server_default=false())
    referral_welcome_kind = db.Column(db.String(10), nullable=False, default="amount",
                                      server_default="amount")
    referral_welcome_value = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    referral_reward_kind = db.Column(db.String(10), nullable=False, default="points",
                                     server_default="points")
    referral_reward_amount = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    referral_monthly_cap = db.Column(db.Integer, nullable=False, default=5, server_default="5")
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    __table_args__ = (
        CheckConstraint("earn_points >= 0 AND earn_per > 0 AND point_value > 0",
                        name="points_rates"),
        CheckConstraint("tier_basis IN ('orders', 'spend')", name="tier_basis_known"),
    )
