"""The chat's bot answers from the shop's own data, in the visitor's language, and fetches a
person when asked, when a payment or damaged goods are involved, or when it fails twice."""
from datetime import timedelta

import pytest

from domain import returns
from domain.extensions import db
from domain.helpdesk import bot
from tests.faq_helpers import faq_shop
from tests.order_helpers import NOW
from tests.return_helpers import rule_values


def ask(text, locale="en", history=(), **kwargs):
    return bot.answer(text, locale=locale, now=kwargs.pop("now", NOW), history=list(history),
                      **kwargs)


@pytest.fixture
def help_page(app, make):
    ids = faq_shop(app, make)
    with app.test_request_context():
        yield ids


def test_a_question_on_the_help_page_is_answered_with_it_quoted_and_linked(help_page):
    """English and Korean wording find the same entry; the answer is in the visitor's
    language, quotes the question and links to its place on the help page."""
    reply = ask("Can I put the bowls in the dishwasher?")
    assert reply.kind == "faq" and not reply.handover
    assert "“Can the bowls go in the dishwasher?”" in reply.text
    assert "stoneware is glazed to last" in reply.text
    assert reply.links[0].endpoint == "help.faq"
    assert reply.links[0].values == {"_anchor": f"q-{help_page['washer']}"}
    korean = ask("식기세척기에 그릇 넣어도 돼요?", locale="ko")
    assert korean.kind == "faq"
    assert "“그릇을 식기세척기에 넣어도 되나요?”" in korean.text
    assert "튼튼한 석기입니다" in korean.text and "stoneware" not in korean.text
    assert korean.meta() == {"kind": "faq", "reason": "", "quick_replies": [], "links": [
        {"label": "도움말 페이지에서 보기", "endpoint": "help.faq",
         "values": {"_anchor": f"q-{help_page['washer']}"}}]}


def test_a_question_the_help_page_does_not_answer_gets_an_honest_not_sure(help_page):
    """Nothing close enough: the bot says so and offers a person, in both languages."""
    reply = ask("Do you sell gift vouchers for weddings?")
    assert reply.kind == "unsure" and not reply.handover
    assert "not sure" in reply.text
    assert reply.quick_replies == ("Talk to a person",)
    korean = ask("기프트 카드 파나요?", locale="ko")
    assert korean.kind == "unsure" and korean.quick_replies == ("상담원과 이야기하기",)


@pytest.mark.parametrize("text,locale", [
    ("Can I talk to a person?", "en"), ("human please", "en"), ("I want an agent", "en"),
    ("상담원 연결해 주세요", "ko"), ("사람이랑 얘기하고 싶어요", "ko"), ("직원분 계세요?", "ko")])
def test_asking_for_a_person_hands_over_at_once(help_page, text, locale):
    reply = ask(text, locale=locale)
    assert reply.kind == "handover" and reply.handover and reply.reason == "asked"


def test_a_second_unsure_hands_over(help_page):
    first = ask("blorp?")
    assert first.kind == "unsure" and not first.handover
    history = [("customer", "blorp?", None), ("bot", first.text, first.meta())]
    second = ask("zzzt", history=history)
    assert second.handover and second.reason == "unsure_twice"


@pytest.mark.parametrize("text,reason", [
    ("My card was declined", "payment"), ("I was charged twice for one order", "payment"),
    ("I still haven't received my refund", "payment"), ("카드 결제가 거절됐어요", "payment"),
    ("결제가 두 번 됐어요", "payment"), ("The vase arrived broken", "damage"),
    ("작품이 파손되어 왔어요", "damage"), ("컵이 깨진 채로 왔어요", "damage")])
def test_payment_and_damage_go_to_a_person_directly(help_page, text, reason):
    reply = ask(text)
    assert reply.handover and reply.reason == reason
