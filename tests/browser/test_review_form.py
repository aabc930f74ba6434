"""The review form on a phone: found by role and label, sent without any script needed, and
clean under axe in English and Korean."""
import pytest
from playwright.sync_api import expect

from domain import orders
from domain.reviews import links
from tests.order_helpers import NOW
from tests.review_helpers import delivered, jpeg, review_shop, reviews


@pytest.fixture
def form_url(app, make, live_server):
    app.config["CLOCK"] = lambda: NOW
    setup = review_shop(make)
    order = delivered(app, setup)
    with app.test_request_context():
        token = links.form_token(orders.by_number(order["number"]))
    return f"{live_server}/orders/{order['number']}/review?t={token}"


def test_a_guest_rates_two_items_and_adds_a_photo_on_a_phone(app, phone, form_url, axe_violations,
                                                             tmp_path):
    """Stars as labelled radios, the title and a photo by their labels; the page fits the
    screen and axe finds nothing, before and after sending."""
    page = phone
    page.goto(form_url)
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    jar = page.get_by_role("group", name="Your rating of Moon jar")
    jar.get_by_role("radio", name="5 stars").check()
    page.get_by_role("group", name="Your rating of Tea bowl").get_by_role(
        "radio", name="2 stars").check()
    page.get_by_label("Title (optional)").first.fill("Lovely glaze")
    photo = tmp_path / "IMG_0423.jpg"
    photo.write_bytes(jpeg())
    page.get_by_label("Photos (optional)").first.set_input_files(str(photo))
    page.get_by_role("button", name="Send my reviews").click()
    expect(page.get_by_text("Thank you! Your 2 reviews were saved.")).to_be_visible()
    expect(page.get_by_role("img", name="Your photo 1 of Moon jar")).to_be_visible()
    assert axe_violations(page) == []
    assert [(r["product"], r["rating"], len(r["photos"])) for r in reviews(app)] == [
        ("Moon jar", 5, 1), ("Tea bowl", 2, 0)]


def test_the_form_is_clean_in_korean(phone, form_url, axe_violations):
    """In Korean too, the stars are named and the page passes axe."""
    page = phone
    page.goto(form_url)
    page.get_by_role("button", name="한국어").click()
    expect(page.get_by_role("heading", name="주문 상품 리뷰")).to_be_visible()
    expect(page.get_by_role("group", name="Moon jar 별점").get_by_role(
        "radio", name="별 5개")).to_be_visible()
    assert axe_violations(page) == []
