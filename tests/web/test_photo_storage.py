"""Photos kept in an S3-compatible bucket (PHOTO_STORAGE=s3://bucket/prefix), as several app
servers share them: uploaded in the back office, served by the shop at the usual addresses by
any server, return photos only to the order's people, deleted with the product's photo, and a
store that is down refused with a clear message and nothing half saved.

The bucket lives on a real S3 server in another process (moto's, tests/s3_helpers.py)."""
import os
import re

import pytest

from domain import storage
from domain.extensions import db
from domain.models import Product, ProductImage, ReturnRequest
from shop import create_app
from tests.s3_helpers import S3Server
from tests.web.test_admin_images import png_bytes, upload
from tests.web.test_admin_new_product import jpeg_bytes, new_product
from tests.web.test_return_faults_web import (PHOTO_RE, ask, jpeg, place_delivered,  # noqa: F401
                                              shop, the_return)

PREFIX = "shop/uploads/products/"


@pytest.fixture
def bucket(s3_server):
    return s3_server.new_bucket()


@pytest.fixture
def app_config(s3_server, bucket):
    return s3_server.app_config(bucket)


def image_ids(app):
    with app.app_context():
        return db.session.scalars(db.select(ProductImage.id)).all()


def photo_urls(page):
    return re.findall(r'(/media/products/[0-9a-f]{24}-\d+\.webp)', page)


def local_files(app):
    return [name for folder in ("UPLOAD_FOLDER", "RETURN_PHOTO_FOLDER")
            for _root, _dirs, names in os.walk(app.config[folder]) for name in names]


