"""A product's photos on a phone: a row that scrolls sideways, by touch and by keyboard."""
import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from domain.extensions import db
from domain.images import add_image
from domain.models import Product


def png(colour):
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), colour).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def jar_with_photos(app, make):
    make.settings(name="Moonjar Studio", currency="KRW")
    make.shipping("Standard", price=3000)
    jar = make.product("Moon jar", price=39000)
    with app.app_context():
        product = db.session.get(Product, jar["id"])
        for colour, alt in (((240, 236, 228), "The jar from the front"),
                            ((200, 190, 170), "The jar's foot"), ((90, 80, 70), "The glaze up close")):
            add_image(product, png(colour), app.config["UPLOAD_FOLDER"], alt=alt)
        db.session.commit()
    return jar


def test_the_gallery_scrolls_with_the_keyboard_and_passes_the_audit(phone, live_server,
                                                                     jar_with_photos,
                                                                     axe_violations):
    """The photo row is a named region that takes focus, so arrow keys scroll it."""
    page = phone
    page.goto(f"{live_server}/products/moon-jar")
    expect(page.get_by_role("img", name="The glaze up close")).to_be_attached()
    assert axe_violations(page) == []
    gallery = page.get_by_role("region", name="Photos of Moon jar")
    expect(gallery.get_by_role("img")).to_have_count(3)

    gallery.focus()
    expect(gallery).to_be_focused()
    assert gallery.evaluate("element => element.scrollLeft") == 0
    page.keyboard.press("ArrowRight")
    page.wait_for_function("""() => document.activeElement.scrollLeft > 0""")


def test_the_gallery_is_named_in_korean(phone, live_server, jar_with_photos):
    """In Korean the region's name is Korean too."""
    page = phone
    page.goto(f"{live_server}/products/moon-jar")
    page.get_by_role("button", name="한국어").click()
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    expect(page.get_by_role("region", name="Moon jar 사진")).to_be_visible()
