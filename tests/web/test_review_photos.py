"""Review photos: kept without their metadata under a random key, shown to everyone only while
their review is published, to its reviewer and the merchant always."""
import io
import os

import pytest
from PIL import Image

from domain import transaction
from domain.extensions import db
from domain.models import Review
from domain.reviews import moderation, photos
from tests.order_helpers import NOW
from tests.review_helpers import delivered, jpeg, review_shop


@pytest.fixture
def shop(app, make):
    app.config["CLOCK"] = lambda: NOW
    setup = review_shop(make)
    setup["buyer"] = make.user(email="minji@example.com")
    setup["merchant"] = make.user(email="boss@example.com", merchant=True)
    setup["order"] = delivered(app, setup, email="minji@example.com",
                               user_id=setup["buyer"]["id"])
    return setup


def written_with_a_photo(app, setup, status="pending"):
    """A review of the moon jar by the buyer, with one photo; returns the photo's key."""
    with app.test_request_context():
        from domain import orders
        order = orders.by_number(setup["order"]["number"])
        line = order.lines[0]
        review = Review(product_id=line.product_id, reviewer=f"user:{order.user_id}",
                        user_id=order.user_id, email=order.email, order_id=order.id,
                        order_line_id=line.id, rating=5, title="Lovely", body="Lovely jar")
        db.session.add(review)
        with transaction.unit_of_work():
            photos.attach(review, photos.store([("IMG_0001.jpg", jpeg())]), NOW)
        if status == "published":
            with transaction.unit_of_work():
                moderation.publish(db.session.get(Review, review.id), NOW)
        return db.session.get(Review, review.id).photos[0].key


def test_a_published_review_s_photo_is_shown_to_anyone_without_its_metadata(app, shop, client):
    """Anyone sees it; the stored copy is WebP with no EXIF and no trace of the file name."""
    key = written_with_a_photo(app, shop, status="published")
    response = client.get(f"/reviews/photos/{key}.webp")
    assert response.status_code == 200 and response.mimetype == "image/webp"
    image = Image.open(io.BytesIO(response.data))
    assert image.format == "WEBP" and not image.getexif() and "exif" not in image.info
    assert "public" not in response.headers["Cache-Control"]
    assert os.listdir(app.config["REVIEW_PHOTO_FOLDER"]) == [f"{key}.webp"]


def test_a_pending_review_s_photo_is_hidden_from_others_but_not_its_reviewer_or_merchant(
        app, shop, client, login):
    """Before it is published: 404 for a visitor, shown to its reviewer and to the merchant."""
    key = written_with_a_photo(app, shop)
    assert client.get(f"/reviews/photos/{key}.webp").status_code == 404
    login(shop["buyer"])
    assert client.get(f"/reviews/photos/{key}.webp").status_code == 200
    other = app.test_client()
    from tests.page_helpers import sign_in
    sign_in(other, "boss@example.com", shop["merchant"]["password"])
    assert other.get(f"/reviews/photos/{key}.webp").status_code == 200
    stranger = app.test_client()
    assert stranger.get(f"/reviews/photos/{key}.webp").status_code == 404


@pytest.mark.parametrize("key", ["../return-photos/x", "0" * 32, "ABC", "0" * 31 + "g"])
def test_made_up_photo_keys_are_not_found(app, shop, client, key):
    """A key that names no photo, or tries another folder, is a plain 404."""
    assert client.get(f"/reviews/photos/{key}.webp").status_code == 404


def test_erasing_the_reviewer_removes_their_photo_files(app, shop):
    """After an erasure is committed, the review, its photo rows and its files are gone."""
    from domain import personal_data
    from domain.transaction import unit_of_work
    key = written_with_a_photo(app, shop, status="published")
    path = os.path.join(app.config["REVIEW_PHOTO_FOLDER"], f"{key}.webp")
    assert os.path.exists(path)
    with app.test_request_context(), unit_of_work():
        personal_data.erase(personal_data.Subject(shop["buyer"]["id"], "minji@example.com"),
                            NOW, "test")
    assert not os.path.exists(path)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Review)) == 0


def test_a_photo_removed_by_its_reviewer_goes_from_the_store(app, shop, client, login):
    """Ticking "Remove" under a photo on the form takes it off the review and out of the store."""
    from tests.review_helpers import lines_of, reviews
    from tests.web.test_review_form import send
    key = written_with_a_photo(app, shop)
    login(shop["buyer"])
    url = f"/orders/{shop['order']['number']}/review"
    jar = lines_of(app, shop["order"]["number"])["Moon jar"]
    with app.app_context():
        photo_id = db.session.scalar(db.select(db.text("id FROM review_photo")))
    assert send(client, url, {f"rating-{jar}": "5", f"title-{jar}": "Lovely",
                              f"body-{jar}": "Lovely jar",
                              f"remove-photo-{jar}": str(photo_id)}).status_code == 303
    assert reviews(app)[0]["photos"] == []
    assert not os.path.exists(os.path.join(app.config["REVIEW_PHOTO_FOLDER"], f"{key}.webp"))
