"""The demo's reviews: delivered orders whose buyers reviewed them, as a first `make run` shows."""
import os

from domain.extensions import db
from domain.models import (ChangeNote, Order, Product, Review, ReviewRequest, Satisfaction,
                           User)
from domain.models import Testimonial as Quote
from domain.reviews import ratings


def published(product_id):
    return db.session.scalars(db.select(Review.rating).where(
        Review.product_id == product_id, Review.status == "published")).all()


def test_the_demo_reviews_come_from_delivered_orders_and_their_stars_add_up(app, demo_shop):
    """Several products carry published reviews with varied stars, each for a delivered line of
    its reviewer's order, and each product's count, sum and bars equal its published reviews."""
    with app.app_context():
        reviews = db.session.scalars(db.select(Review)).all()
        shown = [review for review in reviews if review.status == "published"]
        assert len({review.product_id for review in shown}) >= 4
        assert {review.rating for review in shown} >= {2, 3, 4, 5}
        for review in reviews:
            order = db.session.get(Order, review.order_id)
            line = next(line for line in order.lines if line.id == review.order_line_id)
            assert order.status == "delivered" and line.product_id == review.product_id
            assert review.variant_title == line.variant_title and review.author_name
            expected = f"user:{order.user_id}" if order.user_id else f"email:{order.email}"
            assert review.reviewer == expected
        for product in db.session.scalars(db.select(Product).where(Product.review_count > 0)):
            stars = published(product.id)
            counts = ratings.distribution((star, 1) for star in stars)
            assert (product.review_count, product.rating_sum, product.rating_counts) == \
                (len(stars), sum(stars), counts)
        assert sum(p.review_count for p in db.session.scalars(db.select(Product))) == len(shown)


def test_the_demo_shows_photos_a_reply_a_thank_you_and_a_review_waiting(app, demo_shop):
    """Photos stored in the review photo store, the studio's public reply, the thank-you credit
    on the customer's balance, one review in the moderation queue, both languages."""
    with app.app_context():
        reviews = db.session.scalars(db.select(Review)).all()
        photos = [photo for review in reviews for photo in review.photos]
        assert len(photos) >= 3
        folder = app.config["REVIEW_PHOTO_FOLDER"]
        assert all(os.path.exists(os.path.join(folder, f"{photo.key}.webp")) for photo in photos)
        assert any(review.reply and review.replied_at for review in reviews)
        thanked = [review for review in reviews if review.incentive == "credit"]
        customer = db.session.scalar(db.select(User).where(User.email == "customer@example.com"))
        assert thanked and all(review.user_id == customer.id for review in thanked)
        assert customer.credit_balance == 2000 * len(thanked)
        assert [review.status for review in reviews].count("pending") == 1
        assert {review.locale for review in reviews} == {"en", "ko"}


def test_the_demo_customer_has_a_line_left_to_review_and_no_request_will_be_emailed(app, demo_shop):
    """Minji's order keeps one line to review from her order page; every demo order's review
    request stands as already sent, so the worker emails none of the made-up addresses."""
    with app.app_context():
        customer = db.session.scalar(db.select(User).where(User.email == "customer@example.com"))
        order = db.session.scalar(db.select(Order).where(Order.user_id == customer.id)
                                   .order_by(Order.id))
        reviewed = set(db.session.scalars(db.select(Review.order_line_id).where(
            Review.order_id == order.id)))
        assert 0 < len(reviewed) < len(order.lines)
        orders = db.session.scalars(db.select(Order)).all()
        requests = {r.order_id: r for r in db.session.scalars(db.select(ReviewRequest))}
        assert set(requests) == {o.id for o in orders}
        assert all(r.sent_at and r.state in ("done", "reminded") for r in requests.values())
        assert db.session.scalar(db.select(db.func.count(Satisfaction.id))) >= 5


def test_the_demo_has_a_change_note_in_both_languages_and_two_testimonials(app, demo_shop):
    """"You said, we did" on the product its linked reviews are about, told already; a
    testimonial and a press mention."""
    with app.app_context():
        note = db.session.scalar(db.select(ChangeNote))
        assert note.text and note.translations["ko"]["text"] and note.notified_at
        linked = [db.session.get(Review, review_id) for review_id in note.review_ids]
        assert linked and all(review.product_id == note.product_id for review in linked)
        assert min(review.rating for review in linked) <= 2
        kinds = sorted(t.kind for t in db.session.scalars(db.select(Quote)))
        assert kinds == ["press", "testimonial"]
