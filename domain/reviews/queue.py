"""The back office's moderation queue: reviews by status, the low-star ones and those with
photos, oldest waiting first for the pending ones (they have waited longest), newest first
otherwise; a page at a time, with the product and photos loaded in two more queries.
"""
from sqlalchemy import exists, func
from sqlalchemy.orm import selectinload

from ..catalog import Page
from ..extensions import db
from ..models import Review, ReviewPhoto

PER_PAGE = 20
STATUSES = ("pending", "published", "hidden")
# "Low stars": a review of this many stars or fewer.
LOW_STARS = 2


def _page_number(value):
    try:
        return max(1, min(int(value), 10_000))
    except (TypeError, ValueError):
        return 1


def reviews(status="pending", low=False, photos=False, page=1, per_page=PER_PAGE):
    """A Page of reviews: `status` one of STATUSES (anything else: all), `low` only LOW_STARS or
    fewer, `photos` only those with photos."""
    conditions = []
    if status in STATUSES:
        conditions.append(Review.status == status)
    if low:
        conditions.append(Review.rating <= LOW_STARS)
    if photos:
        conditions.append(exists().where(ReviewPhoto.review_id == Review.id))
    total = db.session.scalar(db.select(func.count(Review.id)).where(*conditions))
    order = ((Review.created_at.asc(), Review.id.asc()) if status == "pending"
             else (Review.created_at.desc(), Review.id.desc()))
    page = _page_number(page)
    items = db.session.scalars(
        db.select(Review).where(*conditions).order_by(*order)
        .options(selectinload(Review.photos), selectinload(Review.product))
        .limit(per_page).offset((page - 1) * per_page)).all()
    return Page(items=list(items), page=page, per_page=per_page, total=total or 0)


def waiting_count():
    """Reviews waiting for the merchant (pending)."""
    return db.session.scalar(db.select(func.count(Review.id)).where(Review.status == "pending"))
