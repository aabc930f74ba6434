"""The shop's loyalty settings: one row (id 1), made with the defaults on first read.

Each part of the back office saves its own fields (coupons' thank-you and birthday codes in
codes.py, points and tiers in points.py / tiers.py, referrals in referrals.py); they all read
this row with get()."""
from sqlalchemy.dialects import postgresql, sqlite

from ..extensions import db
from ..models import LoyaltySettings, LoyaltyTier


def get():
    """The settings row (made with the defaults, in the caller's transaction, if missing).
    Made with an insert that does nothing when another transaction made it first, so the
    first orders of a new shop, paid at the same moment, cannot fail on it."""
    row = db.session.get(LoyaltySettings, 1)
    if row is None:
        dialect = db.session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        db.session.execute(insert(LoyaltySettings).values(id=1)
                           .on_conflict_do_nothing(index_elements=["id"]))
        row = db.session.get(LoyaltySettings, 1)
    return row


def peek():
    """The settings row without making it (None before anything was saved): for page views,
    which write nothing."""
    return db.session.get(LoyaltySettings, 1)


def tiers():
    """The tiers, lowest first."""
    return list(db.session.scalars(db.select(LoyaltyTier).order_by(
        LoyaltyTier.position, LoyaltyTier.min_spend, LoyaltyTier.min_orders, LoyaltyTier.id)))
