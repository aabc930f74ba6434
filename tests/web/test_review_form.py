"""The one-page review form of an order: guests through the signed link, members from their
order page; one review per product per buyer; only what was delivered and kept is reviewed;
an edit waits for the merchant again; plain text only."""
import io

import pytest

from domain import orders
from domain.extensions import db
from domain.models import Review, ReviewRequest
from domain.reviews import links, moderation
from tests.order_helpers import NOW, advance, place
from tests.page_helpers import csrf_of, text
from tests.review_helpers import (both, delivered, jpeg, lines_of, photo_keys, product_counts,
                                  reviews, review_shop)


@pytest.fixture
def shop(app, make):
    app.config["CLOCK"] = lambda: NOW
    return review_shop(make)


def form_link(app, number):
    with app.test_request_context():
        return f"/orders/{number}/review?t={links.form_token(orders.by_number(number))}"


def send(client, url, fields, files=None):
    """Open the form at `url` and send it with `fields` (and `files`: {name: [(bytes, name)]}),
    with its CSRF token and signed link as the page hands them out."""
    html = client.get(url).get_data(as_text=True)
    data = {"csrf_token": csrf_of(html, url), **fields}
    if "?t=" in url:
        data["t"] = url.split("?t=")[1]
    for name, photos in (files or {}).items():
        data[name] = [(io.BytesIO(body), filename) for body, filename in photos]
    return client.post(url.split("?")[0], data=data, content_type="multipart/form-data")


def test_a_guest_reviews_two_items_with_a_photo_through_the_emailed_link(app, shop, client):
    """Both reviews wait for the merchant, with the name shown as "Kim M." and the variant
    bought; the page says so and shows the guest their own photo."""
    order = delivered(app, shop)
    lines = lines_of(app, order["number"])
    jar, bowl = lines["Moon jar"], lines["Tea bowl"]
    url = form_link(app, order["number"])
    response = send(client, url, {f"rating-{jar}": "5", f"title-{jar}": "Lovely glaze",
                                  f"body-{jar}": "Heavier than it looks.",
                                  f"recommend-{jar}": "yes", f"rating-{bowl}": "3",
                                  f"recommend-{bowl}": "no"},
                    {f"photos-{jar}": [(jpeg(), "IMG_0423.jpg")]})
    assert response.status_code == 303
    saved = reviews(app)
    assert [(r["product"], r["rating"], r["status"], r["recommend"], r["variant"], r["author"])
            for r in saved] == [("Moon jar", 5, "pending", True, "Small", "Kim M."),
                                ("Tea bowl", 3, "pending", False, "White", "Kim M.")]
    assert saved[0]["reviewer"] == "email:minji@example.com" and len(saved[0]["photos"]) == 1
    page = text(client.get(response.headers["Location"]))
    assert "Thank you! Your 2 reviews were saved." in page
    assert "Your name is shown shortened, as “Kim M.”." in page
    assert "The shop reads each review before it is shown." in page
    assert page.count("Your review is waiting for the shop to publish it.") == 2
    assert "IMG_0423" not in page
    [key] = photo_keys(page)
    assert client.get(f"/reviews/photos/{key}.webp?t={url.split('?t=')[1]}").status_code == 200
    assert client.get(f"/reviews/photos/{key}.webp").status_code == 404
    assert product_counts(app, "Moon jar") == (0, 0, [0, 0, 0, 0, 0])


def test_a_member_finds_the_form_on_their_order_page_without_a_token(app, shop, client, make,
                                                                     login):
    """Signed in, the order page links to the form, which opens without a signed link."""
    member = make.user(email="minji@example.com")
    order = delivered(app, shop, user_id=member["id"])
    login(member)
    page = text(client.get(f"/orders/{order['number']}"))
    assert "Review your items" in page
    assert f'href="/orders/{order["number"]}/review"' in page
    jar = lines_of(app, order["number"])["Moon jar"]
    response = send(client, f"/orders/{order['number']}/review", {f"rating-{jar}": "4"})
    assert response.status_code == 303
    assert [(r["reviewer"], r["rating"]) for r in reviews(app)] == [(f"user:{member['id']}", 4)]


