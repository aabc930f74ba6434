"""What a product page shows of its reviews: the summary (average, count, five bars) read from
the product row itself, and the published reviews sorted and paged.

The summary costs no query (ratings.recount keeps the row's figures equal to the published
reviews); a page of reviews is one query with its photos joined, and none at all for a product
without reviews, so the product page stays within its query budget.
"""
from dataclasses import dataclass

from sqlalchemy import exists
from sqlalchemy.orm import joinedload

from ..catalog import Page, clamp_page
from ..errors import NotFound
from ..extensions import db
from ..models import Product, Review, ReviewPhoto
from . import ratings

PER_PAGE = 10
# The orders a shopper can read reviews in; the first is the default (and the policy page says so).
SORTS = ("newest", "helpful", "lowest", "photos")


@dataclass(frozen=True)
class Summary:
    count: int
    average: float | None
    # [n1, n2, n3, n4, n5] and each star's share in whole percent, for the five bars.
    counts: list
    percentages: list

    @property
    def bars(self):
        """(stars, count, percent) from five stars down to one, as the bars are drawn."""
        return [(stars, self.counts[stars - 1], self.percentages[stars - 1])
                for stars in range(5, 0, -1)]


def summary(product):
    """The product's published ratings, from its own row (no query)."""
    counts = [int(n) for n in (product.rating_counts or [0, 0, 0, 0, 0])]
    return Summary(count=product.review_count or 0, average=product.rating_average,
                   counts=counts, percentages=ratings.percentages(counts))


def clean_sort(sort):
    return sort if sort in SORTS else SORTS[0]


def _order(sort):
    newest = (Review.published_at.desc(), Review.id.desc())
    if sort == "helpful":
        return (Review.helpful_count.desc(), *newest)
    if sort == "lowest":
        return (Review.rating.asc(), *newest)
    if sort == "photos":
        with_photos = exists().where(ReviewPhoto.review_id == Review.id)
        return (with_photos.desc(), *newest)
    return newest


def page(product, sort="newest", number=1, per_page=PER_PAGE):
    """One page of the product's published reviews with their photos, in `sort` order."""
    total = product.review_count or 0
    number = clamp_page(number, total, per_page)
    if not total:
        return Page(items=[], page=1, per_page=per_page, total=0)
    items = db.session.scalars(
        db.select(Review).where(Review.product_id == product.id, Review.status == "published")
        .options(joinedload(Review.photos))
        .order_by(*_order(clean_sort(sort))).limit(per_page).offset((number - 1) * per_page)
    ).unique().all()
    return Page(items=items, page=number, per_page=per_page, total=total)


def product_for_reviews(slug):
    """The listed product whose reviews are asked for (its row only), or NotFound."""
    product = db.session.scalar(db.select(Product).where(Product.slug == slug,
                                                         Product.status == "active"))
    if product is None:
        raise NotFound()
    return product
