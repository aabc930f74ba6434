"""Product photos from the back office: real images are stored and shown, others refused."""
import io
import os
import re

from PIL import Image

from domain.extensions import db
from domain.models import Product, ProductImage


def png_bytes(width=800, height=600, colour=(200, 40, 40)):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "PNG")
    return buffer.getvalue()


def upload(post, product_id, data, filename, alt=""):
    return post(f"/admin/products/{product_id}/images",
                {"photo": (io.BytesIO(data), filename), "alt": alt},
                content_type="multipart/form-data")


def stored_files(app):
    folder = os.path.join(app.config["UPLOAD_FOLDER"], "products")
    return sorted(os.listdir(folder)) if os.path.isdir(folder) else []


def test_png_upload_is_stored_and_shown_with_srcset(client, post, make, merchant, app):
    """A real PNG becomes resized WebP copies; the shop shows it with srcset and the alt text."""
    product = make.product("Blue mug")
    response = upload(post, product["id"], png_bytes(), "mug.png", alt="A blue mug on a table")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/admin/products/{product['id']}/edit#photos")

    files = stored_files(app)
    assert len(files) == 3 and all(name.endswith(".webp") for name in files)
    assert {name.rsplit("-", 1)[1] for name in files} == {"320.webp", "640.webp", "800.webp"}

    page = client.get("/products/blue-mug").get_data(as_text=True)
    assert 'alt="A blue mug on a table"' in page
    assert "srcset=" in page and "320w" in page and "800w" in page
    image_url = re.search(r'<img src="([^"]+)"', page).group(1)
    image = client.get(image_url)
    assert image.status_code == 200 and image.mimetype == "image/webp"
    image.close()

    edit = client.get(f"/admin/products/{product['id']}/edit").get_data(as_text=True)
    assert "-320.webp" in edit  # the thumbnail
    assert "Delete" in edit and "No photos yet" not in edit


def test_text_file_named_jpg_is_rejected_and_adds_nothing(client, post, make, merchant, app):
    """A text file renamed .jpg gets a 422 with a message; no file and no photo are added."""
    product = make.product("Blue mug")
    response = upload(post, product["id"], b"just some notes, not a photo\n" * 20, "photo.jpg")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "not an image we can read" in html
    assert 'id="photo-error" role="alert"' in html
    assert stored_files(app) == []
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(ProductImage.id))) == 0
        assert db.session.get(Product, product["id"]).cover_key is None
    assert "<img" not in client.get("/products/blue-mug").get_data(as_text=True).split("<main", 1)[1]


def test_upload_without_a_file_asks_for_one(post, make, merchant):
    product = make.product("Blue mug")
    response = post(f"/admin/products/{product['id']}/images", {"alt": "x"},
                    content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Choose a photo to upload." in response.get_data(as_text=True)


def test_deleting_a_photo_removes_it_from_the_shop(client, post, make, merchant, app):
    product = make.product("Blue mug")
    upload(post, product["id"], png_bytes(), "mug.png")
    with app.app_context():
        image_id = db.session.scalar(db.select(ProductImage.id))
    response = post(f"/admin/products/{product['id']}/images/{image_id}/delete", {})
    assert response.status_code == 303
    page = client.get("/products/blue-mug").get_data(as_text=True)
    assert "srcset=" not in page
    with app.app_context():
        assert db.session.get(Product, product["id"]).cover_key is None


def test_photo_of_another_product_cannot_be_deleted_through_this_one(post, make, merchant, app):
    first, second = make.product("Blue mug"), make.product("Red mug")
    upload(post, first["id"], png_bytes(), "mug.png")
    with app.app_context():
        image_id = db.session.scalar(db.select(ProductImage.id))
    assert post(f"/admin/products/{second['id']}/images/{image_id}/delete", {}).status_code == 404
    with app.app_context():
        assert db.session.get(ProductImage, image_id) is not None
