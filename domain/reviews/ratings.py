"""A product's published reviews counted on the product row: how many, the sum of their stars
and the distribution, so listings show stars and counts without reading any review.

recount(product_id) is called in the transaction of every change that publishes, hides, edits
or deletes a review. It first takes the product row's lock (a no-op UPDATE: PostgreSQL's row
lock, SQLite's write lock), then counts afresh from the review rows, so two changes committing
at once are counted one after the other and the figures always equal the published rows.
"""
from sqlalchemy import func, update

from ..extensions import db
from ..models import Product, Review


def distribution(rows):
    """[n1, n2, n3, n4, n5] from (rating, count) rows."""
    counts = [0, 0, 0, 0, 0]
    for rating, count in rows:
        counts[int(rating) - 1] += int(count)
    return counts


def recount(product_id):
    """Count the product's published reviews again; returns (count, sum, [n1..n5])."""
    db.session.flush()
    db.session.execute(update(Product).where(Product.id == product_id)
                       .values(review_count=Product.review_count)
                       .execution_options(synchronize_session=False))
    rows = db.session.execute(
        db.select(Review.rating, func.count()).where(Review.product_id == product_id,
                                                     Review.status == "published")
        .group_by(Review.rating)).all()
    counts = distribution(rows)
    total = sum(counts)
    rating_sum = sum((index + 1) * n for index, n in enumerate(counts))
    db.session.execute(update(Product).where(Product.id == product_id)
                       .values(review_count=total, rating_sum=rating_sum, rating_counts=counts)
                       .execution_options(synchronize_session=False))
    product = db.session.get(Product, product_id)
    if product is not None:
        db.session.refresh(product, ["review_count", "rating_sum", "rating_counts"])
    return total, rating_sum, counts


def percentages(counts):
    """Each star's share of the reviews in whole percent, for the five bars ([0..100] x 5)."""
    total = sum(counts)
    if not total:
        return [0, 0, 0, 0, 0]
    return [round(100 * n / total) for n in counts]
