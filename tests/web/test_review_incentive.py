"""The thank-you for a review: store credit for any review on its first submission, whatever
its stars; never for an edit; never for a guest (no account to hold it). Or a single-use code,
for members and guests alike, once per product per reviewer, shown after sending and emailed."""
import pytest

from domain.extensions import db
from blueprints.mail import renderer
from domain.models import Coupon, CreditEntry, OutboxMessage, User
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


def codes_of(app):
    with app.app_context():
        return [(c.code, c.value, c.usage_limit, c.customer_user_id, c.customer_email, c.issue_key)
                for c in db.session.scalars(db.select(Coupon).where(Coupon.source == "review")
                                            .order_by(Coupon.id))]


def code_emails(app):
    with app.app_context():
        return [(m.to_address, m.data["coupon_id"]) for m in db.session.scalars(
            db.select(OutboxMessage).where(OutboxMessage.kind == "review_code")
            .order_by(OutboxMessage.id))]


def test_code_thanks_each_review_once_with_a_single_use_code(app, shop, client, make, login):
    """A member's two first reviews earn a code each (no credit), shown on the form and emailed;
    rewriting a review earns nothing more; each review says it was thanked with a code."""
    make.settings(review_incentive="code")
    member = make.user(email="minji@example.com")
    order = delivered(app, shop, user_id=member["id"])
    lines = lines_of(app, order["number"])
    login(member)
    url = f"/orders/{order['number']}/review"
    send(client, url, {f"rating-{lines['Moon jar']}": "1", f"rating-{lines['Tea bowl']}": "5"})
    issued = codes_of(app)
    assert [(value, limit, user, email) for _code, value, limit, user, email, _key in issued] == [
        (2000, 1, member["id"], "")] * 2
    assert [r["incentive"] for r in reviews(app)] == ["code", "code"]
    assert balance(app, member["id"]) == (0, 0)
    shown = client.get(url).get_data(as_text=True)
    assert "Your thank-you code for this review" in shown
    assert all(code in shown for code, *_rest in issued)
    assert "₩2,000 off one order" in shown
    assert [to for to, _id in code_emails(app)] == ["minji@example.com"] * 2
    send(client, url, {f"rating-{lines['Moon jar']}": "5", f"title-{lines['Moon jar']}": "Better"})
    assert codes_of(app) == issued and len(code_emails(app)) == 2


def test_a_guest_is_thanked_with_a_code_for_their_email(app, shop, client, make):
    """A guest has no account for credit, but a code works for their email address; its email
    is the promised thank-you, sent without the marketing headers."""
    make.settings(review_incentive="code")
    order = delivered(app, shop, email="Guest@Example.com")
    jar = lines_of(app, order["number"])["Moon jar"]
    send(client, form_link(app, order["number"]), {f"rating-{jar}": "4"})
    [(code, value, _limit, user, email, _key)] = codes_of(app)
    assert (value, user, email) == (2000, None, "guest@example.com")
    assert [r["incentive"] for r in reviews(app)] == ["code"]
    assert code_emails(app)[0][0].lower() == "guest@example.com"
    with app.app_context():
        message = db.session.scalar(db.select(OutboxMessage).where(
            OutboxMessage.kind == "review_code"))
        body = renderer(app)(message).as_bytes().decode("utf-8", "replace")
    assert code in body and "List-Unsubscribe" not in body


def test_the_review_policy_describes_the_code_as_it_is_given(app, shop, client, make):
    make.settings(review_incentive="code")
    page = client.get("/policies/reviews").get_data(as_text=True)
    assert "single-use discount code of ₩2,000 off one order, valid for 90 days" in page
    assert "with or without an account" in page
    make.settings(review_incentive_amount=0)
    page = client.get("/policies/reviews").get_data(as_text=True)
    assert "The shop gives nothing in return for a review" in page
