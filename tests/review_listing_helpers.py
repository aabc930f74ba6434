"""Published reviews for the product page's tests, written as the shop stores them: through
moderation.publish, so the product row's ratings are recounted."""
from datetime import timedelta

from domain import transaction
from domain.extensions import db
from domain.models import Review
from domain.reviews import moderation, photos
from tests.order_helpers import NOW
from tests.review_helpers import jpeg


def publish(app, product_id, rating, n=0, status="published", photo=False, **fields):
    """A review of the product by reviewer n, published (through moderation) unless told."""
    with app.test_request_context():
        review = Review(product_id=product_id, reviewer=f"email:buyer{n}@example.com",
                        email=f"buyer{n}@example.com", rating=rating,
                        author_name=fields.pop("author_name", f"Buyer {n}"),
                        created_at=NOW + timedelta(minutes=n), **fields)
        db.session.add(review)
        with transaction.unit_of_work():
            if photo:
                photos.attach(review, photos.store([("IMG_0001.jpg", jpeg())]), NOW)
            if status == "published":
                db.session.flush()
                moderation.publish(review, NOW + timedelta(minutes=n))
        return review.id
