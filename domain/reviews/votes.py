""""Helpful" votes on published reviews: one per visitor, with no sign-in.

A visitor is known by a random token kept in their session (the shop's one cookie, see
blueprints/policies/cookies.py); a vote stores only a keyed hash of it (HMAC with the shop's
secret key), so the table holds nothing that could be replayed as the cookie or matched to it
without the key.

The count is added with a table-level UPDATE, not through the ORM: the database adds, so two
votes at once both count, and the commit does not move the storefront version (see
shopconfig.STOREFRONT_MODELS): a vote must not empty the cache of every page of the shop. Cached
pages show the count as it was when they were drawn, until the catalogue next changes.
"""
import hashlib
import hmac

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from ..errors import NotFound
from ..extensions import db
from ..models import Review, ReviewVote


def voter_key(token, secret):
    """What a vote keeps of the visitor's token: a keyed digest (64 hex characters)."""
    key = secret if isinstance(secret, bytes) else str(secret).encode()
    return hmac.new(key, ("review-voter:" + token).encode(), hashlib.sha256).hexdigest()


def find_published(review_id):
    """A review shown on the storefront, or NotFound (pending and hidden ones are not)."""
    review = db.session.get(Review, review_id)
    if review is None or review.status != "published":
        raise NotFound()
    return review


def vote(review_id, voter, now):
    """Count the visitor's "Helpful" on a published review once. Returns (review, counted):
    counted is False when this visitor had voted on it already (nothing changes)."""
    review = find_published(review_id)
    already = db.session.scalar(db.select(ReviewVote.id).where(
        ReviewVote.review_id == review.id, ReviewVote.voter == voter))
    if already is not None:
        return review, False
    try:
        with db.session.begin_nested():
            db.session.add(ReviewVote(review_id=review.id, voter=voter, created_at=now))
    except IntegrityError:
        # The same visitor's other tab voted a moment ago: that vote counted.
        return review, False
    table = Review.__table__
    db.session.execute(update(table).where(table.c.id == review.id)
                       .values(helpful_count=table.c.helpful_count + 1))
    db.session.refresh(review, ["helpful_count"])
    return review, True

