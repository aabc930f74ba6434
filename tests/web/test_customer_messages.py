"""A customer's conversations: their list in the account with unread replies marked, one
conversation's page for its owner or the holder of its signed link (and a 404 for anyone
else), the reply form with its reopen rule, the photos, and the reply email."""
import re
from datetime import timedelta

import pytest

from domain.extensions import db
from domain.helpdesk import conversations as desk
from domain.models import Conversation, User
from tests.help_helpers import (SATURDAY, ask, conversations, count_messages, help_shop, jpeg,
                                outbox, reply_as_staff)
from tests.page_helpers import csrf_of, text
from tests.smtp_helpers import smtp_server, text_and_html
from tests.web.test_emails import run_worker, translated

TOKEN_RE = re.compile(r'name="client_token"[^>]*value="([^"]+)"')
PHOTO_RE = re.compile(r'<img src="(/[^"]+/photos/\d+\.webp)"')


@pytest.fixture
def shop(app, make):
    help_shop(app, make)
    make.user(email="boss@example.com", merchant=True)
    return app


@pytest.fixture
def owner(make):
    return make.user(email="minji@example.com", name="Kim Minji")


def asked_signed_in(client, login, user, **fields):
    login(user)
    response = ask(client, email=user["email"], **fields)
    assert response.status_code == 303
    return response


def send_reply(client, path, body="Thank you!", token=None):
    html = client.get(path).get_data(as_text=True)
    return client.post(path, data={"csrf_token": csrf_of(html),
                                   "client_token": token or TOKEN_RE.search(html).group(1),
                                   "body": body})


def test_the_owner_reads_their_conversation_in_the_account(shop, client, login, owner):
    """After asking, the signed-in customer lands in their account's conversation; a reply
    shows as unread in the list and the menu, and opening it marks it read."""
    response = asked_signed_in(client, login, owner)
    [conversation] = conversations(shop)
    assert response.headers["Location"] == f"/account/messages/{conversation['reference']}?sent=1"
    reply_as_staff(shop, conversation["reference"], "Your jar ships on Monday.")
    inbox = text(client.get("/account/messages"))
    assert conversation["reference"] in inbox and "New reply" in inbox
    assert "Waiting for customer" in inbox and "1 unread" in inbox
    page = text(client.get(f"/account/messages/{conversation['reference']}"))
    assert "Your jar ships on Monday." in page and "Minji" in page
    after = text(client.get("/account/messages"))
    assert "New reply" not in after and "1 unread" not in after


def test_the_list_shows_the_latest_conversation_first(shop, client, login, owner, make):
    """Two questions: the later one is listed first; someone else's is not listed at all."""
    asked_signed_in(client, login, owner, body="First question", topic="payment")
    shop.config["CLOCK"] = lambda: SATURDAY + timedelta(hours=1)
    asked_signed_in(client, login, owner, body="Second question", topic="returns")
    first, second = conversations(shop)
    page = text(client.get("/account/messages"))
    assert page.index(second["reference"]) < page.index(first["reference"])
    login(make.user(email="other@example.com"))
    assert first["reference"] not in text(client.get("/account/messages"))


def test_nobody_else_opens_a_conversation(shop, client, login, owner, make):
    """Another customer, a tampered key, a missing reference: the same 404; the link works for
    a guest, and the account page asks a visitor to sign in."""
    asked_signed_in(client, login, owner)
    [conversation] = conversations(shop)
    reference, secret = conversation["reference"], conversation["secret"]
    own = f"/account/messages/{reference}"
    link = f"/help/messages/{reference}/{secret}"
    login(make.user(email="other@example.com"))
    assert client.get(own).status_code == 404
    assert client.post(own, data={"body": "hi"}).status_code in (400, 404)
    assert client.get(link).status_code == 200  # the link is the key, whoever holds it
    client.post("/account/logout", data={"csrf_token": csrf_of(client.get("/").get_data(as_text=True))})
    anonymous = shop.test_client()
    assert anonymous.get(own).status_code == 302
    assert anonymous.get(link).status_code == 200
    tampered = secret[:-1] + ("y" if secret.endswith("x") else "x")
    assert anonymous.get(f"/help/messages/{reference}/{tampered}").status_code == 404
    assert anonymous.get(f"/help/messages/{reference}/").status_code == 404
    assert anonymous.get(f"/help/messages/C-AAAAAAA/{secret}").status_code == 404
    assert anonymous.get("/account/messages/C-AAAAAAA").status_code == 302


