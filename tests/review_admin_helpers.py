"""Reviews for the back-office tests, written straight into the foundation's tables as the
review form would leave them (the form is built elsewhere), published through moderation so
the product's stars are counted."""
import secrets
from datetime import timedelta

from domain import email_address
from domain.extensions import db
from domain.models import Order, Product, Review, ReviewPhoto
from domain.reviews import moderation, ratings
from tests.order_helpers import NOW, delivered_order

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def bought(app, setup, email):
    """A delivered order of the setup's product by `email`; returns its number."""
    return delivered_order(app, setup, email=email, token=f"rv-{email}")["number"]


def add_review(app, number, rating=4, title="Lovely glaze", body="Sturdy and calm.",
               status="pending", photos=0, when=NOW + timedelta(days=8), author_name="Mina K.",
               recommend=True):
    """A review of the order's first line, in `status`; returns its id."""
    with app.app_context():
        order = db.session.scalar(db.select(Order).where(Order.number == number))
        line = order.lines[0]
        reviewer = (f"user:{order.user_id}" if order.user_id
                    else f"email:{email_address.normalize(order.email)}")
        review = Review(product_id=line.product_id, reviewer=reviewer, user_id=order.user_id,
                        email=order.email, order_id=order.id, order_line_id=line.id,
                        variant_title=line.variant_title or "", author_name=author_name,
                        locale=order.locale or "en", rating=rating, title=title, body=body,
                        recommend=recommend, created_at=when, updated_at=when)
        db.session.add(review)
        db.session.flush()
        for n in range(photos):
            db.session.add(ReviewPhoto(review_id=review.id, key=secrets.token_hex(16),
                                       width=800, height=600, position=n))
        if status == "published":
            moderation.publish(review, when)
        elif status == "hidden":
            moderation.hide(review, "Off topic", when)
        db.session.commit()
        return review.id


def review_row(app, review_id):
    with app.app_context():
        db.session.expire_all()
        review = db.session.get(Review, review_id)
        return {"status": review.status, "reason": review.hidden_reason, "reply": review.reply,
                "replied_at": review.replied_at, "rating": review.rating}


def stars(app, product_id):
    """(count, sum, [n1..n5]) as stored on the product row, and as counted afresh."""
    with app.app_context():
        db.session.expire_all()
        product = db.session.get(Product, product_id)
        stored = (product.review_count, product.rating_sum, list(product.rating_counts))
        published = db.session.scalars(db.select(Review.rating).where(
            Review.product_id == product_id, Review.status == "published")).all()
        counted = (len(published), sum(published), ratings.distribution(
            [(r, published.count(r)) for r in set(published)]))
        return stored, counted
