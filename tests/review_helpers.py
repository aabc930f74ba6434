"""Reviews for web and unit tests: a shop selling a moon jar and a tea bowl, delivered orders
of both, and reviews read back as stored."""
import io
import re

from PIL import Image

from domain.extensions import db
from domain.models import Order, Product, Review
from tests.order_helpers import delivered_order, shop_with_a_product


def review_shop(make, **settings):
    """shop_with_a_product plus a tea bowl (two colours); returns their variant ids."""
    setup = shop_with_a_product(make, **settings)
    bowl = make.product("Tea bowl", variants=[
        {"sku": "TB-W", "option1": "White", "price": 25000, "stock": 50},
        {"sku": "TB-B", "option1": "Black", "price": 25000, "stock": 50}], option1_name="Glaze")
    setup["bowl"] = bowl["variant_ids"][0]
    setup["black_bowl"] = bowl["variant_ids"][1]
    return setup


def both(setup, bowl=None):
    """The items of an order of one moon jar and one tea bowl."""
    return {str(setup["variant"]): 1, str(bowl or setup["bowl"]): 1}


def delivered(app, setup, items=None, **kwargs):
    """A delivered order of the moon jar and the tea bowl (or `items`)."""
    return delivered_order(app, setup, items=items or both(setup), **kwargs)


def lines_of(app, number):
    """{product title: order line id} of an order."""
    with app.app_context():
        order = db.session.scalar(db.select(Order).where(Order.number == number))
        return {line.title: line.id for line in order.lines}


def reviews(app):
    """Every review as stored: dicts of what a test asserts on."""
    with app.app_context():
        db.session.expire_all()
        found = db.session.scalars(db.select(Review).order_by(Review.id)).all()
        return [{"id": r.id, "product": r.product.title, "reviewer": r.reviewer,
                 "rating": r.rating, "title": r.title, "body": r.body, "recommend": r.recommend,
                 "status": r.status, "order_id": r.order_id, "order_line_id": r.order_line_id,
                 "variant": r.variant_title, "incentive": r.incentive, "author": r.author_name,
                 "photos": [p.key for p in r.photos], "hidden_reason": r.hidden_reason}
                for r in found]


def product_counts(app, title):
    """(review_count, rating_sum, rating_counts) of a product."""
    with app.app_context():
        db.session.expire_all()
        product = db.session.scalar(db.select(Product).where(Product.title == title))
        return product.review_count, product.rating_sum, list(product.rating_counts)


def jpeg(size=(64, 48), colour=(180, 40, 30)):
    """A real small JPEG carrying EXIF (the owner's name and a GPS block), as a phone sends."""
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x013B] = "Kim Minji"  # Artist
    exif[0x8825] = {1: "N", 2: (37.0, 33.0, 59.0)}  # GPS
    Image.new("RGB", size, colour).save(buffer, "JPEG", exif=exif.tobytes())
    return buffer.getvalue()


def photo_keys(html):
    return re.findall(r"/reviews/photos/([0-9a-f]{32})\.webp", html)