def test_the_order_page_offers_no_review_before_delivery(app, shop, client, make, login):
    """A shipped order's page has no review link, and its form refuses a review."""
    member = make.user(email="minji@example.com")
    order = place(app, shop, payment="test_card", user_id=member["id"], items=both(shop))
    advance(app, order["number"], "packed", "shipped")
    login(member)
    assert "Review your items" not in text(client.get(f"/orders/{order['number']}"))
    page = text(client.get(f"/orders/{order['number']}/review"))
    assert "You can review this order once it has been delivered." in page
    jar = lines_of(app, order["number"])["Moon jar"]
    response = send(client, f"/orders/{order['number']}/review", {f"rating-{jar}": "5"})
    assert response.status_code == 422
    assert "You can review this order once it has been delivered." in text(response)
    assert reviews(app) == []


def test_another_order_s_link_or_no_link_opens_nothing(app, shop, client, make, login):
    """A guest with the link of another order, a tracking link, or none: 404 and no review; a
    signed-in customer cannot open someone else's order's form either."""
    mine = delivered(app, shop, email="minji@example.com")
    theirs = delivered(app, shop, email="jiho@example.com")
    token = form_link(app, mine["number"]).split("?t=")[1]
    assert client.get(f"/orders/{theirs['number']}/review?t={token}").status_code == 404
    assert client.get(f"/orders/{theirs['number']}/review?t={theirs['token']}").status_code == 404
    assert client.get(f"/orders/{theirs['number']}/review").status_code == 404
    jar = lines_of(app, theirs["number"])["Moon jar"]
    html = client.get(f"/orders/{mine['number']}/review?t={token}").get_data(as_text=True)
    response = client.post(f"/orders/{theirs['number']}/review",
                           data={"csrf_token": csrf_of(html), "t": token, f"rating-{jar}": "1"})
    assert response.status_code == 404
    login(make.user(email="someone@example.com"))
    assert client.get(f"/orders/{theirs['number']}/review").status_code == 404
    assert reviews(app) == []


def test_a_forged_field_naming_another_order_s_line_saves_nothing(app, shop, client):
    """A rating for a line of someone else's order, sent with my own link, is refused and
    nothing of the form is saved."""
    mine = delivered(app, shop, email="minji@example.com")
    theirs = delivered(app, shop, email="jiho@example.com", items={str(shop["black_bowl"]): 1})
    jar = lines_of(app, mine["number"])["Moon jar"]
    other = lines_of(app, theirs["number"])["Tea bowl"]
    response = send(client, form_link(app, mine["number"]),
                    {f"rating-{jar}": "5", f"rating-{other}": "1"})
    assert response.status_code == 422
    assert "That item is not part of this order; nothing was saved." in text(response)
    assert reviews(app) == []


def test_a_second_line_of_the_same_product_cannot_be_reviewed_twice(app, shop, client):
    """Two colours of one bowl in one order give one bowl review: the second line's field is
    refused like any other forged field."""
    order = delivered(app, shop, items={str(shop["bowl"]): 1, str(shop["black_bowl"]): 1})
    with app.app_context():
        from domain.models import OrderLine
        line_ids = db.session.scalars(db.select(OrderLine.id).order_by(OrderLine.id)).all()
    page = text(client.get(form_link(app, order["number"])))
    assert page.count('name="rating-') == 5
    response = send(client, form_link(app, order["number"]),
                    {f"rating-{line_ids[0]}": "5", f"rating-{line_ids[1]}": "1"})
    assert response.status_code == 422 and reviews(app) == []


