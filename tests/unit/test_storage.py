"""The photo store interface (domain/storage): every backend keeps, reads, lists and deletes
the same way, refuses keys that reach outside it, and says clearly when it is down."""
import pytest

from domain import storage
from domain.errors import StorageUnavailable
from domain.storage.s3 import S3Backend
from shop import create_app

WEBP = b"RIFF\x1a\x00\x00\x00WEBPVP8 fake but opaque bytes"


@pytest.fixture(params=["folder", "s3"])
def store(request, tmp_path):
    """A product photo store of each backend: a folder, and a prefix of a bucket on a real
    S3-compatible server."""
    if request.param == "folder":
        return storage.FolderStore(tmp_path / "uploads")
    server = request.getfixturevalue("s3_server")
    bucket = server.new_bucket()
    return S3Backend(bucket, "shop/", server.endpoint, "us-east-1", server.access_key,
                     server.secret_key).store("uploads")


def test_a_photo_is_kept_read_back_listed_and_deleted(store):
    """What a backup and the shop's pages rely on: the same bytes come back, listed by key."""
    assert store.get("products/abc-320.webp") is None and not store.exists("products/abc-320.webp")
    store.put("products/abc-320.webp", WEBP, "image/webp")
    store.put("products/abc-640.webp", WEBP + b"!", "image/webp")
    found = store.get("products/abc-320.webp")
    assert found.data == WEBP and found.content_type == "image/webp" and found.etag
    assert store.exists("products/abc-640.webp")
    assert store.keys() == ["products/abc-320.webp", "products/abc-640.webp"]
    assert store.keys("products/abc-6") == ["products/abc-640.webp"]
    store.delete("products/abc-320.webp")
    store.delete("products/abc-320.webp")  # already gone: nothing to complain about
    assert store.get("products/abc-320.webp") is None
    assert store.keys() == ["products/abc-640.webp"]


@pytest.mark.parametrize("key", ["../return-photos/a.webp", "products/../../a.webp", "/etc/passwd",
                                 "products//a.webp", "products\\a.webp", "", "./a.webp"])
def test_keys_that_reach_outside_the_store_are_refused(store, key):
    """A photo address like /media/../return-photos/... never reads a private photo."""
    assert store.get(key) is None and not store.exists(key)
    with pytest.raises(ValueError):
        store.put(key, WEBP, "image/webp")


def test_a_store_with_the_wrong_secret_is_unavailable_not_empty(s3_server):
    """The server checks signatures: a wrong secret key is an error the merchant is told
    about, never taken for "no such photo"."""
    bucket = s3_server.new_bucket()
    s3_server.client().put_object(Bucket=bucket, Key="shop/uploads/products/a-320.webp", Body=WEBP)
    wrong = S3Backend(bucket, "shop/", s3_server.endpoint, "us-east-1", s3_server.access_key,
                      "not-the-secret").store("uploads")
    with pytest.raises(StorageUnavailable, match="cannot be reached"):
        wrong.get("products/a-320.webp")
    with pytest.raises(StorageUnavailable):
        wrong.put("products/b-320.webp", WEBP, "image/webp")


def test_the_setting_chooses_the_store(tmp_path, s3_server):
    """PHOTO_STORAGE=file keeps the instance folders; s3://bucket/prefix a bucket, product and
    return photos apart; anything else stops the shop from starting."""
    base = {"TESTING": True, "SECRET_KEY": "x", "UPLOAD_FOLDER": str(tmp_path / "uploads"),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'shop.sqlite'}"}
    app = create_app(base)
    assert storage.product_photos(app) == storage.FolderStore(tmp_path / "uploads")
    assert storage.return_photos(app) == storage.FolderStore(tmp_path / "return-photos")

    bucket = s3_server.new_bucket()
    app = create_app({**base, **s3_server.app_config(bucket, prefix="/moonjar/live/")})
    storage.product_photos(app).put("products/a-320.webp", WEBP, "image/webp")
    storage.return_photos(app).put("b.webp", WEBP, "image/webp")
    assert sorted(s3_server.objects(bucket)) == ["moonjar/live/return-photos/b.webp",
                                                 "moonjar/live/uploads/products/a-320.webp"]
    assert storage.product_photos(app).folder is None
    assert storage.return_photos(app).get("../uploads/products/a-320.webp") is None

    with pytest.raises(ValueError, match="PHOTO_STORAGE"):
        create_app({**base, "PHOTO_STORAGE": "nfs:/mnt/photos"})


def _png(colour):
    import io

    from PIL import Image
    buffer = io.BytesIO()
    Image.new("RGB", (500, 300), colour).save(buffer, "PNG")
    return buffer.getvalue()


def test_a_removed_photo_s_files_go_with_the_commit_unless_another_product_shows_it(
        app, make, tmp_path):
    """Two products show one photo (stored once); taking it off one keeps the files, a removal
    that is rolled back keeps them, and the last removal, committed, deletes them."""
    from domain import images, transaction
    from domain.extensions import db
    from domain.models import Product
    store = storage.FolderStore(tmp_path / "photos")
    mug, cup = make.product("Blue mug"), make.product("Blue cup")
    with app.app_context():
        for product_id in (mug["id"], cup["id"]):
            images.add_image(db.session.get(Product, product_id), _png((9, 80, 200)), store)
        transaction.finish(True)
        kept = store.keys()
        assert [name.rsplit("-", 1)[1] for name in kept] == ["320.webp", "500.webp"]

        def remove(product_id, keep):
            product = db.session.get(Product, product_id)
            images.remove_image(product, product.images[0], store)
            transaction.finish(keep)

        remove(mug["id"], keep=True)
        assert store.keys() == kept
        remove(cup["id"], keep=False)
        assert store.keys() == kept and db.session.get(Product, cup["id"]).images
        remove(cup["id"], keep=True)
        assert store.keys() == []
