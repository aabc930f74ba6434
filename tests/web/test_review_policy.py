"""/policies/reviews is written from the live review settings, in both languages, and every
list of reviews links to it."""
import pytest

from domain.extensions import db
from domain.models import ShopSettings


@pytest.fixture
def shop(make):
    make.settings(name="Moonjar", currency="KRW")
    make.product("Moon jar", price=120000)


def policy(client, lang="en"):
    response = client.get("/policies/reviews", headers={"Accept-Language": lang})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def settle(app, **values):
    with app.app_context():
        row = db.session.get(ShopSettings, 1)
        for key, value in values.items():
            setattr(row, key, value)
        db.session.commit()


def test_the_default_policy_moderates_and_gives_nothing_for_reviews(client, shop):
    """Who can review, moderation before publishing, no thank-you, the order, how long."""
    page = policy(client)
    assert "Only the buyer of a delivered order line that was not fully refunded" in page
    assert "up to 3 photos" in page
    assert "The shop reads every review, and every change to one, before it is published." in page
    assert "published as soon as they are written" not in page
    assert "The shop gives nothing in return for a review" in page
    assert "Reviews are shown newest first." in page
    assert "as long as the product is listed" in page and "erased" in page
    korean = policy(client, "ko")
    assert "리뷰 정책" in korean and "게시 전에 검토합니다" in korean
    assert "어떤 것도 드리지 않습니다" in korean


def test_the_policy_follows_auto_publish_and_the_thank_you_credit_at_once(app, client, shop):
    """A settings change shows on the next request (the cached page is refreshed): the credit
    amount, that it never depends on the rating, and the label reviews carry."""
    policy(client)
    settle(app, review_auto_publish=True, review_incentive="credit", review_incentive_amount=3000)
    page = policy(client)
    assert "Reviews are published as soon as they are written, whatever their rating." in page
    assert "The shop reads every review" not in page
    assert "receive ₩3,000 of store credit" in page and "whatever its rating" in page
    assert "“Reviewed with a thank-you credit”" in page
    assert "gives nothing in return" not in page
    korean = policy(client, "ko")
    assert "₩3,000의 적립금" in korean and "“적립금 지급 리뷰”" in korean
    assert "작성되는 즉시 게시됩니다" in korean


def test_a_credit_of_nothing_is_not_promised(app, client, shop):
    """The credit chosen with no amount gives nothing, and the page does not pretend otherwise."""
    settle(app, review_incentive="credit", review_incentive_amount=0)
    page = policy(client)
    assert "store credit" not in page and "The shop gives nothing in return" in page


def test_every_review_list_links_the_policy(client, shop):
    """The product page and the page of reviews both link to it."""
    for path in ("/products/moon-jar", "/products/moon-jar/reviews?sort=lowest"):
        page = client.get(path).get_data(as_text=True)
        assert '<a href="/policies/reviews">How reviews are collected and checked</a>' in page