def test_a_cancelled_order_cannot_be_reviewed(app, shop, client):
    """Cancelled before it shipped: the form says so and refuses a rating."""
    order = place(app, shop, payment="bank_transfer", items=both(shop))
    advance(app, order["number"], "cancelled")
    url = form_link(app, order["number"])
    assert "This order was cancelled, so there is nothing to review." in text(client.get(url))
    jar = lines_of(app, order["number"])["Moon jar"]
    assert send(client, url, {f"rating-{jar}": "5"}).status_code == 422
    assert reviews(app) == []


def test_a_returned_line_cannot_be_reviewed_but_the_rest_of_the_order_can(app, shop, client):
    """The moon jar went back for a refund: its line says so and a rating for it is refused;
    the tea bowl is still reviewed."""
    from tests.return_helpers import ask, step
    order = delivered(app, shop)
    rma = ask(app, order["number"])
    step(app, rma, "approve", "receive", "complete")
    url = form_link(app, order["number"])
    page = text(client.get(url))
    assert "You sent this item back, so it cannot be reviewed." in page
    lines = lines_of(app, order["number"])
    response = send(client, url, {f"rating-{lines['Moon jar']}": "1",
                                  f"rating-{lines['Tea bowl']}": "4"})
    assert response.status_code == 422
    assert "You sent this item back" in text(response) and reviews(app) == []
    assert send(client, url, {f"rating-{lines['Tea bowl']}": "4"}).status_code == 303
    assert [r["product"] for r in reviews(app)] == ["Tea bowl"]


def test_stars_are_required_and_limits_are_told(app, shop, client):
    """No stars, a 6-star rating, a title too long: each told on its item, nothing saved."""
    order = delivered(app, shop)
    lines = lines_of(app, order["number"])
    jar, bowl = lines["Moon jar"], lines["Tea bowl"]
    url = form_link(app, order["number"])
    response = send(client, url, {f"body-{jar}": "No stars given", f"rating-{bowl}": "6"})
    assert response.status_code == 422
    page = text(response)
    assert page.count("Choose from 1 to 5 stars.") >= 2
    assert "No stars given" in page  # what was typed is kept
    response = send(client, url, {f"rating-{jar}": "4", f"title-{jar}": "x" * 121})
    assert "Keep the title within 120 characters." in text(response)
    response = send(client, url, {})
    assert "Choose stars for at least one item to send a review." in text(response)
    assert reviews(app) == []


def test_photos_are_limited_and_a_bad_file_is_named_without_its_name(app, shop, client):
    """Four photos, or a file that is not an image: refused with a message that never
    repeats the file's name, nothing kept in the store."""
    order = delivered(app, shop)
    jar = lines_of(app, order["number"])["Moon jar"]
    url = form_link(app, order["number"])
    response = send(client, url, {f"rating-{jar}": "5"},
                    {f"photos-{jar}": [(jpeg(colour=(i, 0, 0)), f"p{i}.jpg") for i in range(4)]})
    assert response.status_code == 422
    assert "A review has 3 photos at most." in text(response)
    response = send(client, url, {f"rating-{jar}": "5"},
                    {f"photos-{jar}": [(b"<script>alert(1)</script>", "<b>evil</b>.jpg")]})
    page = text(response)
    assert response.status_code == 422 and "not an image we can read" in page
    assert "evil" not in page
    assert reviews(app) == []
    import os
    folder = app.config["REVIEW_PHOTO_FOLDER"]
    assert not os.path.exists(folder) or os.listdir(folder) == []


XSS = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "[link](javascript:alert(1))",
       "<a href='https://evil.example'>win</a>"]


@pytest.mark.parametrize("attack", XSS)
def test_review_text_is_kept_as_typed_and_shown_inert(app, shop, client, attack):
    """Markup in a title and a review is stored as plain text and escaped on the form page."""
    order = delivered(app, shop)
    jar = lines_of(app, order["number"])["Moon jar"]
    url = form_link(app, order["number"])
    response = send(client, url, {f"rating-{jar}": "2", f"title-{jar}": attack,
                                  f"body-{jar}": f"{attack}\nsecond line"})
    assert response.status_code == 303
    [saved] = reviews(app)
    assert saved["title"] == attack and saved["body"] == f"{attack}\nsecond line"
    html = client.get(url).get_data(as_text=True)
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "href='https://evil.example'" not in html and 'href="javascript' not in html


