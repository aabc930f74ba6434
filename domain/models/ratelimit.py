"""Rate-limit counters, shared by every process that serves the shop (domain/ratelimit.py)."""
from ..extensions import db


class RateLimitCounter(db.Model):
    """One fixed window of one limit for one visitor (or email address): how many hits it has
    taken and when it ends, in seconds since the epoch as the `limits` library counts them."""

    __tablename__ = "rate_limit_counter"
    key = db.Column(db.String(255), primary_key=True)
    # Indexed so that sweeping the ended windows away does not read the whole table.
    expires_at = db.Column(db.Float, nullable=False, index=True)
    count = db.Column(db.Integer, nullable=False)
