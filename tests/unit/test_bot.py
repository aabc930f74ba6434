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


# Orders ------------------------------------------------------------------------------------

def test_order_numbers_are_read_as_shoppers_write_them():
    """With or without its dash, in small letters; a word of the numbers' alphabet is none."""
    from domain.helpdesk.bot.words import order_number
    assert order_number("is K7Q-4D2M shipped?") == "K7Q-4D2M"
    assert order_number("k7q-4d2m please") == "K7Q-4D2M"
    assert order_number("order k7q4d2m") == "K7Q-4D2M"
    assert order_number("주문번호 K7Q 4D2M 입니다") == "K7Q-4D2M"
    assert order_number("where is my package?") == ""
    assert order_number("the vase") == ""
    assert order_number("K7Q-4D2O") == ""  # O is not in the numbers' alphabet
    from domain.helpdesk.bot.words import email
    assert email("it's Minji@Example.com.") == "Minji@Example.com"
    assert email("(minji.kim+shop@example.co.kr)?") == "minji.kim+shop@example.co.kr"
    assert email("제 이메일은 minji@example.com입니다") == "minji@example.com"


from domain.models import User  # noqa: E402
from tests.order_helpers import delivered_order, place  # noqa: E402


def answer_in(app, text, **kwargs):
    """The bot's answer in a request of its own, as the chat panel would ask it."""
    with app.test_request_context():
        if "customer_id" in kwargs:
            kwargs["customer"] = db.session.get(User, kwargs.pop("customer_id"))
        return ask(text, **kwargs)


def test_order_status_with_the_right_email_and_not_with_a_wrong_one(app, setup):
    order = place(app, setup, email="minji@example.com")
    number = order["number"]
    reply = answer_in(app, f"Where is my order {number}? I'm minji@example.com")
    assert reply.kind == "order_status"
    assert f"Order {number}: Order placed." in reply.text
    assert "waiting for your bank transfer" in reply.text
    assert reply.links[0].endpoint == "orders.track_order"
    assert reply.links[0].values == {"number": number, "t": order["token"]}
    wrong = answer_in(app, f"Where is my order {number}? I'm someone@example.com")
    nowhere = answer_in(app, "Where is my order 222-2222? I'm minji@example.com")
    assert wrong.kind == "order_status" and "couldn't find" in wrong.text
    assert number not in wrong.text and "Order placed" not in wrong.text
    # The same answer for a wrong email as for a number no order has: nothing is revealed.
    assert wrong == nowhere
    korean = answer_in(app, f"주문 {number} 어디쯤 왔나요? minji@example.com", locale="ko")
    assert f"주문 {number}: 주문 완료." in korean.text
    assert "무통장 입금을 기다리고" in korean.text


def test_a_number_without_email_asks_for_it_and_reads_the_next_message_as_the_email(app, setup):
    order = place(app, setup, email="minji@example.com")
    number = order["number"]
    asked = answer_in(app, f"Has {number.lower()} shipped yet?")
    assert asked.kind == "ask_email" and number in asked.text
    history = [("customer", f"Has {number} shipped yet?", None),
               ("bot", asked.text, asked.meta())]
    status = answer_in(app, "It's Minji@Example.com", history=history)
    assert status.kind == "order_status" and f"Order {number}: Order placed." in status.text
    not_email = answer_in(app, "hmm", history=history)
    assert not_email.kind == "ask_email" and "doesn't look like an email" in not_email.text
    assert not not_email.handover


def test_each_lookup_asks_the_shared_limit_and_a_spent_limit_says_so(app, setup):
    order = place(app, setup, email="minji@example.com")
    calls = []

    def allowed():
        calls.append(1)
        return False

    asked = answer_in(app, f"status of {order['number']}?", lookup_allowed=allowed)
    assert asked.kind == "ask_email" and calls == []
    limited = answer_in(app, f"status of {order['number']}? minji@example.com",
                        lookup_allowed=allowed)
    assert limited.kind == "limited" and "too many" in limited.text and calls == [1]
    assert "Order placed" not in limited.text


