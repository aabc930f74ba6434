"""A product's stars (count, sum, distribution on its row) equal its published reviews after
every kind of change, and when several merchants publish and hide at the same instant on a
real threaded server (run on SQLite and on PostgreSQL)."""
from domain.extensions import db
from domain.models import Review, Variant
from domain.reviews import moderation, ratings
from tests.concurrency_helpers import Buyer, race
from tests.order_helpers import NOW
from tests.page_helpers import csrf_of
from tests.review_admin_helpers import add_review, bought, stars


def product_of(app, setup):
    with app.app_context():
        return db.session.get(Variant, setup["variant"]).product_id


def test_stars_stay_exact_through_publish_hide_edit_and_delete(app, setup):
    product_id = product_of(app, setup)
    ids = [add_review(app, bought(app, setup, f"r{n}@example.com"), rating=rating)
           for n, rating in enumerate((5, 4, 4, 1))]
    with app.app_context():
        reviews = [db.session.get(Review, i) for i in ids]
        for review in reviews:
            moderation.publish(review, NOW)
        db.session.commit()
    assert stars(app, product_id)[0] == (4, 14, [1, 0, 0, 2, 1])
    with app.app_context():
        moderation.hide(db.session.get(Review, ids[3]), "Off topic", NOW)
        db.session.commit()
    assert stars(app, product_id)[0] == (3, 13, [0, 0, 0, 2, 1])
    with app.app_context():
        # An edit from the review form: new stars on a published review, recounted with it.
        db.session.get(Review, ids[1]).rating = 2
        ratings.recount(product_id)
        db.session.commit()
    assert stars(app, product_id)[0] == (3, 11, [0, 1, 0, 1, 1])
    with app.app_context():
        # A deletion (the reviewer's data erased) recounts too.
        db.session.delete(db.session.get(Review, ids[0]))
        ratings.recount(product_id)
        db.session.commit()
    stored, counted = stars(app, product_id)
    assert stored == counted == (2, 6, [0, 1, 0, 1, 0])
    with app.app_context():
        assert db.session.get(Review, ids[1]).product.rating_average == 3.0


def test_merchants_publishing_and_hiding_at_the_same_instant_leave_exact_stars(
        app, make, setup, live_server):
    """Eight browsers press at once: five publish five waiting reviews, three hide three
    published ones. Every press succeeds and the product's row equals a fresh count."""
    product_id = product_of(app, setup)
    waiting = [add_review(app, bought(app, setup, f"w{n}@example.com"), rating=n + 1)
               for n in range(5)]
    shown = [add_review(app, bought(app, setup, f"s{n}@example.com"), rating=5,
                        status="published") for n in range(4)]
    assert stars(app, product_id)[0] == (4, 20, [0, 0, 0, 0, 4])
    boss = make.user(email="boss@example.com", merchant=True)
    browsers = [Buyer(live_server).sign_in(boss) for _ in range(8)]
    jobs = []
    for browser, review_id in zip(browsers, waiting):
        _, _, html = browser.request("/admin/reviews")
        jobs.append(lambda b=browser, r=review_id, t=csrf_of(html): b.request(
            f"/admin/reviews/{r}/publish", {"csrf_token": t}))
    for browser, review_id in zip(browsers[5:], shown[:3]):
        _, _, html = browser.request("/admin/reviews?status=published")
        jobs.append(lambda b=browser, r=review_id, t=csrf_of(html): b.request(
            f"/admin/reviews/{r}/hide", {"csrf_token": t, f"r{r}-reason": "Duplicate"}))
    answers = race(jobs)
    assert [status for status, _, _ in answers] == [303] * 8, [b[:300] for _, _, b in answers]
    stored, counted = stars(app, product_id)
    assert stored == counted == (6, 20, [1, 1, 1, 1, 2])