def test_a_photo_uploaded_in_the_back_office_is_kept_in_the_bucket_and_served_as_before(
        app, client, post, make, merchant, s3_server, bucket):
    """Its copies are objects in the bucket, none on this server's disk; the product page
    points at /media/products/... and that address gives the object's very bytes, cached a
    year as immutable, with an ETag a browser can ask again with."""
    product = make.product("Blue mug")
    assert upload(post, product["id"], png_bytes(), "mug.png", alt="A blue mug").status_code == 303

    objects = s3_server.objects(bucket)
    assert sorted(name.rsplit("-", 1)[1] for name in objects) == ["320.webp", "640.webp", "800.webp"]
    assert all(name.startswith(PREFIX) for name in objects)
    assert local_files(app) == []

    page = client.get("/products/blue-mug").get_data(as_text=True)
    assert 'alt="A blue mug"' in page
    url = re.search(r'<img src="([^"]+)"', page).group(1)
    assert url.startswith("/media/products/")
    shown = client.get(url)
    assert shown.status_code == 200 and shown.mimetype == "image/webp"
    assert shown.data == objects["shop/" + "uploads" + url[len("/media"):]]
    cache = shown.headers["Cache-Control"]
    assert "public" in cache and "max-age=31536000" in cache and "immutable" in cache
    again = client.get(url, headers={"If-None-Match": shown.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    assert client.get("/media/products/" + "0" * 24 + "-320.webp").status_code == 404


def test_a_new_product_with_photos_keeps_them_in_the_bucket(client, post, merchant, s3_server,
                                                           bucket):
    """The new-product form's photos land in the bucket and show on the product's page."""
    response = new_product(post, status="active", photos=[
        (jpeg_bytes(colour=(200, 40, 40)), "front.jpg", "The apron from the front")])
    assert response.status_code == 303
    objects = s3_server.objects(bucket)
    assert len(objects) == 2  # 320 and 640 px
    page = client.get("/products/linen-apron").get_data(as_text=True)
    assert set(photo_urls(page)) == {"/media/" + name[len("shop/uploads/"):] for name in objects}


def test_two_app_servers_on_one_bucket_serve_each_other_s_photos(
        app, client, post, make, merchant, s3_server, bucket, tmp_path):
    """A photo uploaded through one server (its own instance folder) is served by another with
    an instance folder of its own, the same database and the same bucket: same bytes."""
    product = make.product("Blue mug")
    upload(post, product["id"], png_bytes(colour=(20, 90, 200)), "mug.png")
    other = create_app({**{key: app.config[key] for key in (
        "TESTING", "SECRET_KEY", "SQLALCHEMY_DATABASE_URI", "PHOTO_STORAGE", "S3_ENDPOINT_URL",
        "S3_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "SMTP_URL")},
        "UPLOAD_FOLDER": str(tmp_path / "second" / "uploads"),
        "IMPORT_FOLDER": str(tmp_path / "second" / "imports"),
        "STOREFRONT_VERSION_FILE": app.config["STOREFRONT_VERSION_FILE"],
        "MAIL_FOLDER": str(tmp_path / "second" / "outbox")})
    try:
        first_page = client.get("/products/blue-mug").get_data(as_text=True)
        second = other.test_client()
        second_page = second.get("/products/blue-mug").get_data(as_text=True)
        urls = photo_urls(second_page)
        assert urls and set(urls) == set(photo_urls(first_page))
        for url in set(urls):
            mine, theirs = client.get(url), second.get(url)
            assert theirs.status_code == 200 and theirs.data == mine.data and mine.data
        assert local_files(app) == [] and local_files(other) == []
    finally:
        with other.app_context():
            db.engine.dispose()


def test_return_photos_in_the_bucket_are_shown_only_to_the_order_s_people(
        app, client, make, login, shop, s3_server, bucket):
    """The owner (signed in, or with the order's link) and the merchant see it; another
    customer and an anonymous visitor get 404; it is kept apart from the public photos and no
    /media address reaches it."""
    owner = make.user(email="minji@example.com")
    order = place_delivered(app, shop, user_id=owner["id"])
    assert ask(client, order, photos=[("cup.jpg", jpeg())]).status_code == 303
    ret = the_return(app)
    key = ret["photos"][0][1]
    assert list(s3_server.objects(bucket)) == [f"shop/return-photos/{key}.webp"]
    assert local_files(app) == []

    page = client.get(f"/returns/{ret['number']}", query_string={"t": order["token"]})
    url = PHOTO_RE.search(page.get_data(as_text=True)).group(1).replace("&amp;", "&")
    shown = client.get(url)
    assert shown.status_code == 200 and shown.mimetype == "image/webp"
    assert shown.data == s3_server.objects(bucket)[f"shop/return-photos/{key}.webp"]
    assert "private" in shown.headers["Cache-Control"]
    assert "public" not in shown.headers["Cache-Control"]
    bare = url.split("?")[0]
    assert client.get(bare).status_code == 404
    for sneaky in (f"/media/../return-photos/{key}.webp", f"/media/%2e%2e/return-photos/{key}.webp",
                   f"/media/return-photos/{key}.webp"):
        assert client.get(sneaky).status_code == 404

    login(owner)
    assert client.get(bare).status_code == 200
    login(make.user(email="someone@example.com"))
    assert client.get(bare).status_code == 404
    login(make.user(email="boss@example.com", merchant=True))
    assert client.get(bare).status_code == 200


def test_deleting_a_product_photo_deletes_its_objects_unless_another_product_shows_it(
        app, client, post, make, merchant, s3_server, bucket):
    """The same picture on two products is stored once; taking it off one keeps it for the
    other, taking it off both empties the bucket and its address answers 404."""
    mug, cup = make.product("Blue mug"), make.product("Blue cup")
    upload(post, mug["id"], png_bytes(), "mug.png")
    upload(post, cup["id"], png_bytes(), "same.png")
    stored = s3_server.objects(bucket)
    assert len(stored) == 3
    mug_image, cup_image = image_ids(app)
    url = "/media/" + sorted(stored)[0][len("shop/uploads/"):]

    assert post(f"/admin/products/{mug['id']}/images/{mug_image}/delete", {}).status_code == 303
    assert s3_server.objects(bucket) == stored
    assert client.get(url).status_code == 200

    assert post(f"/admin/products/{cup['id']}/images/{cup_image}/delete", {}).status_code == 303
    assert s3_server.objects(bucket) == {}
    assert client.get(url).status_code == 404


@pytest.fixture
def broken_store():
    """An S3 server of this test's own, to be stopped while the shop uses it."""
    server = S3Server()
    yield server
    server.stop()


@pytest.fixture
def shop_on_a_broken_store(app, make, merchant, broken_store, post):
    """A shop whose bucket held one product's photo when its store went down."""
    bucket = broken_store.new_bucket()
    app.config.update(broken_store.app_config(bucket))
    storage.init_app(app)
    photographed, plain = make.product("Blue mug"), make.product("Plain cup")
    assert upload(post, photographed["id"], png_bytes(), "mug.png").status_code == 303
    broken_store.stop()
    return {"photographed": photographed, "plain": plain}


def test_a_store_that_is_down_is_said_plainly_and_nothing_half_made_is_kept(
        app, client, post, merchant, shop_on_a_broken_store):
    """A new product with a photo, or a photo added to a product, is refused with 422 and a
    message saying the photo store cannot be reached; no product or photo row is written."""
    before = image_ids(app)
    response = new_product(post, status="active", photos=[(jpeg_bytes(), "front.jpg", "Front")])
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "The photo store cannot be reached just now, so nothing was saved." in html
    assert 'value="Linen apron"' in html  # what was typed is still there
    with app.app_context():
        assert db.session.scalar(db.select(Product).where(Product.title == "Linen apron")) is None

    plain = shop_on_a_broken_store["plain"]
    added = upload(post, plain["id"], png_bytes(colour=(1, 2, 3)), "cup.png")
    assert added.status_code == 422
    assert "The photo store cannot be reached just now" in added.get_data(as_text=True)
    assert image_ids(app) == before
    with app.app_context():
        assert db.session.get(Product, plain["id"]).cover_key is None


def test_the_storefront_keeps_working_while_the_store_is_down(app, shop_on_a_broken_store):
    """Pages answer a visitor as usual; only a photo's own address says the service is
    unavailable (503), and the page around it is not held up."""
    visitor = app.test_client()
    assert visitor.get("/").status_code == 200
    assert visitor.get("/products/plain-cup").status_code == 200
    page = visitor.get("/products/blue-mug")
    assert page.status_code == 200
    url = photo_urls(page.get_data(as_text=True))[0]
    assert visitor.get(url).status_code == 503


def test_a_return_photo_while_the_store_is_down_leaves_no_return(app, client, shop):
    """The customer is told the photos could not be saved; no return is made, so they can
    send the form again."""
    server = S3Server()
    try:
        app.config.update(server.app_config(server.new_bucket()))
        storage.init_app(app)
        server.stop()
        order = place_delivered(app, shop)
        response = ask(client, order, photos=[("cup.jpg", jpeg())])
    finally:
        server.stop()
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "The photo store cannot be reached just now" in html
    assert "Choose the photos again" in html
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(ReturnRequest.id))) == 0


def test_a_backup_says_the_photos_stay_in_the_bucket_and_holds_none(
        app, post, make, merchant, s3_server, bucket, tmp_path):
    """The archive has the database; the photos are the bucket's to keep, and the command says
    so rather than reporting an archive that quietly lacks them."""
    import json
    import tarfile
    product = make.product("Blue mug")
    assert upload(post, product["id"], png_bytes(), "mug.png", alt="A blue mug").status_code == 303
    result = app.test_cli_runner().invoke(args=["backup", str(tmp_path) + os.sep])
    assert result.exit_code == 0, result.output
    assert "are not in the archive: keep the bucket's versioning or replication on" in result.output
    [archive] = tmp_path.glob("shop-*.tar.gz")
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
    assert not any(name.startswith(("uploads/", "return-photos/")) for name in names)
    assert manifest["counts"]["uploads"] == 0
    assert len(s3_server.objects(bucket)) == 3
