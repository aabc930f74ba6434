"""Posting to the chat and polling it: each message once and in order, a cheap poll, the
conversation kept through signing in and hidden from everyone else, CSRF and the limits."""
from datetime import timedelta

import pytest

from domain.extensions import db
from domain.models import Conversation, ConversationMessage
from tests.chat_helpers import HX, chats, open_panel, send, tokens_of
from tests.help_helpers import SATURDAY, help_shop, reply_as_staff
from tests.page_helpers import sign_in, text


@pytest.fixture
def shop(app, make):
    help_shop(app, make)
    make.user(email="boss@example.com", merchant=True)
    return app


def _handed_over(client):
    """A chat handed to a person (closed on Saturday: the away message asks for an email)."""
    panel = text(open_panel(client))
    return send(client, panel, quick="person")


def test_the_same_form_sent_twice_adds_one_message(app, client, shop):
    """A double click, or a retry on a slow network, sends the panel's token twice."""
    panel = text(open_panel(client))
    first = send(client, panel, quick="person")
    again = send(client, panel, quick="person")
    assert first.status_code == again.status_code == 200
    [chat] = chats(app)
    assert [m[1] for m in chat["messages"]] == ["customer", "bot"]


def test_two_tabs_sending_the_first_message_twice_start_one_chat(app, client, shop):
    """The first message of a chat sent again from a second tab (no chat in its session yet)."""
    panel = text(open_panel(client))
    send(client, panel, quick="person")
    other = app.test_client()
    other.get("/")
    tokens = tokens_of(panel)
    other.post("/chat/messages", data={**tokens, "csrf_token": tokens_of(text(open_panel(other)))
                                       ["csrf_token"], "quick": "person"}, headers=HX)
    [chat] = chats(app)
    assert [m[1] for m in chat["messages"]] == ["customer", "bot"]


def test_messages_keep_their_order_and_a_post_returns_only_what_is_new(app, client, shop):
    _handed_over(client)
    for body in ("first", "second", "third"):
        answer = text(send(client, text(open_panel(client)), body=body))
        assert body in answer and "Talk to a person</li>" not in answer
    bodies = [m[2] for m in chats(app)[0]["messages"] if m[1] == "customer"]
    assert bodies == ["Talk to a person", "first", "second", "third"]
    panel = text(open_panel(client))
    assert panel.index("first") < panel.index("second") < panel.index("third")


def test_an_empty_message_is_refused_and_nothing_is_stored(app, client, shop):
    refused = send(client, text(open_panel(client)), body="   ")
    assert refused.status_code == 422 and "Write your message." in text(refused)
    assert chats(app) == []


def test_a_poll_with_nothing_new_is_204_in_one_query_without_a_cookie(app, client, shop,
                                                                     count_queries):
    _handed_over(client)
    after = chats(app)[0]["messages"][-1][0]
    client.get(f"/chat/poll?after={after}")  # the once-a-minute presence write
    with count_queries() as statements:
        response = client.get(f"/chat/poll?after={after}")
    assert response.status_code == 204 and response.get_data() == b""
    assert "Set-Cookie" not in response.headers
    assert len(statements) == 1 and statements[0].lstrip().upper().startswith("SELECT")


def test_a_poll_marks_the_shopper_present(app, client, shop):
    _handed_over(client)
    client.get("/chat/poll?after=0")
    with app.app_context():
        assert db.session.scalar(db.select(Conversation.customer_seen_at)) is not None


def test_a_staff_reply_arrives_by_poll_after_the_last_message(app, client, shop):
    _handed_over(client)
    chat = chats(app)[0]
    after = chat["messages"][-1][0]
    reply_id = reply_as_staff(app, chat["reference"], "Hello from <b>Minji</b>",
                              when=SATURDAY + timedelta(minutes=1))
    news = client.get(f"/chat/poll?after={after}")
    assert news.status_code == 200
    body = text(news)
    assert f'id="chat-m{reply_id}"' in body and "Hello from &lt;b&gt;Minji&lt;/b&gt;" in body
    assert f"/chat/poll?after={reply_id}" in body
    assert client.get(f"/chat/poll?after={reply_id}").status_code == 204
    # Shown in the open panel, the reply is read: it will not be emailed as unread later.
    with app.app_context():
        assert db.session.scalar(db.select(Conversation.unread_by_customer)) is False


def test_a_resolved_chat_stops_the_polling(app, client, shop):
    """286 is htmx's "stop polling"; the panel says the chat is resolved."""
    _handed_over(client)
    chat = chats(app)[0]
    reply_as_staff(app, chat["reference"], "Done.", resolve=True)
    stopped = client.get(f"/chat/poll?after={chat['messages'][-1][0]}")
    assert stopped.status_code == 286
    assert "This conversation is resolved" in text(stopped) and "hx-trigger" not in text(stopped)
    assert "hx-trigger=\"every" not in text(open_panel(client))


