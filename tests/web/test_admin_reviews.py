"""The reviews moderation queue: publish, hide with a reason, reply in public, the filters and
pages, and the review settings; the stars on the product row stay exact through every change."""
import pytest

from domain.extensions import db
from domain.models import ShopSettings
from tests.order_helpers import NOW
from tests.page_helpers import csrf_token, text
from tests.review_admin_helpers import XSS, add_review, bought, review_row, stars


@pytest.fixture
def product_id(app, setup):
    from domain.models import Variant
    with app.app_context():
        return db.session.get(Variant, setup["variant"]).product_id


def test_publishing_counts_the_stars_and_hiding_takes_them_off(app, client, post, setup,
                                                               merchant, product_id):
    """A merchant publishes two reviews (5 and 2 stars): the product shows 2 reviews, 3.5 on
    average; hiding the 2-star one with a reason leaves one 5-star review, and the reviewer's
    reason is kept."""
    five = add_review(app, bought(app, setup, "a@example.com"), rating=5)
    two = add_review(app, bought(app, setup, "b@example.com"), rating=2, title="Chipped rim")
    page = text(client.get("/admin/reviews"))
    assert "Chipped rim" in page and "2 reviews" in page
    assert "2 reviews waiting to be published or hidden" in text(client.get("/admin/"))
    assert post(f"/admin/reviews/{five}/publish", token_from="/admin/reviews").status_code == 303
    assert post(f"/admin/reviews/{two}/publish", token_from="/admin/reviews").status_code == 303
    assert stars(app, product_id)[0] == (2, 7, [0, 1, 0, 0, 1])
    response = post(f"/admin/reviews/{two}/hide", {"r%d-reason" % two: "Names a person."},
                    token_from="/admin/reviews?status=published")
    assert response.status_code == 303
    assert review_row(app, two)["status"] == "hidden"
    assert review_row(app, two)["reason"] == "Names a person."
    stored, counted = stars(app, product_id)
    assert stored == counted == (1, 5, [0, 0, 0, 0, 1])


def test_hiding_without_a_reason_is_refused_and_changes_nothing(app, client, post, setup,
                                                                 merchant, product_id):
    review = add_review(app, bought(app, setup, "a@example.com"), rating=4, status="published")
    response = post(f"/admin/reviews/{review}/hide", {f"r{review}-reason": "   "},
                    token_from="/admin/reviews?status=published")
    assert response.status_code == 422
    assert "Say why the review is hidden" in text(response)
    too_long = post(f"/admin/reviews/{review}/hide", {f"r{review}-reason": "x" * 301},
                    token_from="/admin/reviews?status=published")
    assert too_long.status_code == 422 and "300 characters" in text(too_long)
    assert review_row(app, review)["status"] == "published"
    assert stars(app, product_id)[0] == (1, 4, [0, 0, 0, 1, 0])


def test_a_reply_is_plain_text_within_its_limit(app, client, post, setup, merchant):
    """The reply is stored as typed and shown escaped; one over the limit is refused; an empty
    reply removes it."""
    review = add_review(app, bought(app, setup, "a@example.com"), status="published",
                        title=XSS, body=XSS)
    response = post(f"/admin/reviews/{review}/reply", {f"r{review}-reply": "Thank you! " + XSS},
                    token_from="/admin/reviews")
    assert response.status_code == 303
    assert review_row(app, review)["reply"] == "Thank you! " + XSS
    assert review_row(app, review)["replied_at"] == NOW
    page = client.get("/admin/reviews?status=published").get_data(as_text=True)
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
    refused = post(f"/admin/reviews/{review}/reply", {f"r{review}-reply": "x" * 2001},
                   token_from="/admin/reviews")
    assert refused.status_code == 422 and "2000 characters" in text(refused)
    assert review_row(app, review)["reply"] == "Thank you! " + XSS
    post(f"/admin/reviews/{review}/reply", {f"r{review}-reply": ""}, token_from="/admin/reviews")
    assert review_row(app, review)["reply"] == "" and review_row(app, review)["replied_at"] is None


def test_filters_pick_waiting_low_stars_and_photos_and_pages_hold_twenty(app, client, setup,
                                                                         merchant):
    low = add_review(app, bought(app, setup, "low@example.com"), rating=1, title="Cracked")
    add_review(app, bought(app, setup, "pic@example.com"), rating=5, title="Photo one", photos=2)
    add_review(app, bought(app, setup, "pub@example.com"), rating=2, title="Old news",
               status="published")
    waiting = text(client.get("/admin/reviews"))
    assert "Cracked" in waiting and "Photo one" in waiting and "Old news" not in waiting
    lows = client.get("/admin/reviews?status=all&low=1").get_data(as_text=True)
    assert "Cracked" in lows and "Old news" in lows and "Photo one" not in lows
    # Publishing from a filtered list comes back to the same list.
    assert f'action="/admin/reviews/{low}/publish?status=all&amp;low=1"' in lows
    photos = client.get("/admin/reviews?status=all&photos=1").get_data(as_text=True)
    assert "Photo one" in photos and "Cracked" not in photos
    # The merchant sees a waiting review's photos, at the photos' own address.
    assert photos.count('src="/reviews/photos/') == 2 and 'alt="Photo 2 with the review"' in photos
    fragment = client.get("/admin/reviews?status=pending&low=1", headers={"HX-Request": "true"})
    assert "Cracked" in text(fragment) and "<nav" not in fragment.get_data(as_text=True)
    for n in range(21):
        add_review(app, bought(app, setup, f"many{n}@example.com"), rating=3, title=f"Many {n}")
    first = text(client.get("/admin/reviews"))
    assert "Page 1 of 2" in first and "Cracked" in first  # the longest waiting come first
    second = text(client.get("/admin/reviews?page=2"))
    assert "Many 20" in second and "Cracked" not in second
    assert low


