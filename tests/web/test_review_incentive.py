"""The thank-you for a review: store credit for any review on its first submission, whatever
its stars; never for an edit; never for a guest (no account to hold it); "code" grants nothing
until the shop has coupons."""
import pytest

from domain.extensions import db
from domain.models import CreditEntry, User
from tests.order_helpers import NOW
from tests.review_helpers import delivered, lines_of, reviews, review_shop
from tests.web.test_review_form import form_link, send


@pytest.fixture
def shop(app, make):
    app.config["CLOCK"] = lambda: NOW
    setup = review_shop(make, review_incentive="credit", review_incentive_amount=2000)
    return setup


def balance(app, user_id):
    with app.app_context():
        db.session.expire_all()
        return db.session.get(User, user_id).credit_balance, db.session.scalar(
            db.select(db.func.count()).select_from(CreditEntry))


def test_one_star_and_five_stars_earn_the_same_thanks_once(app, shop, client, make, login):
    """Each first review earns ₩2,000 whatever its rating, and is labelled; an edit earns
    nothing more."""
    member = make.user(email="minji@example.com")
    order = delivered(app, shop, user_id=member["id"])
    lines = lines_of(app, order["number"])
    login(member)
    url = f"/orders/{order['number']}/review"
    send(client, url, {f"rating-{lines['Moon jar']}": "1", f"rating-{lines['Tea bowl']}": "5"})
    assert balance(app, member["id"]) == (4000, 2)
    assert [r["incentive"] for r in reviews(app)] == ["credit", "credit"]
    send(client, url, {f"rating-{lines['Moon jar']}": "5", f"title-{lines['Moon jar']}": "Better"})
    assert balance(app, member["id"]) == (4000, 2)
    assert "You were thanked with store credit for this review." in client.get(url).get_data(
        as_text=True)


def test_a_guest_review_is_neither_thanked_nor_labelled(app, shop, client):
    """No account, no credit: the review carries no thank-you label."""
    order = delivered(app, shop)
    jar = lines_of(app, order["number"])["Moon jar"]
    send(client, form_link(app, order["number"]), {f"rating-{jar}": "5"})
    assert [r["incentive"] for r in reviews(app)] == [""]
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(CreditEntry)) == 0


def test_code_grants_nothing_until_coupons_exist(app, shop, client, make, login):
    """The "code" setting is a seam: no credit, no label."""
    make.settings(review_incentive="code")
    member = make.user(email="minji@example.com")
    order = delivered(app, shop, user_id=member["id"])
    login(member)
    jar = lines_of(app, order["number"])["Moon jar"]
    send(client, f"/orders/{order['number']}/review", {f"rating-{jar}": "5"})
    assert [r["incentive"] for r in reviews(app)] == [""]
    assert balance(app, member["id"]) == (0, 0)