def test_another_customer_gets_404_on_the_owner_s_page(shop, client, login, owner, make):
    """Signed in as someone else, the account address of the conversation is a 404, like a
    reference that does not exist."""
    asked_signed_in(client, login, owner)
    [conversation] = conversations(shop)
    login(make.user(email="other@example.com"))
    assert client.get(f"/account/messages/{conversation['reference']}").status_code == 404
    assert client.get("/account/messages/C-AAAAAAA").status_code == 404


def test_notes_are_never_shown_to_the_customer(shop, client):
    """An internal note stays in the back office; the staff reply is signed with the persona."""
    response = ask(client)
    [conversation] = conversations(shop)
    with shop.app_context():
        found = desk.by_reference(conversation["reference"])
        staff = db.session.scalar(db.select(User).where(User.is_merchant.is_(True)))
        desk.note(found, staff, "Customer sounds upset, be kind", SATURDAY)
        db.session.commit()
    reply_as_staff(shop, conversation["reference"], "We are on it.")
    page = text(client.get(response.headers["Location"]))
    assert "We are on it." in page and "Minji" in page
    assert "be kind" not in page


def test_a_guest_answers_by_the_link_and_the_conversation_reopens(shop, client):
    """A resolved conversation answered within the reopen days takes the message and opens
    again; the same form sent twice adds it once."""
    response = ask(client)
    [conversation] = conversations(shop)
    reply_as_staff(shop, conversation["reference"], "Sorted!", resolve=True)
    link = response.headers["Location"].split("?")[0]
    shop.config["CLOCK"] = lambda: SATURDAY + timedelta(days=13)
    html = client.get(link).get_data(as_text=True)
    token = TOKEN_RE.search(html).group(1)
    first = send_reply(client, link, "One more thing", token=token)
    again = send_reply(client, link, "One more thing", token=token)
    assert first.status_code == again.status_code == 303
    [after] = conversations(shop)
    assert after["status"] == "open"
    assert after["messages"][-1] == ("customer", "One more thing")
    assert [m for m in after["messages"] if m[1] == "One more thing"] == [("customer", "One more thing")]


def test_writing_long_after_it_was_resolved_starts_a_new_linked_conversation(shop, client):
    """After the reopen days, the message starts a new conversation that points at the old
    one (once, however often the form is sent); the page says so and goes there, and the
    merchant is alerted."""
    response = ask(client)
    [old] = conversations(shop)
    reply_as_staff(shop, old["reference"], "Sorted!", resolve=True)
    link = response.headers["Location"].split("?")[0]
    shop.config["CLOCK"] = lambda: SATURDAY + timedelta(days=15)
    token = TOKEN_RE.search(client.get(link).get_data(as_text=True)).group(1)
    answer = send_reply(client, link, "It broke again", token=token)
    assert answer.status_code == 303
    # The same form sent again (a double tap) starts no third conversation.
    assert send_reply(client, link, "It broke again", token=token).status_code == 303
    first, new = conversations(shop)
    assert first["status"] == "resolved" and new["previous_id"] == first["id"]
    assert new["messages"] == [("customer", "It broke again")]
    assert answer.headers["Location"] == \
        f"/help/messages/{new['reference']}/{new['secret']}?sent=1"
    page = text(client.get(answer.headers["Location"]))
    assert f"so your message starts a new one, {new['reference']}" in page
    assert f"This continues conversation {first['reference']}" in page
    assert [kind for kind, *_ in outbox(shop)].count("alert_new_question") == 2