def test_customers_and_visitors_cannot_moderate(app, client, post, setup, make, login):
    review = add_review(app, bought(app, setup, "a@example.com"))
    assert client.get("/admin/reviews").status_code in (302, 303)
    login(make.user(email="shopper@example.com"))
    assert client.get("/admin/reviews").status_code == 403
    assert post(f"/admin/reviews/{review}/publish").status_code == 403
    assert review_row(app, review)["status"] == "pending"


def test_unknown_review_is_404_and_a_post_without_its_token_changes_nothing(app, client, setup,
                                                                           merchant):
    review = add_review(app, bought(app, setup, "a@example.com"))
    assert client.post("/admin/reviews/999999/publish").status_code in (400, 404)
    assert client.post(f"/admin/reviews/{review}/publish").status_code == 400
    assert review_row(app, review)["status"] == "pending"


def settings_row(app):
    with app.app_context():
        row = db.session.get(ShopSettings, 1)
        return (row.review_auto_publish, row.review_request_days, row.review_reminder_days,
                row.review_incentive, row.review_incentive_amount)


def test_review_settings_are_saved_and_bad_values_say_what_is_wrong(app, client, post, setup,
                                                                    merchant):
    before = settings_row(app)
    refused = post("/admin/reviews/settings", {
        "request_days": "0", "reminder_days": "-1", "incentive": "credit",
        "incentive_amount": "lots"}, token_from="/admin/reviews/settings")
    assert refused.status_code == 422
    page = text(refused)
    assert "Enter a whole number of days from 1 to 90." in page
    assert "from 0 (no reminder) to 60" in page
    assert "is not an amount we can read" in page
    assert settings_row(app) == before
    code = post("/admin/reviews/settings", {"request_days": "7", "reminder_days": "7",
                                            "incentive": "code"},
                token_from="/admin/reviews/settings")
    assert code.status_code == 422
    assert "Enter the amount each review&#39;s thank-you code takes off." in text(code)
    unknown = post("/admin/reviews/settings", {"request_days": "7", "reminder_days": "7",
                                               "incentive": "gift"},
                   token_from="/admin/reviews/settings")
    assert unknown.status_code == 422
    assert "Please choose one of the listed thank-yous." in text(unknown)
    assert settings_row(app) == before
    saved = post("/admin/reviews/settings", {
        "auto_publish": "y", "request_days": "10", "reminder_days": "0", "incentive": "credit",
        "incentive_amount": "2,000"}, token_from="/admin/reviews/settings")
    assert saved.status_code == 303
    assert settings_row(app) == (True, 10, 0, "credit", 2000)
    form = text(client.get("/admin/reviews/settings"))
    assert "2,000" in form
    post("/admin/reviews/settings", {"request_days": "7", "reminder_days": "3", "incentive": "",
                                     "incentive_amount": "2,000"},
         token_from="/admin/reviews/settings")
    assert settings_row(app) == (False, 7, 3, "", 0)


def test_staff_moderate_but_cannot_change_the_review_settings(app, client, post, setup, make,
                                                              login):
    review = add_review(app, bought(app, setup, "a@example.com"))
    login(make.user(email="clerk@example.com", role="staff"))
    page = client.get("/admin/reviews")
    assert page.status_code == 200 and "Review settings" not in text(page)
    assert post(f"/admin/reviews/{review}/publish", token_from="/admin/reviews").status_code == 303
    assert review_row(app, review)["status"] == "published"
    before = settings_row(app)
    assert client.get("/admin/reviews/settings").status_code == 403
    assert post("/admin/reviews/settings", {"request_days": "30", "reminder_days": "0"},
                token_from="/admin/reviews").status_code == 403
    assert client.get("/admin/changes").status_code == 403
    assert client.get("/admin/testimonials").status_code == 403
    assert settings_row(app) == before


def test_products_that_disappoint_show_their_reviews_beside_returns_escaped(app, client, setup,
                                                                          merchant):
    from tests.return_helpers import ask
    number = bought(app, setup, "j@example.com")
    ask(app, number)
    add_review(app, number, rating=1, title=XSS, status="published")
    html = client.get("/admin/returns/insights").get_data(as_text=True)
    assert "1.0 of 5 (1)" in html and "Worst recent reviews" in html
    assert "<script>alert" not in html and "&lt;script&gt;" in html


def test_the_reviewer_reads_why_their_review_was_hidden(app, client, post, setup, merchant):
    """The reason typed in the queue is what the reviewer sees on their review form (opened
    from the emailed link, signed out), escaped."""
    from domain import orders
    from domain.reviews import links
    number = bought(app, setup, "a@example.com")
    review = add_review(app, number, status="published")
    reason = "It names another customer <b>by name</b>."
    assert post(f"/admin/reviews/{review}/hide", {f"r{review}-reason": reason},
                token_from="/admin/reviews").status_code == 303
    client.post("/account/logout", data={"csrf_token": csrf_token(client, "/admin/reviews")})
    with app.test_request_context():
        token = links.form_token(orders.by_number(number))
    html = client.get(f"/orders/{number}/review?t={token}").get_data(as_text=True)
    assert "The shop hid your review: It names another customer &lt;b&gt;by name&lt;/b&gt;." in html