def test_a_signed_in_customer_picks_one_of_their_orders_and_needs_no_email(app, setup, make):
    user = make.user("jisoo@example.com")
    first = place(app, setup, email="jisoo@example.com", user_id=user["id"])
    second = place(app, setup, email="jisoo@example.com", user_id=user["id"],
                   now=NOW + timedelta(hours=1))
    stranger = place(app, setup, email="minji@example.com")
    which = answer_in(app, "Where is my order?", customer_id=user["id"])
    assert which.kind == "ask_order"
    assert which.quick_replies == (second["number"], first["number"])
    own = answer_in(app, first["number"], customer_id=user["id"],
                    history=[("bot", which.text, which.meta())])
    assert own.kind == "order_status" and f"Order {first['number']}" in own.text
    assert own.links[0].values == {"number": first["number"]}
    # Someone else's number: asked for its email like anyone, nothing said about the order.
    theirs = answer_in(app, stranger["number"], customer_id=user["id"])
    assert theirs.kind == "ask_email"
    guest = answer_in(app, "Where is my order?")
    assert guest.kind == "ask_order" and guest.links[0].endpoint == "orders.lookup"


# Returns -----------------------------------------------------------------------------------

def save_rule(app, **changes):
    with app.test_request_context():
        returns.save_rule("shop", None, rule_values(**changes), NOW)
        db.session.commit()


def test_return_eligibility_follows_the_live_rules(app, setup):
    """Delivered on 3 March (UTC shop): 30 days runs to 2 April; the merchant shortens it to
    14 days and the same question gets 17 March; final sale, and nothing can come back."""
    order = delivered_order(app, setup, email="minji@example.com")
    question = f"Can I return the moon jar from {order['number']}? minji@example.com"
    save_rule(app, window_days=30)
    reply = answer_in(app, question, now=NOW + timedelta(days=2))
    assert reply.kind == "return"
    assert "Moon jar · Small: you can ask for a return until April 2, 2026" in reply.text
    assert "Free returns within 30 days" in reply.text
    assert "You can choose: Refund, Exchange." in reply.text
    assert [link.endpoint for link in reply.links] == ["returns.request_form", "policies.returns"]
    assert reply.links[0].values == {"number": order["number"], "t": order["token"]}
    save_rule(app, window_days=14, allow_refund=False, allow_credit=False)
    shorter = answer_in(app, question, now=NOW + timedelta(days=2))
    assert "until March 17, 2026" in shorter.text and "April 2" not in shorter.text
    assert "You can choose: Exchange." in shorter.text
    late = answer_in(app, question, now=NOW + timedelta(days=20))
    assert "can't be returned (Window closed on 17 March)" in late.text
    assert [link.endpoint for link in late.links] == ["policies.returns"]
    save_rule(app, final_sale=True)
    final = answer_in(app, question, now=NOW + timedelta(days=2))
    assert "can't be returned (Final sale)" in final.text
    korean = answer_in(app, f"{order['number']} 반품 되나요? minji@example.com", locale="ko",
                       now=NOW + timedelta(days=2))
    assert "반품할 수 없습니다" in korean.text


def test_return_questions_without_an_order_get_the_policy_or_the_pages_product(app, setup):
    save_rule(app, window_days=21)
    general = answer_in(app, "What is your return policy?")
    assert general.kind == "return" and "Free returns within 21 days" in general.text
    assert general.links[-1].endpoint == "policies.returns"
    on_product = answer_in(app, "Can I return this?", context={
        "page": {"kind": "product", "path": "/products/moon-jar", "label": "Moon jar"}})
    assert on_product.kind == "return"
    assert on_product.text.startswith("Moon jar: Free returns within 21 days.")
    korean = answer_in(app, "반품 규정이 어떻게 되나요?", locale="ko")
    assert korean.kind == "return" and "21일" in korean.text


# Shipping and checkout ---------------------------------------------------------------------

def test_shipping_cost_and_delivery_time_come_from_the_settings(app, setup, make):
    reply = answer_in(app, "How much does shipping cost?")
    assert reply.kind == "shipping" and "Standard: ₩3,000" in reply.text
    time = answer_in(app, "How long does delivery take?")
    assert time.kind == "shipping" and "Standard: 2–3 days" in time.text
    make.shipping("Express", price=7500, days_min=1, days_max=1)
    korean = answer_in(app, "배송비 얼마예요?", locale="ko")
    assert korean.kind == "shipping"
    assert "₩3,000" in korean.text and "₩7,500" in korean.text