def test_a_reply_without_its_csrf_token_or_text_changes_nothing(shop, client):
    """A forged post gets 400; an empty one 422 with the reason; no message is added."""
    response = ask(client)
    link = response.headers["Location"].split("?")[0]
    before = count_messages(shop)
    assert client.post(link, data={"body": "forged", "client_token": "x" * 20}).status_code == 400
    empty = send_reply(client, link, "   ")
    assert empty.status_code == 422 and "Write your message." in text(empty)
    assert count_messages(shop) == before


def test_the_photo_is_shown_only_to_the_owner_and_the_link_holder(shop, client, login, owner,
                                                                   make):
    """The owner's page and the signed link show the photo (private, no EXIF); another customer
    and a tampered link get 404."""
    asked_signed_in(client, login, owner, photos=[("jar.jpg", jpeg())])
    [conversation] = conversations(shop)
    page = client.get(f"/account/messages/{conversation['reference']}").get_data(as_text=True)
    url = PHOTO_RE.search(page).group(1)
    shown = client.get(url)
    assert shown.status_code == 200 and shown.mimetype == "image/webp"
    assert "private" in shown.headers["Cache-Control"]
    from io import BytesIO

    from PIL import Image
    assert not Image.open(BytesIO(shown.data)).getexif()
    photo_id = url.rsplit("/", 1)[1]
    linked = (f"/help/messages/{conversation['reference']}/{conversation['secret']}"
              f"/photos/{photo_id}")
    login(make.user(email="other@example.com"))
    assert client.get(url).status_code == 404
    assert client.get(linked).status_code == 200
    assert client.get(linked.replace(conversation["secret"], "x" * 32)).status_code == 404


def test_the_reply_email_is_in_korean_signed_with_the_persona_and_links_back(shop, client,
                                                                                login, owner):
    """The worker sends the staff reply in the conversation's language: the reference in the
    subject, the reply, the Korean persona name, the account's link for an account's question."""
    client.post("/language", data={"csrf_token": csrf_of(client.get("/").get_data(as_text=True)),
                                   "lang": "ko", "next": "/"})
    asked_signed_in(client, login, owner)
    [conversation] = conversations(shop)
    with smtp_server() as (inbox, port):
        run_worker(shop, f"smtp://127.0.0.1:{port}")
    reply_as_staff(shop, conversation["reference"], "월요일에 보내드려요.")
    with smtp_server() as (inbox, port):
        run_worker(shop, f"smtp://127.0.0.1:{port}")
    [received] = inbox.messages
    assert received["To"] == "minji@example.com"
    assert received["Subject"] == translated(shop, "[%(reference)s] A reply to your question",
                                             reference=conversation["reference"])
    assert received["Content-Language"] == "ko"
    body, html = text_and_html(received)
    for part in (body, html):
        assert "월요일에 보내드려요." in part and "민지" in part
        assert f"https://shop.example/account/messages/{conversation['reference']}" in part


def test_a_guest_s_reply_email_carries_the_signed_link(shop, client):
    """Without an account, the email's link is the conversation's signed link."""
    ask(client)
    [conversation] = conversations(shop)
    reply_as_staff(shop, conversation["reference"], "On its way.")
    kinds = [(kind, data) for kind, _to, _locale, data, _id in outbox(shop)]
    assert kinds[-1][0] == "help_reply"
    with smtp_server() as (inbox, port):
        run_worker(shop, f"smtp://127.0.0.1:{port}")
    received = [m for m in inbox.messages if m["To"] == "minji@example.com"][-1]
    body, _html = text_and_html(received)
    assert "On its way." in body and "Minji" in body
    assert (f"https://shop.example/help/messages/{conversation['reference']}/"
            f"{conversation['secret']}") in body


def test_the_account_menu_links_to_messages(shop, client, login, owner):
    """The account's menu has "Messages"."""
    login(owner)
    page = text(client.get("/account/"))
    assert 'href="/account/messages"' in page
    with shop.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Conversation)) == 0
