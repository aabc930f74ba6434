"""Referrals on the web: /r/<code> keeps the code in the visitor's session and writes nothing,
the customer's referrals page (their link, the offer from the live settings, their referrals
with masked emails and nobody else's), and the back office's list, void and settings."""
import re

import pytest

from blueprints.common import REFERRAL_KEY
from domain.extensions import db
from domain.loyalty import referrals
from domain.loyalty import settings as loyalty_settings
from domain.models import Coupon, LoyaltySettings, Order, Referral, User
from tests.order_helpers import NOW, place, shop_with_a_product
from tests.page_helpers import text


@pytest.fixture
def shop(app, make):
    app.config["CLOCK"] = lambda: NOW
    setup = shop_with_a_product(make)
    setup["referrer"] = make.user(email="jisoo@example.com")
    with app.app_context():
        row = loyalty_settings.get()
        row.referrals_on = True
        row.referral_welcome_kind, row.referral_welcome_value = "amount", 5000
        row.referral_reward_kind, row.referral_reward_amount = "points", 500
        referrals.sync_welcome(NOW, row)
        setup["code"] = referrals.code_for(db.session.get(User, setup["referrer"]["id"]))
        db.session.commit()
    return setup


def refer(app, shop, email):
    placed = place(app, shop, email=email)
    with app.test_request_context():
        ref = referrals.order_placed(db.session.get(Order, placed["id"]), shop["code"], NOW)
        db.session.commit()
        return ref.id


def test_a_referral_link_keeps_the_code_in_the_session_and_writes_nothing(
        app, client, shop, count_queries):
    with count_queries() as statements:
        response = client.get(f"/r/{shop['code'].lower()}")
    assert response.status_code == 302 and response.location.endswith("/")
    assert not [s for s in statements if s.lstrip().upper().startswith(("INSERT", "UPDATE",
                                                                        "DELETE"))]
    with client.session_transaction() as session:
        assert session[REFERRAL_KEY] == shop["code"]


def test_an_unknown_code_or_referrals_off_just_go_home(app, client, shop):
    response = client.get("/r/NOSUCH22")
    assert response.status_code == 302 and response.location.endswith("/")
    with client.session_transaction() as session:
        assert REFERRAL_KEY not in session
    with app.app_context():
        db.session.get(LoyaltySettings, 1).referrals_on = False
        db.session.commit()
    assert client.get(f"/r/{shop['code']}").status_code == 302
    with client.session_transaction() as session:
        assert REFERRAL_KEY not in session


def test_the_customer_gets_a_link_and_sees_the_offer_and_masked_referrals(
        app, client, make, login, post, shop):
    refer(app, shop, "friend.one@example.com")
    newcomer = make.user(email="newcomer@example.com")
    login(newcomer)
    page = client.get("/account/referrals")
    assert page.status_code == 200
    words = text(page)
    assert "Your friend gets ₩5,000 off their first order." in words
    assert "You get 500 points when their first order can no longer be returned." in words
    assert "No referrals yet." in words
    assert "Invite friends" in text(client.get("/account/"))
    response = post("/account/referrals/link", {}, token_from="/account/referrals")
    assert response.status_code == 303
    with app.app_context():
        code = db.session.get(User, newcomer["id"]).referral_code
    assert code and f"/r/{code}" in client.get("/account/referrals").get_data(as_text=True)
    # The referrer sees their friend masked; the newcomer never saw it.
    assert "f***@example.com" not in words
    client.post("/account/logout", data={})
    login(shop["referrer"])
    mine = text(client.get("/account/referrals"))
    assert "f***@example.com" in mine and "friend.one" not in mine
    assert "Waiting for the return window to close" in mine
    assert f"/r/{shop['code']}" in client.get("/account/referrals").get_data(as_text=True)


def test_the_page_and_its_link_are_gone_while_referrals_are_off(app, client, login, shop):
    with app.app_context():
        db.session.get(LoyaltySettings, 1).referrals_on = False
        db.session.commit()
    login(shop["referrer"])
    assert client.get("/account/referrals").status_code == 404
    assert "Invite friends" not in text(client.get("/account/"))


@pytest.fixture
def owner(make, login):
    user = make.user(email="boss@example.com", merchant=True)
    login(user)
    return user


