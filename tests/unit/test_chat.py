"""The chat's rules: one message per token, the first one included; the bot answers until a
person is fetched; the hand-over promises a reply from the data, or sends the away message
once; an email address is checked; a poll reads only what is new."""
from datetime import datetime, timedelta, timezone

import pytest

from domain.errors import InvalidMessage
from domain.extensions import db
from domain.helpdesk import chat, presence
from domain.models import Conversation, User
from domain.shopconfig import current as current_settings
from tests.faq_helpers import faq_shop
from tests.help_helpers import SATURDAY, help_shop

MONDAY_NOON = datetime(2026, 3, 9, 3, 0, tzinfo=timezone.utc)


@pytest.fixture
def desk(app, make):
    help_shop(app, make)
    make.user(email="boss@example.com", merchant=True)
    with app.test_request_context():
        yield current_settings()


def _chat(token="first-token-0123456789", kind="product", label="Walnut Desk Lamp"):
    return chat.start(SATURDAY, context=chat.page_context(kind, "/products/lamp", label),
                      locale="en", client_token=token)


def _say(conversation, body, token, when=SATURDAY, **kwargs):
    return chat.say(conversation, body, when, client_token=token, settings=current_settings(),
                    **kwargs)


def _messages(conversation):
    return [(m.author, m.body, (m.meta or {}).get("kind")) for m in conversation.messages]


def test_the_greeting_follows_the_page():
    assert chat.greeting(chat.page_context("product", label="Walnut Desk Lamp")) \
        == "Questions about the Walnut Desk Lamp?"
    assert chat.greeting(chat.page_context("order", label="K7Q-4D2M")) \
        == "Questions about order K7Q-4D2M?"
    assert "paying or delivery" in chat.greeting(chat.page_context("checkout"))
    assert chat.greeting(None) == "Hello! How can we help?"


def test_the_same_first_token_opens_the_same_chat(desk):
    first = _chat()
    _say(first, "Talk to a person", "first-token-0123456789", quick="person")
    db.session.commit()
    assert _chat() is first
    assert db.session.scalar(db.select(db.func.count()).select_from(Conversation)) == 1


def test_a_message_sent_twice_is_stored_once_and_answered_once(desk):
    conversation = _chat()
    one = _say(conversation, "Talk to a person", "first-token-0123456789", quick="person")
    two = _say(conversation, "Talk to a person", "first-token-0123456789", quick="person")
    assert one is two and [a for a, _b, _k in _messages(conversation)] == ["customer", "bot"]


def test_the_bot_answers_and_the_chat_stays_out_of_the_inbox(desk, app, make):
    faq_shop(app, make)
    conversation = _chat()
    _say(conversation, "How much is shipping?", "token-shipping-0123456789")
    assert [a for a, _b, _k in _messages(conversation)] == ["customer", "bot"]
    assert conversation.handed_over_at is None and conversation.unread_by_staff is False
    assert conversation.reply_due_at is None


def test_a_payment_question_goes_straight_to_a_person(desk):
    conversation = _chat()
    _say(conversation, "My card was charged twice", "token-payment-0123456789")
    kinds = [k for _a, _b, k in _messages(conversation)]
    assert kinds == [None, "handover", "away"]
    assert conversation.handed_over_at == SATURDAY and conversation.unread_by_staff is True
    assert conversation.reply_due_at is not None


def test_outside_hours_the_away_message_says_when_the_shop_opens_and_asks_for_an_email(desk):
    conversation = _chat()
    _say(conversation, "Talk to a person", "token-person-0123456789", quick="person")
    away = conversation.messages[-1]
    assert away.meta["kind"] == "away" and away.meta["ask_email"] is True
    assert "We are closed now and open Monday 09:00" in away.body
    assert away.meta["opens_at"] == "2026-03-09T00:00:00+00:00"
    assert chat.wants_email(conversation)