def test_why_after_a_declined_card_explains_and_hands_over(app, setup):
    context = {"checkout_error": {"code": "card_declined", "message": "Your card was declined."}}
    reply = answer_in(app, "why?", context=context)
    assert reply.handover and reply.reason == "payment"
    assert "bank transfer" in reply.text
    korean = answer_in(app, "왜 안 돼요?", locale="ko", context=context)
    assert korean.handover and "무통장 입금" in korean.text
    # Without an error on record, "why?" is just unclear.
    assert answer_in(app, "why?").kind == "unsure"


def test_other_checkout_errors_are_explained_with_what_to_do(app, setup):
    timeout = {"checkout_error": {"code": "card_timeout", "message": "The payment timed out."}}
    reply = answer_in(app, "what happened?", context=timeout)
    assert reply.handover and reply.reason == "payment" and "did not go through" in reply.text
    sold = {"checkout_error": {"code": "sold_out",
                               "message": "Moon jar · Small: only 1 left."}}
    reply = answer_in(app, "왜 주문이 안 돼요?", locale="ko", context=sold)
    assert not reply.handover and reply.quick_replies == ("상담원과 이야기하기",)
    assert "“Moon jar · Small: only 1 left.”" in reply.text and "장바구니" in reply.text
    assert reply.links[0].endpoint == "cart.view"


# The demo shop -----------------------------------------------------------------------------

@pytest.mark.parametrize("locale,text,kind,quoted", [
    ("en", "how long do I have to return", "return", "How long do I have to return?"),
    ("en", "how much is shipping", "shipping", "How much is shipping?"),
    ("en", "Do you ship internationally?", "faq", "Do you ship outside Korea?"),
    ("en", "how is it packaged?", "faq", "How are the pieces packed?"),
    ("en", "what payment methods do you accept", "faq", "How can I pay?"),
    ("en", "is it dishwasher safe?", "faq", "Can the bowls go in the dishwasher and microwave?"),
    ("en", "my cup looks different from the picture", "faq",
     "Why does my cup look different from the photo?"),
    ("en", "do you sell gift cards", "unsure", None),
    ("ko", "반품 기간이 얼마나 돼요?", "return", None),
    ("ko", "배송비 얼마예요", "shipping", "배송비는 얼마인가요?"),
    ("ko", "언제 도착해요?", "shipping", "주문한 상품은 언제 도착하나요?"),
    ("ko", "해외 배송 되나요?", "faq", "해외로도 배송하나요?"),
    ("ko", "결제 방법 알려주세요", "faq", "어떻게 결제하나요?"),
    ("ko", "전자레인지에 돌려도 되나요", "faq", "그릇을 식기세척기와 전자레인지에 써도 되나요?"),
    ("ko", "세금계산서 발행되나요", "faq", "세금계산서를 받을 수 있나요?"),
    ("ko", "주말에도 영업하나요", "unsure", None),
])
def test_the_demo_shops_help_page_answers_natural_questions(app, demo_shop, locale, text, kind,
                                                            quoted):
    """The questions a shopper types, not the help page's wording, in both languages."""
    reply = answer_in(app, text, locale=locale)
    assert reply.kind == kind
    if quoted:
        assert f"“{quoted}”" in reply.text
        assert reply.links[0].endpoint == "help.faq"


def test_a_hello_gets_what_the_bot_can_do_and_is_no_failure(help_page):
    hello = ask("안녕하세요", locale="ko")
    assert hello.kind == "unsure" and not hello.handover
    assert "상담원과 이야기하기" in hello.quick_replies
    history = [("customer", "안녕하세요", None), ("bot", hello.text, hello.meta())]
    unclear = ask("음...", locale="ko", history=history)
    assert unclear.kind == "unsure" and not unclear.handover


def test_a_product_named_without_an_order_gets_its_own_rule(app, setup, make):
    vase = make.product("Celadon vase", price=52000)
    save_rule(app, window_days=30)
    with app.test_request_context():
        returns.save_rule("product", vase["id"], rule_values(window_days=7, allow_refund=False),
                          NOW)
        db.session.commit()
    reply = answer_in(app, "Can I return the celadon vase?")
    assert reply.kind == "return"
    assert reply.text.startswith("Celadon vase: Free returns within 7 days")
    assert "You can choose: Exchange, Store credit." in reply.text
    jar = answer_in(app, "can I return the moon jar?")
    assert jar.text.startswith("Moon jar: Free returns within 30 days")