def test_another_visitors_chat_is_never_shown(app, client, shop):
    """Another's id, or a wrong secret, opens nothing: the same answer as no chat at all."""
    _handed_over(client)
    mine = chats(app)[0]
    stranger = app.test_client()
    with stranger.session_transaction() as session:
        session["chat"] = {"id": mine["id"], "key": "wrong-secret-of-the-right-length!"}
    assert stranger.get("/chat/poll?after=0").status_code == 286
    assert "Talk to a person</li>" not in text(open_panel(stranger))
    refused = stranger.post("/chat/email", headers=HX, data={
        "csrf_token": tokens_of(text(open_panel(stranger)))["csrf_token"],
        "email": "thief@example.com"})
    assert refused.status_code == 404 and chats(app)[0]["email"] == ""


def test_signing_in_keeps_the_chat_and_signing_out_hides_it(app, make, client, shop):
    _handed_over(client)
    shopper = make.user(email="minji@example.com", name="Minji Kim")
    assert sign_in(client, shopper["email"], shopper["password"]).status_code == 303
    panel = text(open_panel(client))
    assert "Talk to a person</li>" in panel
    chat = chats(app)[0]
    assert chat["user_id"] == shopper["id"] and chat["email"] == "minji@example.com"
    client.post("/account/logout", data={"csrf_token": tokens_of(panel)["csrf_token"]})
    assert "Talk to a person</li>" not in text(open_panel(client))
    assert client.get("/chat/poll?after=0").status_code == 286


def test_posting_without_the_csrf_token_is_refused(app, client, shop):
    panel = text(open_panel(client))
    refused = client.post("/chat/messages", headers=HX, data={
        "client_token": tokens_of(panel)["client_token"], "quick": "person"})
    assert refused.status_code == 400 and chats(app) == []


def test_posting_is_rate_limited(app, client, shop):
    _handed_over(client)
    statuses = [send(client, text(open_panel(client)), body=f"message {n}").status_code
                for n in range(25)]
    assert statuses.count(200) == 19 and statuses[-1] == 429
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(ConversationMessage)
                                 .where(ConversationMessage.author == "customer")) == 20


def test_the_away_message_goes_out_once_per_conversation(app, client, shop):
    _handed_over(client)
    send(client, text(open_panel(client)), quick="person")
    away = [m for m in chats(app)[0]["messages"] if (m[3] or {}).get("kind") == "away"]
    assert len(away) == 1


def _bot_kinds(app):
    return [(m[3] or {}).get("kind") for m in chats(app)[-1]["messages"] if m[1] == "bot"]


def test_a_quick_reply_and_a_question_are_answered_by_the_bot(app, client, shop):
    answer = send(client, text(open_panel(client)), quick="shipping")
    assert answer.status_code == 200 and "Shipping cost</li>" in text(answer)
    send(client, text(open_panel(client)), body="How much is delivery?")
    assert _bot_kinds(app) == ["shipping", "shipping"]
    assert chats(app)[0]["handed_over_at"] is None


def test_the_bots_order_lookups_share_the_tracking_forms_limit(app, make, client):
    """Ten wrong guesses on /orders/track spend the minute's allowance: the bot then looks up
    nothing either, and the form is refused after the bot's lookups too."""
    from tests.order_helpers import place, shop_with_a_product
    setup = shop_with_a_product(make)
    order = place(app, setup, email="minji@example.com")
    question = f"Where is my order {order['number']}? minji@example.com"
    send(client, text(open_panel(client)), body=question)
    assert _bot_kinds(app) == ["order_status"]
    for _ in range(9):
        client.post("/orders/track", data={"csrf_token": tokens_of(text(open_panel(client)))
                                           ["csrf_token"], "number": "AAA-AAAA",
                                           "email": "x@example.com"})
    send(client, text(open_panel(client)), body=question)
    assert _bot_kinds(app)[-1] == "limited"
    refused = client.post("/orders/track", data={"csrf_token": tokens_of(
        text(open_panel(client)))["csrf_token"], "number": order["number"],
        "email": "minji@example.com"})
    assert refused.status_code == 429


def test_a_chat_from_checkout_keeps_the_cart_and_the_checkout_error(app, make, client):
    """The merchant sees what was in the cart and what went wrong, as the shopper saw it."""
    from tests.order_helpers import shop_with_a_product
    setup = shop_with_a_product(make)
    help_shop(app, make)
    client.post("/cart/add", data={"csrf_token": tokens_of(text(open_panel(client)))["csrf_token"],
                                   "variant_id": setup["variant"], "quantity": 2})
    with client.session_transaction() as session:
        session["checkout_problem"] = {"code": "card_declined",
                                       "message": "Your card was declined."}
    panel = text(open_panel(client, {"about": "checkout", "path": "/checkout"}))
    send(client, panel, quick="person", about="checkout", path="/checkout")
    context = chats(app)[0]["context"]
    assert context["page"] == {"kind": "checkout", "path": "/checkout", "label": ""}
    assert context["cart"]["lines"] == [{"name": "Moon jar", "variant": "Small", "quantity": 2,
                                         "amount": "₩78,000"}]
    assert context["cart"]["total"] == "₩78,000" and context["cart"]["currency"] == "KRW"
    assert context["checkout_error"] == {"code": "card_declined",
                                         "message": "Your card was declined."}
