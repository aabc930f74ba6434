"""The contact form: a question becomes a conversation, acknowledged by email in the shopper's
language, the merchant alerted, and the page says when to expect an answer; bad input, a
forged form, floods and double taps change nothing."""
import os
import re

import pytest

from domain.extensions import db
from domain.models import Conversation
from tests.help_helpers import (LINK_RE, SATURDAY, ask, conversations, form_of, help_shop,
                                jpeg, outbox)
from tests.order_helpers import place, shop_with_a_product
from tests.page_helpers import csrf_token, text
from tests.smtp_helpers import smtp_server, text_and_html
from tests.web.test_emails import run_worker, translated

PROMISE = ("We usually reply within 2 hours during business hours. We are closed now and open "
           "Monday 09:00 (Seoul time).")


def promised(html):
    """The reply promise as the shopper reads it (its words, without the markup)."""
    found = re.search(r'<p class="reply-promise">(.*?)</p>', html, re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", found.group(1))).strip() if found else ""


@pytest.fixture
def shop(app, make):
    help_shop(app, make)
    make.user(email="boss@example.com", merchant=True)
    return app


def korean(client):
    client.post("/language", data={"csrf_token": csrf_token(client), "lang": "ko", "next": "/"})


def test_a_question_starts_a_conversation_and_says_when_we_answer(shop, client):
    """The guest lands on their conversation, which says we are closed and open on Monday."""
    response = ask(client)
    assert response.status_code == 303
    [conversation] = conversations(shop)
    assert response.headers["Location"] == \
        f"/help/messages/{conversation['reference']}/{conversation['secret']}?sent=1"
    assert conversation["messages"] == [("customer", "Where is my moon jar?")]
    assert conversation["topic"] == "shipping" and conversation["user_id"] is None
    page = text(client.get(response.headers["Location"]))
    assert "Where is my moon jar?" in page and conversation["reference"] in page
    assert PROMISE in promised(page)
    assert [(kind, to) for kind, to, *_ in outbox(shop)] == [
        ("help_acknowledgement", "minji@example.com"),
        ("alert_new_question", "hello@moonjar.example")]


def test_the_form_promises_the_reply_time_of_the_frozen_instant(shop, client):
    """Saturday noon in Seoul: closed, opening Monday 09:00 (Seoul time)."""
    assert PROMISE in promised(text(client.get("/help/contact")))


def test_the_acknowledgement_arrives_in_korean_with_the_reference_and_the_link(shop, client):
    """Sent by the real worker over SMTP: the subject carries the reference, the words are
    Korean, the link opens the conversation."""
    korean(client)
    assert ask(client).status_code == 303
    [conversation] = conversations(shop)
    assert conversation["locale"] == "ko"
    with smtp_server() as (inbox, port):
        run_worker(shop, f"smtp://127.0.0.1:{port}")
    mails = {m["To"]: m for m in inbox.messages}
    received = mails["minji@example.com"]
    assert received["Subject"] == translated(shop, "[%(reference)s] We got your question",
                                             reference=conversation["reference"])
    assert received["Subject"].startswith(f"[{conversation['reference']}]")
    assert received["Content-Language"] == "ko"
    body, html = text_and_html(received)
    link = (f"https://shop.example/help/messages/{conversation['reference']}/"
            f"{conversation['secret']}")
    for part in (body, html):
        assert link in part and "Where is my moon jar?" in part
        assert translated(shop, "You wrote:") in part
    path = LINK_RE.search(body).group(0)
    assert client.get(path).status_code == 200
    assert "hello@moonjar.example" in mails


def test_the_new_question_alert_respects_its_switch(shop, client, make):
    """Switched off in Settings, the merchant gets no alert; the customer still gets theirs."""
    make.settings(alerts_off=["new_question"])
    assert ask(client).status_code == 303
    assert [kind for kind, *_ in outbox(shop)] == ["help_acknowledgement"]


def test_sending_the_same_form_twice_makes_one_conversation(shop, client):
    """A double tap (the same client token) gives one conversation and one email."""
    tokens = form_of(client)
    first = ask(client, tokens=tokens)
    second = ask(client, tokens=tokens)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert len(conversations(shop)) == 1
    assert [kind for kind, *_ in outbox(shop)] == ["help_acknowledgement", "alert_new_question"]


@pytest.mark.parametrize("fields, photos, message", [
    ({"body": "   "}, (), "Write your message."),
    ({"email": "minji@"}, (), "Enter a valid email address."),
    ({"body": "x" * 10_001}, (), "Keep it under 10,000 characters."),
    ({}, [("notes.jpg", b"not a picture")], "notes.jpg: That file is not an image we can read."),
    ({}, [(f"jar{n}.jpg", jpeg(colour=(n * 40, 0, 0))) for n in range(4)],
     "Send 3 photos at most."),
])
def test_bad_input_is_explained_and_changes_nothing(shop, client, fields, photos, message):
    """An empty or too long message, a bad address, a bad or a fourth photo: 422 with the
    reason beside its field; no conversation, no email, no file."""
    response = ask(client, photos=photos, **fields)
    assert response.status_code == 422
    assert message in text(response) and 'role="alert"' in text(response)
    assert conversations(shop) == [] and outbox(shop) == []
    folder = shop.config["CONVERSATION_PHOTO_FOLDER"]
    assert not os.path.exists(folder) or os.listdir(folder) == []


def test_a_form_without_its_csrf_token_is_refused(shop, client):
    """A cross-site post gets 400 and starts nothing."""
    tokens = form_of(client)
    response = client.post("/help/contact", data={
        "client_token": tokens["client_token"], "email": "minji@example.com",
        "topic": "other", "body": "Hello"})
    assert response.status_code == 400
    assert conversations(shop) == []


def test_questions_are_limited_per_visitor(shop, client):
    """Ten an hour from one place, whatever the address; the eleventh gets 429."""
    for n in range(10):
        assert ask(client, email=f"someone{n}@example.com").status_code == 303
    response = ask(client, email="another@example.com")
    assert response.status_code == 429
    assert len(conversations(shop)) == 10


def test_questions_are_limited_per_email(shop, client):
    """Five an hour for one address, even from five places; the sixth gets 429."""
    for n in range(5):
        response = ask(client, environ_base={"REMOTE_ADDR": f"10.0.0.{n}"},
                       body=f"Question {n}")
        assert response.status_code == 303
    response = ask(client, environ_base={"REMOTE_ADDR": "10.0.0.99"},
                   email="MINJI@example.com", body="Once more")
    assert response.status_code == 429
    assert len(conversations(shop)) == 5


@pytest.fixture
def order_shop(app, make):
    setup = shop_with_a_product(make)
    help_shop(app, make)
    return setup


def test_an_order_is_linked_only_for_whoever_may_see_it(app, client, make, login, order_shop):
    """The guest with the order's tracking link gets it linked and named on the form; the same
    number without the link is ignored and not named, so numbers cannot be probed."""
    order = place(app, order_shop)
    query = {"order": order["number"], "t": order["token"], "from": f"/orders/{order['number']}"}
    page = text(client.get("/help/contact", query_string=query))
    assert f"About order {order['number']}." in page
    assert ask(client, query=query).status_code == 303
    stranger = make.user(email="stranger@example.com")
    login(stranger)
    bare = {"order": order["number"], "from": "/somewhere"}
    assert "About order" not in text(client.get("/help/contact", query_string=bare))
    assert ask(client, query=bare, email="stranger@example.com").status_code == 303
    linked, unlinked = conversations(app)
    assert linked["order_id"] == order["id"] and linked["topic"] == "shipping"
    assert linked["source_path"] == f"/orders/{order['number']}"
    assert unlinked["order_id"] is None and unlinked["user_id"] == stranger["id"]


def test_the_owner_s_order_is_linked_and_their_details_filled_in(app, client, make, login,
                                                                 order_shop):
    """Signed in, the customer finds their name and email filled in and their order linked
    without any token, with the topic set to the order."""
    user = make.user(email="owner@example.com", name="Kim Minji")
    order = place(app, order_shop, email="owner@example.com", user_id=user["id"])
    login(user)
    page = text(client.get("/help/contact", query_string={"order": order["number"]}))
    assert 'value="owner@example.com"' in page and 'value="Kim Minji"' in page
    assert '<option selected value="order">' in page
    assert ask(client, query={"order": order["number"]}, email="owner@example.com",
               topic="order").status_code == 303
    [conversation] = conversations(app)
    assert conversation["order_id"] == order["id"] and conversation["user_id"] == user["id"]


@pytest.mark.parametrize("source", ["https://evil.example/x", "//evil.example/x",
                                    "/\tevil.example", "javascript:alert(1)"])
def test_only_a_local_page_is_kept_as_where_the_question_came_from(shop, client, source):
    """An outside address in ?from= is dropped, never stored or linked."""
    assert ask(client, query={"from": source}).status_code == 303
    assert conversations(shop)[0]["source_path"] == ""


def test_a_product_page_links_to_the_form_about_it(app, client, order_shop):
    """The product page's static link opens the form about that product."""
    product = text(client.get("/products/moon-jar"))
    assert "/help/contact?product=moon-jar" in product
    assert ask(client, query={"product": "moon-jar", "from": "/products/moon-jar"},
               topic="product").status_code == 303
    with app.app_context():
        assert db.session.scalar(db.select(Conversation.product_id)) is not None


def test_the_footer_and_the_order_page_link_to_the_form(app, client, order_shop):
    """Every page's footer says "Contact us"; the order page asks "Question about this order?"
    with its number and the guest's link carried along."""
    home = text(client.get("/"))
    assert 'href="/help/contact">Contact us</a>' in home
    assert 'href="/help">Help and questions</a>' in home
    order = place(app, order_shop)
    page = text(client.get(f"/orders/{order['number']}", query_string={"t": order["token"]}))
    assert "Question about this order?" in page
    assert f"/help/contact?order={order['number']}" in page and f"t={order['token']}" in page


def test_the_photo_is_kept_without_its_metadata_outside_the_public_uploads(shop, client):
    """The photo is re-encoded without EXIF in the conversation photo store."""
    assert ask(client, photos=[("jar.jpg", jpeg())]).status_code == 303
    [conversation] = conversations(shop)
    [(_photo_id, key)] = conversation["photos"]
    path = os.path.join(shop.config["CONVERSATION_PHOTO_FOLDER"], f"{key}.webp")
    from PIL import Image
    with Image.open(path) as stored:
        assert stored.size == (64, 48) and not stored.getexif() and "exif" not in stored.info
    assert not os.path.abspath(path).startswith(os.path.abspath(shop.config["UPLOAD_FOLDER"]))
    assert client.get(f"/media/../conversation-photos/{key}.webp").status_code == 404


def test_erasing_the_customer_deletes_their_photos(shop, client):
    """Erasure takes the conversation and, once committed, its photo file; a photo another
    customer sent too (the same file) stays for them."""
    from domain import personal_data
    from domain.transaction import unit_of_work
    assert ask(client, photos=[("jar.jpg", jpeg())]).status_code == 303
    assert ask(client, photos=[("jar.jpg", jpeg())], email="sister@example.com",
               body="The same jar").status_code == 303
    assert ask(client, photos=[("mine.jpg", jpeg(colour=(0, 90, 0)))],
               body="And another").status_code == 303
    keys = [key for c in conversations(shop) for _id, key in c["photos"]]
    folder = shop.config["CONVERSATION_PHOTO_FOLDER"]
    assert len(set(keys)) == 2
    with shop.test_request_context(), unit_of_work():
        personal_data.erase(personal_data.Subject(None, "minji@example.com"), SATURDAY, "test")
    assert [c["email"] for c in conversations(shop)] == ["sister@example.com"]
    assert os.path.exists(os.path.join(folder, f"{keys[0]}.webp"))
    assert not os.path.exists(os.path.join(folder, f"{keys[2]}.webp"))


def test_checkout_s_declined_card_and_missing_stock_offer_help(app, client, checkout_shop):
    """A declined card and stock that ran out both say "Need help? Contact us"; the cart's
    line that is short of stock too."""
    from domain.models import Variant
    from tests.checkout_helpers import add_to_cart, checkout_form
    add_to_cart(client, checkout_shop["small"], quantity=2)
    declined = client.post("/checkout", data=checkout_form(
        client, checkout_shop, payment_method="test_card", card_number="4000000000000002"))
    assert declined.status_code == 422
    assert "Need help? Contact us" in text(declined)
    assert "/help/contact?topic=order&amp;from=/checkout" in text(declined)
    with app.app_context():
        db.session.get(Variant, checkout_shop["small"]).stock = 1
        db.session.commit()
    short = client.post("/checkout", data=checkout_form(client, checkout_shop))
    assert short.status_code == 422 and "Need help? Contact us" in text(short)
    cart = text(client.get("/cart"))
    assert "Need help? Contact us" in cart and "/help/contact?product=" in cart


def test_the_form_is_signed_by_the_persona_in_the_shoppers_language(app, make, client):
    """The name and greeting set with the business hours open the form: the English ones for
    an English page, the Korean ones for a Korean page."""
    help_shop(app, make, persona={"en": {"name": "Mina", "greeting": "Hi! Ask us anything."},
                                  "ko": {"name": "미나", "greeting": "안녕하세요! 무엇이든 물어보세요."}})
    english = text(client.get("/help/contact"))
    assert "Hi! Ask us anything." in english and "— Mina" in english
    korean(client)
    page = text(client.get("/help/contact"))
    assert "안녕하세요! 무엇이든 물어보세요." in page and "미나" in page
    assert "Hi! Ask us anything." not in page