def test_the_away_message_goes_out_once_per_conversation(desk):
    conversation = _chat()
    _say(conversation, "Talk to a person", "token-a-0123456789abc", quick="person")
    chat.handover(conversation, SATURDAY, settings=current_settings())
    chat.away(conversation, SATURDAY, settings=current_settings())
    assert [k for _a, _b, k in _messages(conversation)].count("away") == 1
    # Another request that read the chat before the first one sent it claims nothing either.
    assert chat.away(db.session.get(Conversation, conversation.id), SATURDAY,
                     settings=current_settings()) is None


def test_no_away_message_while_the_bot_answers(desk, app, make):
    faq_shop(app, make)
    conversation = _chat()
    _say(conversation, "How much is shipping?", "token-ship-0123456789ab")
    _say(conversation, "hello", "token-hello-0123456789ab")
    assert conversation.away_sent_at is None
    assert "away" not in [k for _a, _b, k in _messages(conversation)]


def test_with_someone_at_the_inbox_in_hours_a_person_is_promised_from_the_data(desk):
    boss = db.session.scalar(db.select(User).where(User.is_merchant.is_(True)))
    presence.staff_seen(boss.id, MONDAY_NOON)
    conversation = _chat()
    _say(conversation, "Talk to a person", "token-live-0123456789ab", when=MONDAY_NOON,
         quick="person")
    live = conversation.messages[-1]
    assert live.meta["kind"] == "live" and live.meta["minutes"] == 120
    assert live.body == "Minji will reply shortly (usually within 2 hours)."
    assert conversation.away_sent_at is None


def test_the_promise_is_the_median_first_reply_to_chats(desk):
    for n, minutes in enumerate((2, 3, 9)):
        answered = chat.start(MONDAY_NOON, context={}, locale="en",
                              client_token=f"token-answered-{n}-0123456789")
        # Last Monday at noon, inside business hours.
        answered.handed_over_at = MONDAY_NOON - timedelta(days=7)
        answered.first_response_at = answered.handed_over_at + timedelta(minutes=minutes)
    # A chat handed over on Sunday, while the shop was closed, is not part of the promise.
    closed = chat.start(MONDAY_NOON, context={}, locale="en", client_token="token-closed-0123456789")
    closed.handed_over_at = MONDAY_NOON - timedelta(days=1)
    closed.first_response_at = closed.handed_over_at + timedelta(hours=20)
    db.session.flush()
    assert chat.usual_reply_minutes(current_settings().schedule, MONDAY_NOON) == 3


def test_after_the_hand_over_messages_wait_for_the_person(desk):
    conversation = _chat()
    _say(conversation, "Talk to a person", "token-h-0123456789abcd", quick="person")
    count = len(conversation.messages)
    _say(conversation, "My order is K7Q-4D2M", "token-h2-0123456789abcd")
    assert len(conversation.messages) == count + 1 and conversation.messages[-1].author == "customer"


def test_a_valid_email_is_kept_and_a_bad_one_refused(desk):
    conversation = _chat()
    _say(conversation, "Talk to a person", "token-e-0123456789abcd", quick="person")
    with pytest.raises(InvalidMessage):
        chat.give_email(conversation, "not an address", SATURDAY)
    assert conversation.email == ""
    chat.give_email(conversation, " Minji@Example.com ", SATURDAY)
    assert conversation.email == "minji@example.com" and not chat.wants_email(conversation)


def test_a_poll_reads_what_is_new_in_order_and_nothing_with_a_wrong_secret(desk):
    conversation = _chat()
    _say(conversation, "Talk to a person", "token-p-0123456789abcd", quick="person")
    db.session.flush()
    first = conversation.messages[0].id
    found = chat.news(conversation.id, conversation.secret, first)
    assert found.status == "open" and found.user_id is None
    assert found.newest == conversation.messages[-1].id
    assert [m.id for m in chat.messages_after(conversation.id, first)] \
        == [m.id for m in conversation.messages[1:]]
    assert chat.news(conversation.id, "wrong", 0) is None
    assert chat.news(conversation.id, conversation.secret, conversation.messages[-1].id).newest \
        is None
