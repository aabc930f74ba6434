"""Saved replies filled in for a conversation: the customer's name, the order's number and its
tracking link on the shop's public address, in English and Korean; missing values left out
cleanly and named; unknown placeholders left visible. And the inbox's first-response figure."""
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from domain import orders, shopconfig
from domain.extensions import db
from domain.helpdesk import conversations, inbox, saved_replies
from domain.models import SavedReply
from tests.order_helpers import NOW, place, shop_with_a_product

WHERE = ("Hi {first_name},\nOrder {order_number} is on its way.\nTrack it here: {tracking_link}\n"
         "{shop_name}")
WHERE_KO = "{first_name}님, 안녕하세요.\n주문 {order_number} 배송 중입니다.\n배송 조회: {tracking_link}\n{shop_name}"


@pytest.fixture
def shop(app, make):
    app.config["SHOP_URL"] = "https://shop.example.com"
    return shop_with_a_product(make)


def start(name="Minji Park", locale="en", order=None):
    conversation, _ = conversations.start(email="minji@example.com", body="Where is it?", now=NOW,
                                          schedule=shopconfig.current().schedule, name=name,
                                          locale=locale, order=order)
    return conversation


def saved(body=WHERE, ko=WHERE_KO):
    return saved_replies.create("Where is my order?", body,
                                {"ko": {"title": "주문 조회", "body": ko}} if ko else {}, "en")


def test_a_reply_is_filled_in_english_with_a_tracking_link_that_opens_the_order(app, shop):
    number = place(app, shop)["number"]
    with app.test_request_context():
        order = orders.by_number(number)
        filled = saved_replies.fill(saved(), start(order=order), "en")
        lines = filled.text.split("\n")
        assert lines[:2] == ["Hi Minji,", f"Order {number} is on its way."]
        assert lines[3] == "Moonjar Studio"
        link = lines[2].removeprefix("Track it here: ")
        parts = urlsplit(link)
        assert (parts.scheme, parts.netloc, parts.path) == ("https", "shop.example.com", f"/orders/{number}")
        assert orders.order_for_token(number, parse_qs(parts.query)["t"][0]) is order
        assert filled.missing == () and filled.unknown == () and not filled.fallback


def test_a_reply_is_filled_in_korean_with_the_whole_korean_name(app, shop):
    number = place(app, shop)["number"]
    with app.test_request_context():
        filled = saved_replies.fill(saved(), start("박 민지", "ko", orders.by_number(number)), "ko")
        assert filled.text.startswith(f"박민지님, 안녕하세요.\n주문 {number} 배송 중입니다.\n배송 조회: https://shop.example.com/orders/{number}?t=")


@pytest.mark.parametrize("locale, expected", [
    ("en", "Hi Minji,\nOrder is on its way.\nMoonjar Studio"),
    ("ko", "박민지님, 안녕하세요.\n주문 배송 중입니다.\nMoonjar Studio"),
])
def test_without_an_order_the_missing_values_are_left_out_and_named(app, shop, locale, expected):
    """The tracking line goes (a link that does not exist); the number leaves its sentence."""
    with app.test_request_context():
        name = "박민지" if locale == "ko" else "Minji Park"
        filled = saved_replies.fill(saved(), start(name, locale), locale)
        assert filled.text == expected
        assert filled.missing == ("order_number", "tracking_link")


@pytest.mark.parametrize("locale, body, expected", [
    ("en", "Hi {first_name}, thanks for writing.", "Hi, thanks for writing."),
    ("ko", "{first_name}님, 문의 감사합니다.", "문의 감사합니다."),
])
def test_without_a_name_the_greeting_still_reads(app, shop, locale, body, expected):
    with app.test_request_context():
        reply = saved(body=body, ko=body) if locale == "ko" else saved(body=body, ko=None)
        filled = saved_replies.fill(reply, start("", locale), locale)
        assert filled.text == expected and filled.missing == ("first_name",)


@pytest.mark.parametrize("locale", ["en", "ko"])
def test_unknown_placeholders_are_left_visible(app, shop, locale):
    with app.test_request_context():
        reply = saved(body="Use {coupon_code}, {first_name}.", ko="{first_name}님, {coupon_code} 쿠폰")
        filled = saved_replies.fill(reply, start("Minji Park", locale), locale)
        assert "{coupon_code}" in filled.text and filled.unknown == ("coupon_code",)
        assert "Minji" in filled.text


def test_a_reply_without_korean_falls_back_to_the_main_language_and_says_so(app, shop):
    with app.test_request_context():
        filled = saved_replies.fill(saved(body="Hello {first_name}", ko=None), start("Minji", "ko"), "ko")
        assert filled.text == "Hello Minji" and filled.fallback


def test_saved_replies_are_checked_before_they_are_kept(app, shop):
    with app.test_request_context():
        with pytest.raises(saved_replies.InvalidMessage) as refused:
            saved_replies.create("Too long", "x" * 10_001, {}, "en")
        assert "body" in refused.value.fields
        with pytest.raises(saved_replies.InvalidMessage):
            saved_replies.create("Korean too long", "ok", {"ko": {"title": "t", "body": "x" * 10_001}}, "en")
        with pytest.raises(saved_replies.InvalidMessage):
            saved_replies.create("", "no title", {}, "en")
        assert db.session.scalar(db.select(db.func.count(SavedReply.id))) == 0


def test_reordering_moves_one_place_and_stops_at_the_ends(app, shop):
    with app.test_request_context():
        a, b, c = (saved_replies.create(t, "x", {}, "en") for t in "abc")
        saved_replies.move(c, -1)
        saved_replies.move(a, -1)
        assert [r.title for r in saved_replies.all_replies()] == ["a", "c", "b"]
        saved_replies.move(b, +1)
        assert [r.position for r in saved_replies.all_replies()] == [1, 2, 3]


def test_the_median_first_response_counts_this_weeks_answered_conversations(app, shop):
    now = NOW + timedelta(days=30)
    with app.test_request_context():
        assert inbox.median_first_response(now) == (None, 0)
        for minutes, age in ((5, 1), (45, 2), (60, 3), (90, 6), (1, 8)):
            conversation = start()
            conversation.created_at = now - timedelta(days=age)
            conversation.first_response_at = conversation.created_at + timedelta(minutes=minutes)
        start()  # not answered yet
        db.session.flush()
        assert inbox.median_first_response(now) == (timedelta(minutes=52, seconds=30), 4)