def test_a_later_purchase_updates_the_review_instead_of_adding_one(app, shop, client):
    """Bought the bowl again in black: the bowl's review is the same one, now for the newer
    line and its variant."""
    first = delivered(app, shop)
    bowl = lines_of(app, first["number"])["Tea bowl"]
    send(client, form_link(app, first["number"]), {f"rating-{bowl}": "3"})
    later = delivered(app, shop, items={str(shop["black_bowl"]): 1},
                      now=NOW.replace(day=20), token="again")
    again = lines_of(app, later["number"])["Tea bowl"]
    page = text(client.get(form_link(app, later["number"])))
    assert "Your review is waiting for the shop to publish it." in page
    assert send(client, form_link(app, later["number"]), {f"rating-{again}": "5"}).status_code == 303
    [review] = reviews(app)
    assert (review["rating"], review["order_line_id"], review["variant"]) == (5, again, "Black")


def test_an_edit_of_a_published_review_waits_again_and_the_stars_follow(app, shop, client):
    """Published 5 stars count on the product; an edit to 2 stars takes it off until the
    merchant publishes it again, and the product's figures follow."""
    order = delivered(app, shop)
    jar = lines_of(app, order["number"])["Moon jar"]
    url = form_link(app, order["number"])
    send(client, url, {f"rating-{jar}": "5"})
    publish_all(app)
    assert product_counts(app, "Moon jar") == (1, 5, [0, 0, 0, 0, 1])
    assert "Your review is published on the product page." in text(client.get(url))
    send(client, url, {f"rating-{jar}": "5"})  # unchanged: stays published
    assert reviews(app)[0]["status"] == "published"
    send(client, url, {f"rating-{jar}": "2", f"title-{jar}": "Cracked after a month"})
    assert [(r["status"], r["rating"]) for r in reviews(app)] == [("pending", 2)]
    assert product_counts(app, "Moon jar") == (0, 0, [0, 0, 0, 0, 0])


def test_with_auto_publish_a_review_and_its_edits_show_at_once(app, shop, client, make):
    """Auto-publish: published when sent, and an edit recounts the stars at once."""
    make.settings(review_auto_publish=True)
    order = delivered(app, shop)
    jar = lines_of(app, order["number"])["Moon jar"]
    url = form_link(app, order["number"])
    send(client, url, {f"rating-{jar}": "4"})
    assert reviews(app)[0]["status"] == "published"
    assert product_counts(app, "Moon jar") == (1, 4, [0, 0, 0, 1, 0])
    send(client, url, {f"rating-{jar}": "1"})
    assert reviews(app)[0]["status"] == "published"
    assert product_counts(app, "Moon jar") == (1, 1, [1, 0, 0, 0, 0])


def test_the_reviewer_sees_why_the_shop_hid_their_review(app, shop, client):
    """Hidden with a reason: the form page tells the reviewer the reason."""
    order = delivered(app, shop)
    jar = lines_of(app, order["number"])["Moon jar"]
    url = form_link(app, order["number"])
    send(client, url, {f"rating-{jar}": "1", f"body-{jar}": "Call 010-1234-5678"})
    with app.test_request_context():
        moderation.hide(db.session.scalar(db.select(Review)), "It shares a phone number.", NOW)
        db.session.commit()
    assert "The shop hid your review: It shares a phone number." in text(client.get(url))


def test_a_review_answers_the_order_s_review_request(app, shop, client):
    """The response rate: a review sent for an order marks its review request answered."""
    order = delivered(app, shop)
    with app.app_context():
        db.session.add(ReviewRequest(order_id=order["id"], state="sent", sent_at=NOW))
        db.session.commit()
    jar = lines_of(app, order["number"])["Moon jar"]
    send(client, form_link(app, order["number"]), {f"rating-{jar}": "4"})
    with app.app_context():
        assert db.session.scalar(db.select(ReviewRequest.answered_at)) is not None


