"""`flask load-demo`: a believable ceramics shop, with photos on disk and accounts that work.

Drawing and storing the photos takes seconds, so one test loads the demo once and checks what
a merchant trying the shop would notice, in the order they would notice it. It draws them at
half the size (a quarter of the pixels): the same drawing, worker processes, resizing and WebP
copies, served from /media; tests/unit/test_demo.py checks the full-size 1024 px photo.
"""
import io
import os
import re

import pytest
from PIL import Image

from domain.extensions import db
from domain.images import file_name, widths_for
from domain.models import Category, Product, ProductImage, ShippingMethod, Variant
from domain.shopconfig import load

ACCOUNT = re.compile(r"(merchant|customer)\s+(\S+@\S+)\s+password: (\S+)")
SRCSET = re.compile(r'srcset="([^"]+)"')


@pytest.fixture
def photo_size(app):
    """The demo draws its photos at 512 px instead of 1024 (stored at 320 and 512 px)."""
    app.config["DEMO_PHOTO_SIZE"] = 512
    return 512


def run(app, *args):
    return app.test_cli_runner().invoke(args=["load-demo", *args])


def count(model):
    return db.session.scalar(db.select(db.func.count(model.id)))


def check_catalogue():
    assert 36 <= count(Product) <= 44 and count(Category) == 5
    assert count(Variant) > count(Product)
    stocks = db.session.scalars(db.select(Variant.stock)).all()
    assert 0 in stocks, "some variants are sold out"
    assert any(1 <= s <= 5 for s in stocks), "some are low on stock"
    assert db.session.scalar(db.select(db.func.count(Product.id)).where(Product.featured)) == 8
    assert db.session.scalar(db.select(db.func.count(Variant.id))
                             .where(Variant.compare_at_price > Variant.price)) > 0
    assert all(price % 1000 == 0 for price in db.session.scalars(db.select(Variant.price)))
    assert len(set(db.session.scalars(db.select(Variant.sku)))) == count(Variant)
    for product in db.session.scalars(db.select(Product)):
        assert product.summary and product.specs and product.tag_list, product.title
        sections = re.findall(r"<h3>(.*?)</h3>", product.description_html)
        assert sections == ["How it's made", "Using it", "Care"], product.title
        assert 1 <= len(product.images) <= 3 and product.cover_key == product.images[0].key


def check_photos(upload_folder, size):
    images = db.session.scalars(db.select(ProductImage)).all()
    folder = os.path.join(upload_folder, "products")
    for image in images:
        assert (image.width, image.height) == (size, size) and image.alt
        for width in widths_for(image.width):
            assert os.path.exists(os.path.join(folder, file_name(image.key, width)))
    covers = db.session.scalars(db.select(Product.cover_key)).all()
    assert len(set(covers)) == len(covers), "every piece has its own main photo"


def check_photos_are_served(client, size):
    """The product page's photos and the home page's cards load as WebP images of their width."""
    for path in ("/products/everyday-mug", "/"):
        srcset = SRCSET.search(client.get(path).get_data(as_text=True)).group(1)
        candidates = [c.split() for c in srcset.split(", ")]
        assert [w for _url, w in candidates] == ["320w", f"{size}w"], path
        for url, w in candidates:
            response = client.get(url)
            assert response.status_code == 200 and response.mimetype == "image/webp", url
            image = Image.open(io.BytesIO(response.data))
            assert (image.format, image.size) == ("WEBP", (int(w[:-1]), int(w[:-1]))), url


def check_settings():
    shop = load()
    assert (shop.name, shop.currency, shop.tax_rate_bp, shop.prices_include_tax) == (
        "Moonjar Studio", "KRW", 1000, True)
    assert (shop.free_shipping_threshold, shop.timezone, shop.default_region) == (
        50_000, "Asia/Seoul", "Domestic")
    assert shop.email and shop.phone and shop.address and not shop.schedule.always_open
    methods = {(m.name, m.region, m.price, m.days_min, m.days_max)
               for m in db.session.scalars(db.select(ShippingMethod))}
    assert methods == {("Standard", "Domestic", 3000, 2, 3), ("Express", "Domestic", 6000, 1, 1),
                       ("International", "International", 25_000, 7, 14)}
    assert shop.bank_account and shop.thank_you_note
    assert "{number}" in dict(shop.carriers)["CJ Logistics"]


