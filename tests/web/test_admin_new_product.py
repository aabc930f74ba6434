"""A new product from the back office: a draft until published, with its first photos sent in
the same form."""
import io
import re

from PIL import Image

from domain.extensions import db
from domain.models import Product, ProductImage
from tests.web.test_admin_images import stored_files
from tests.web.test_admin_products import count_products, product_form


def jpeg_bytes(width=640, height=480, colour=(40, 90, 160)):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def new_product(post, photos=(), **fields):
    """Post the new-product form as a browser does (multipart), with [(bytes, name, alt)];
    a field given as None is not sent."""
    data = {name: value for name, value in product_form(**fields).items() if value is not None}
    for index, (content, name, alt) in enumerate(photos):
        data[f"photos-{index}-photo"] = (io.BytesIO(content), name)
        data[f"photos-{index}-alt"] = alt
    return post("/admin/products/new", data, token_from="/admin/products/new",
                content_type="multipart/form-data")


def test_the_new_product_form_starts_as_a_draft_with_photo_inputs(client, merchant):
    """Draft is chosen; three photo inputs, each with a description box, and a multipart form."""
    html = client.get("/admin/products/new").get_data(as_text=True)
    assert '<option selected value="draft">Draft: hidden from the shop</option>' in html
    assert 'enctype="multipart/form-data"' in html
    assert len(re.findall(r'<input[^>]*type="file"', html)) == 3
    assert '<label for="photos-0-photo">Photo 1</label>' in html
    assert '<label for="photos-2-alt">Describe photo 3 for people who cannot see it</label>' in html


def test_a_new_product_is_hidden_until_the_merchant_publishes_it(client, post, make, merchant):
    """Created without choosing a status, it is a draft: not on its page, in the listing or in
    search; one click on Publish puts it on sale."""
    make.settings(currency="KRW")
    response = new_product(post, status=None)
    assert response.status_code == 303
    edit = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "was created as a draft: it stays hidden from the shop until you publish it." in edit
    assert client.get("/products/linen-apron").status_code == 404
    assert "Linen apron" not in client.get("/products").get_data(as_text=True)
    assert "Linen apron" not in client.get("/search?q=apron").get_data(as_text=True)

    product_id = re.search(r"/admin/products/(\d+)/edit", response.headers["Location"]).group(1)
    published = post(f"/admin/products/{product_id}/publish", {}, token_from=f"/admin/products/{product_id}/edit",
                     follow_redirects=True).get_data(as_text=True)
    assert "is published: it is for sale in the shop." in published
    page = client.get("/products/linen-apron")
    assert page.status_code == 200 and "₩39,000" in page.get_data(as_text=True)


def test_photos_sent_with_a_new_product_are_on_its_page(client, post, make, merchant, app):
    """Two JPEGs chosen on the new-product form are its photos, in order, with their texts."""
    response = new_product(post, status="active", photos=[
        (jpeg_bytes(colour=(200, 40, 40)), "front.jpg", "The apron from the front"),
        (jpeg_bytes(colour=(40, 200, 40)), "back.jpg", "The apron's back, with its ties")])
    assert response.status_code == 303
    page = client.get("/products/linen-apron").get_data(as_text=True)
    assert page.index('alt="The apron from the front"') < page.index(
        'alt="The apron&#39;s back, with its ties"')
    with app.app_context():
        product = db.session.scalar(db.select(Product))
        assert [image.alt for image in product.images] == [
            "The apron from the front", "The apron's back, with its ties"]
        assert product.cover_key == product.images[0].key
    assert len(stored_files(app)) == 4  # two photos, each at 320 and 640 px


def test_a_bad_photo_keeps_what_was_typed_and_saves_nothing(client, post, make, merchant, app):
    """A text file posing as the second photo: 422, the error next to that photo, every typed
    field still there, and no product, photo or file stored."""
    make.settings(currency="KRW")
    response = new_product(post, photos=[
        (jpeg_bytes(), "front.jpg", "The apron from the front"),
        (b"not a photo at all\n" * 50, "back.jpg", "Its back")],
        title="Linen apron, washed", summary="Soft from the first day.")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="photos-1-photo-error" role="alert">That file is not an image we can read' in html
    assert 'id="photos-0-photo-error"' not in html
    assert "please choose the photos again" in html
    for typed in ('value="Linen apron, washed"', 'value="Soft from the first day."',
                  'value="APR-S"', 'value="39,000"', 'value="45,000"', 'value="Its back"',
                  'value="The apron from the front"', "Soft **washed** linen."):
        assert typed in html, typed
    assert count_products(app) == 0
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(ProductImage.id))) == 0
    assert stored_files(app) == []


def test_photos_larger_together_than_16_mb_are_taken(post, make, merchant, app):
    """Three photos may weigh more than one upload's 16 MB together, within 15 MB each."""
    noise = Image.frombytes("RGB", (1400, 1400), bytes(range(256)) * (1400 * 1400 * 3 // 256 + 1))
    buffer = io.BytesIO()
    noise.save(buffer, "PNG")
    padding = 6 * 1024 * 1024 - len(buffer.getvalue())
    photos = [(buffer.getvalue() + bytes([n]) * padding, f"big-{n}.png", f"Photo {n}")
              for n in range(3)]
    assert sum(len(photo) for photo, _name, _alt in photos) > 16 * 1024 * 1024
    response = new_product(post, status="active", photos=photos)
    assert response.status_code == 303, response.status_code
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(ProductImage.id))) == 3