def publish_all(app):
    with app.test_request_context():
        for review in db.session.scalars(db.select(Review)):
            moderation.publish(review, NOW)
        db.session.commit()


def test_the_form_speaks_korean(app, shop, client):
    """In Korean the form, its stars and its refusals are in Korean."""
    from tests.page_helpers import csrf_token
    client.post("/language", data={"csrf_token": csrf_token(client), "lang": "ko", "next": "/"})
    order = delivered(app, shop)
    url = form_link(app, order["number"])
    page = text(client.get(url))
    assert "주문 상품 리뷰" in page and "별 5개" in page and "다른 분께 추천하시겠어요?" in page
    jar = lines_of(app, order["number"])["Moon jar"]
    assert "별점을 1개에서 5개 사이로 골라 주세요." in text(send(client, url, {f"body-{jar}": "좋아요"}))


def test_an_order_refunded_in_full_cannot_be_reviewed(app, shop, client):
    """The merchant refunded the whole order (goodwill): no item of it may be reviewed."""
    from domain.returns import goodwill
    order = delivered(app, shop)
    with app.test_request_context():
        placed = orders.by_number(order["number"])
        assert goodwill.make_it_right(placed, "refund", placed.total, "Broken in transit",
                                      "merchant:test", NOW, goodwill.seen_stamp(placed)) == ""
        db.session.commit()
    url = form_link(app, order["number"])
    assert "This order was refunded in full, so there is nothing to review." in text(client.get(url))
    jar = lines_of(app, order["number"])["Moon jar"]
    assert send(client, url, {f"rating-{jar}": "5"}).status_code == 422
    assert reviews(app) == []


def test_an_edit_of_a_hidden_review_waits_for_the_merchant_even_with_auto_publish(app, shop,
                                                                                  client, make):
    """The merchant hid it: editing it does not bring it back by itself."""
    make.settings(review_auto_publish=True)
    order = delivered(app, shop)
    jar = lines_of(app, order["number"])["Moon jar"]
    url = form_link(app, order["number"])
    send(client, url, {f"rating-{jar}": "1", f"body-{jar}": "Call 010-1234-5678"})
    with app.test_request_context():
        moderation.hide(db.session.scalar(db.select(Review)), "It shares a phone number.", NOW)
        db.session.commit()
    send(client, url, {f"rating-{jar}": "1", f"body-{jar}": "Chipped rim"})
    assert [(r["status"], r["body"]) for r in reviews(app)] == [("pending", "Chipped rim")]
    assert product_counts(app, "Moon jar") == (0, 0, [0, 0, 0, 0, 0])


def test_a_form_without_its_csrf_token_saves_nothing(app, shop, client):
    """A cross-site post with the right link but no CSRF token is refused."""
    order = delivered(app, shop)
    jar = lines_of(app, order["number"])["Moon jar"]
    token = form_link(app, order["number"]).split("?t=")[1]
    response = client.post(f"/orders/{order['number']}/review",
                           data={"t": token, f"rating-{jar}": "5"})
    assert response.status_code == 400 and reviews(app) == []


def test_a_guest_s_order_page_links_to_the_form_and_a_merchant_s_view_does_not(app, shop, client,
                                                                                make):
    """The tracking link's page offers the signed form link; the merchant looking at the same
    order is not its buyer and is offered nothing."""
    import re
    order = delivered(app, shop)
    page = client.get(f"/orders/{order['number']}?t={order['token']}").get_data(as_text=True)
    link = re.search(r'href="(/orders/[^"]+/review\?t=[^"]+)"', page).group(1)
    assert link == form_link(app, order["number"])
    merchant = app.test_client()
    from tests.page_helpers import sign_in
    boss = make.user(email="boss@example.com", merchant=True)
    sign_in(merchant, boss["email"], boss["password"])
    assert "Review your items" not in merchant.get(f"/orders/{order['number']}").get_data(
        as_text=True)