def check_policies(client):
    """Every kind of return rule, the refund promise and policy texts ready to adapt."""
    policy = client.get("/policies/returns").get_data(as_text=True)
    assert "We refund within 3 days of receiving your return." in policy
    assert "₩6,000, kept from refunds" in policy and "10 % of the price, from refunds" in policy
    assert "Yes: final sale" in policy and "Courier pickup" in policy and "Drop-off" in policy
    for name in ("privacy", "terms"):
        assert "not been written yet" not in client.get(f"/policies/{name}").get_data(as_text=True)
    assert "Free returns within 30 days" in client.get("/products/everyday-mug").get_data(as_text=True)
    assert "Final sale" in client.get("/products/latte-cup").get_data(as_text=True)


def test_demo_loads_a_whole_shop_once_with_photos_and_working_accounts(app, client, login, photo_size):
    """--if-empty builds the whole shop, its passwords sign in, and a second run adds nothing."""
    result = run(app, "--if-empty")
    assert result.exit_code == 0, result.output
    accounts = {role: (email, pw) for role, email, pw in ACCOUNT.findall(result.output)}
    assert set(accounts) == {"merchant", "customer"}
    with app.app_context():
        check_catalogue()
        check_photos(app.config["UPLOAD_FOLDER"], photo_size)
        check_settings()
        before = (count(Product), count(Variant), count(ProductImage), count(ShippingMethod))

    home = client.get("/").get_data(as_text=True)
    assert "Moonjar Studio" in home and "Everyday Mug" in home
    page = client.get("/products/everyday-mug").get_data(as_text=True)
    assert "₩28,000" in page and "Celadon" in page and "Dishwasher safe" in page
    check_policies(client)
    check_photos_are_served(client, photo_size)

    email, password = accounts["merchant"]
    assert login({"email": email, "password": password}).headers["Location"].endswith("/admin/")
    assert client.get("/admin/").status_code == 200
    client.delete_cookie("session")  # signed out: a fresh visitor
    email, password = accounts["customer"]
    login({"email": email, "password": password})
    assert client.get("/admin/").status_code == 403

    again = run(app, "--if-empty")
    assert again.exit_code == 0 and "already set up" in again.output
    assert "password" not in again.output
    with app.app_context():
        assert (count(Product), count(Variant), count(ProductImage), count(ShippingMethod)) == before
    refused = run(app)
    assert refused.exit_code == 1 and "already set up" in refused.output


def test_if_empty_leaves_a_started_shop_without_products_alone(app, make):
    """A merchant who saved settings but has no products yet keeps their shop name."""
    make.settings(name="Bike Bits", currency="USD")
    result = app.test_cli_runner().invoke(args=["load-demo", "--if-empty"])
    assert result.exit_code == 0 and "already set up" in result.output
    assert "Bike Bits" in app.test_client().get("/").get_data(as_text=True)


PHOTO_URL = re.compile(r'/reviews/photos/[0-9a-f]+\.webp')


def text_of(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_a_fresh_demo_shows_reviews_a_reply_a_change_note_and_testimonials(app, client):
    """What `make run` shows on a new database: the mug's page with its average, bars, verified
    reviews, the thank-you label and a customer's photo; the teapot's page with the studio's
    reply and its change note, also at /changes; the testimonials on the home page apart from
    reviews; the review waiting for moderation shown nowhere."""
    app.config["DEMO_PHOTO_SIZE"] = 128
    result = run(app, "--if-empty")
    assert result.exit_code == 0 and "11 reviews of delivered orders" in result.output

    mug = client.get("/products/everyday-mug").get_data(as_text=True)
    words = text_of(mug)
    assert "4.7 out of 5" in words and "3 reviews" in words and "5 stars 67%" in words
    assert words.count("Verified purchase") == 3 and "Daniel C." in words
    assert "Reviewed with a thank-you credit 매일 아침 쓰는 컵" in words
    photos = PHOTO_URL.findall(mug)
    assert photos and client.get(photos[0]).mimetype == "image/webp"
    assert '"aggregateRating"' in mug and '"ratingValue"' in mug

    teapot = text_of(client.get("/products/side-handle-teapot").get_data(as_text=True))
    assert "3.0 out of 5" in teapot and "Reply from Moonjar Studio" in teapot
    assert "You said, we did" in teapot and "A deeper lid flange" in teapot
    assert "A deeper lid flange" in text_of(client.get("/changes").get_data(as_text=True))

    plate = text_of(client.get("/products/dinner-plate").get_data(as_text=True))
    assert "1 review" in plate and "접시 가장자리가 얇아요" not in plate  # still waiting

    home = text_of(client.get("/").get_data(as_text=True))
    assert "Testimonials the shop chose" in home and "Cafe Nook" in home
    assert "they are not reviews from verified buyers" in home