def test_the_owner_voids_a_pending_referral_with_a_reason(app, client, post, shop, owner):
    referral_id = refer(app, shop, "friend.two@example.com")
    page = text(client.get("/admin/referrals"))
    assert "jisoo@example.com" in page and "Waiting for the return window to close" in page
    refused = post(f"/admin/referrals/void/{referral_id}", {f"v{referral_id}-reason": ""},
                   token_from="/admin/referrals")
    assert refused.status_code == 422 and "Say why this referral is voided." in text(refused)
    with app.app_context():
        assert db.session.get(Referral, referral_id).status == "pending"
    done = post(f"/admin/referrals/void/{referral_id}", {f"v{referral_id}-reason": "Same family"},
                token_from="/admin/referrals")
    assert done.status_code == 303
    with app.app_context():
        ref = db.session.get(Referral, referral_id)
        assert (ref.status, ref.reason, ref.voided_by) == \
            ("void", "Same family", "merchant:boss@example.com")
    listed = text(client.get("/admin/referrals?status=void"))
    assert "Same family" in listed and "Voided by boss@example.com" in listed


def test_staff_read_the_list_but_cannot_void(app, client, make, login, post, shop):
    referral_id = refer(app, shop, "friend.three@example.com")
    login(make.user(email="clerk@example.com", role="staff"))
    page = client.get("/admin/referrals")
    assert page.status_code == 200 and "friend.three" not in text(page)
    assert "/admin/referrals/void/" not in page.get_data(as_text=True)
    response = post(f"/admin/referrals/void/{referral_id}", {f"v{referral_id}-reason": "x"},
                    token_from="/admin/referrals")
    assert response.status_code == 403
    with app.app_context():
        assert db.session.get(Referral, referral_id).status == "pending"


def test_settings_each_wrong_field_says_why_and_a_good_form_saves(app, client, post, shop, owner):
    bad = post("/admin/referrals/settings", {
        "referrals_on": "y", "welcome_kind": "percent", "welcome_value": "120",
        "reward_kind": "credit", "reward_amount": "lots", "monthly_cap": "x"},
        token_from="/admin/referrals/settings")
    assert bad.status_code == 422
    page = text(bad)
    assert "Enter a percentage from 1 to 100, like 10." in page
    assert "is not an amount we can read" in page
    assert "Enter a whole number from 0 (no limit) to 1000." in page
    good = post("/admin/referrals/settings", {
        "referrals_on": "y", "welcome_kind": "percent", "welcome_value": "10",
        "reward_kind": "credit", "reward_amount": "3,000", "monthly_cap": "2"},
        token_from="/admin/referrals/settings")
    assert good.status_code == 303
    with app.app_context():
        row = db.session.get(LoyaltySettings, 1)
        assert (row.referral_welcome_kind, row.referral_welcome_value, row.referral_reward_kind,
                row.referral_reward_amount, row.referral_monthly_cap) == \
            ("percent", 1000, "credit", 3000, 2)
        coupon = db.session.scalar(db.select(Coupon).where(Coupon.source == "referral"))
        assert (coupon.kind, coupon.value, coupon.paused) == ("percent", 1000, False)
    form = client.get("/admin/referrals/settings").get_data(as_text=True)
    assert re.search(r'name="welcome_value"[^>]*value="10"', form)


def test_the_referrers_reward_email_speaks_their_language(app, shop):
    from datetime import timedelta

    from blueprints import mail
    from domain import orders
    from domain.models import OutboxMessage
    from tests.smtp_helpers import text_and_html
    referral_id = refer(app, shop, "friend.four@example.com")
    with app.test_request_context():
        db.session.get(User, shop["referrer"]["id"]).locale = "ko"
        order = db.session.get(Referral, referral_id).order
        for status in ("paid", "packed", "shipped", "delivered"):
            orders.set_status(order, status, "merchant:test", NOW, carrier="CJ Logistics",
                              tracking_number="1")
        db.session.commit()
        assert referrals.decide_due(NOW + timedelta(days=40)) == 1
        db.session.commit()
    with app.app_context():
        message = db.session.scalar(db.select(OutboxMessage).where(
            OutboxMessage.kind == "referral_rewarded"))
        email = mail.renderer(app)(message)
    plain, _html = text_and_html(email)
    assert email["Subject"] == "친구의 주문으로 보상을 받았어요"
    assert "500포인트를 다음 주문에 바로 쓰실 수 있어요" in plain


def test_the_offer_follows_the_live_settings_in_korean(app, client, login, shop):
    with app.app_context():
        row = db.session.get(LoyaltySettings, 1)
        row.referral_welcome_kind, row.referral_welcome_value = "percent", 1000
        row.referral_reward_kind, row.referral_reward_amount = "credit", 3000
        db.session.commit()
    login(shop["referrer"])
    page = text(client.get("/account/referrals", headers={"Accept-Language": "ko-KR,ko;q=0.9"}))
    assert "친구는 첫 주문 10% 할인 혜택을 받아요." in page
    assert "친구의 첫 주문을 더 이상 반품할 수 없게 되면 받는 보상: 적립금 ₩3,000" in page