def test_a_guests_return_question_continues_after_the_email(app, setup):
    order = delivered_order(app, setup, email="minji@example.com")
    save_rule(app, window_days=30)
    question = f"{order['number']} 반품할 수 있나요?"
    asked = answer_in(app, question, locale="ko")
    assert asked.kind == "ask_email"
    history = [("customer", question, None), ("bot", asked.text, asked.meta())]
    reply = answer_in(app, "minji@example.com", locale="ko", history=history,
                      now=NOW + timedelta(days=2))
    assert reply.kind == "return" and "2026년 4월 2일까지 반품을 신청하실 수 있습니다" in reply.text


@pytest.mark.parametrize("locale", ["en", "ko"])
def test_the_greetings_quick_replies_lead_where_they_say(help_page, locale):
    hello = ask("hello", locale=locale)
    kinds = [ask(reply, locale=locale).kind for reply in hello.quick_replies]
    assert kinds == ["ask_order", "return", "shipping", "handover"]


def test_a_customer_asking_to_return_picks_an_order_and_gets_its_deadline(app, setup, make):
    """"Can I return my order?" offers the customer's orders; the number picked next is
    answered about returning it, not with its status."""
    user = make.user("jisoo@example.com")
    order = delivered_order(app, setup, email="jisoo@example.com", user_id=user["id"])
    save_rule(app, window_days=30)
    offered = answer_in(app, "Can I return my order?", customer_id=user["id"])
    assert offered.kind == "return" and offered.quick_replies == (order["number"],)
    history = [("customer", "Can I return my order?", None),
               ("bot", offered.text, offered.meta())]
    reply = answer_in(app, order["number"], customer_id=user["id"], history=history,
                      now=NOW + timedelta(days=2))
    assert reply.kind == "return" and "until April 2, 2026" in reply.text
    # The customer's own order: store credit is offered, and the link needs no token.
    assert "You can choose: Refund, Exchange, Store credit." in reply.text
    assert reply.links[0].values == {"number": order["number"]}


@pytest.mark.parametrize("text", [
    "How many people does the set serve?", "Will it crack in the oven?", "How can I pay?",
    "Is it personal to engrave?", "전자레인지에 넣으면 깨지나요?", "카드로 결제할 수 있나요?"])
def test_ordinary_questions_near_those_words_stay_with_the_bot(help_page, text):
    """Questions about what might happen, or how to pay, are not problems to hand over."""
    assert not ask(text).handover


def test_a_corrected_email_after_not_found_finds_the_order(app, setup):
    order = place(app, setup, email="minji@example.com")
    question = f"where is {order['number']}? minji@exampel.com"
    missed = answer_in(app, question)
    assert missed.kind == "order_status" and "couldn't find" in missed.text
    history = [("customer", question, None), ("bot", missed.text, missed.meta())]
    found = answer_in(app, "sorry, minji@example.com", history=history)
    assert found.kind == "order_status" and f"Order {order['number']}" in found.text


def test_thanks_is_answered_politely_and_is_no_failure(help_page):
    first = ask("blorp?")
    history = [("customer", "blorp?", None), ("bot", first.text, first.meta())]
    thanks = ask("감사합니다!", locale="ko", history=history)
    assert thanks.kind == "unsure" and not thanks.handover and "천만에요" in thanks.text
    # "Thanks" did not count as the second failure: the conversation stays with the bot...
    history += [("customer", "감사합니다!", None), ("bot", thanks.text, thanks.meta())]
    assert not ask("ok thanks", history=history).handover
    # ...and a real second failure still hands over.
    assert ask("zzzt", history=history).reason == "unsure_twice"


def test_a_generated_help_page_answer_is_drawn_from_the_settings_of_the_moment(app, make):
    """The help page's "How much is shipping?" quoted in the chat says today's prices."""
    faq_shop(app, make)
    before = answer_in(app, "배송비 얼마예요?", locale="ko")
    assert "“배송비는 얼마인가요?”" in before.text and "₩3,000" in before.text
    assert "₩8,000" not in before.text
    make.shipping("Express", price=8000, days_min=1, days_max=1)
    after = answer_in(app, "배송비 얼마예요?", locale="ko")
    assert "“배송비는 얼마인가요?”" in after.text and "₩8,000" in after.text


def test_sharing_one_word_of_several_is_not_a_match(help_page):
    """"Bowls" alone does not make a freezer question the dishwasher answer (1 of 3 words,
    under the threshold)."""
    reply = ask("Can soup bowls go in the freezer?")
    assert reply.kind == "unsure" and "dishwasher" not in reply.text
