"""Chats in the back office: a chat joins the inbox when the bot hands it over, with its
transcript, the page, the cart and the checkout error; the list and an open chat poll (204 when
nothing is new) and tell the shop a staff member is there; a reply reaches the shopper's open
panel, or their email when they have left (once, by the worker, if they never read it)."""
import re
from datetime import timedelta

import pytest

from domain import shopconfig
from domain.extensions import db
from domain.helpdesk import conversations
from domain.models import ConversationMessage, OutboxMessage, User
from tests.chat_staff_helpers import chat, hand_over
from tests.inbox_helpers import ask, conversation, emails
from tests.order_helpers import NOW
from tests.page_helpers import csrf_of, text

XSS = ['<script>alert(1)</script>', '"><img src=x onerror=alert(2)>', "javascript:alert(3)",
       "<svg/onload=alert(4)>", "'><iframe src=//evil.example>"]
HTMX = {"HX-Request": "true"}


def listed(html):
    return re.findall(r'<span class="detail">(C-[0-9A-Z]{7}) ·', html)


def poll_url(html):
    found = re.search(r'data-poll hx-get="([^"]+)"', html)
    assert found, "no poll on the page"
    return found.group(1).replace("&amp;", "&")


def at(app, moment):
    app.config["CLOCK"] = lambda: moment


def seen_at(app, user_id):
    with app.app_context():
        return db.session.get(User, user_id).inbox_seen_at


def reply_form(client, reference):
    html = text(client.get(f"/admin/inbox/{reference}"))
    form = html[html.index('id="reply-form"'):]
    return {"csrf_token": csrf_of(form), "token": re.search(r'name="token"[^>]*value="([^"]+)"', form).group(1)}


def send_reply(client, reference, body="Yes, we take cards."):
    response = client.post(f"/admin/inbox/{reference}/reply", data={**reply_form(client, reference), "body": body})
    assert response.status_code == 303, text(response)
    return text(client.get(response.headers["Location"]))


# The list -----------------------------------------------------------------------------------

def test_a_chat_joins_the_inbox_when_handed_over_and_not_before(client, app, setup, merchant):
    """A chat the bot still answers is in no list and no count; handed over, it is listed as a
    chat, unread, and counted in the menu, the title and the dashboard."""
    message = ask(app, email="mail@example.com")
    bot_only = chat(app, email="bot@example.com", handed_over=False)
    html = text(client.get("/admin/inbox"))
    assert listed(html) == [message] and "1 conversation" in html
    assert re.search(r'>Inbox <span class="count">1<', html)
    assert "<title>(1) Inbox" in html
    for query in ("?status=all", "?status=open", "?show=unassigned"):
        assert bot_only not in text(client.get("/admin/inbox" + query)), query
    assert "1 open conversation" in text(client.get("/admin/"))
    hand_over(app, bot_only, NOW)
    html = text(client.get("/admin/inbox"))
    assert set(listed(html)) == {message, bot_only} and "2 conversations" in html
    assert re.search(r'>Inbox <span class="count">2<', html) and "<title>(2) Inbox" in html
    assert f"{bot_only} · Chat ·" in html
    assert "2 open conversations" in text(client.get("/admin/"))


def test_the_list_polls_204_until_a_chat_is_handed_over_then_rings(client, app, setup, merchant):
    """The list's poll answers 204 while nothing changed; a new hand-over brings the list back
    with the row marked live (the ring's cue), the menu's count and the title out of band."""
    ask(app)
    url = poll_url(text(client.get("/admin/inbox")))
    assert url.startswith("/admin/inbox/poll?v=")
    nothing = client.get(url, headers=HTMX)
    assert nothing.status_code == 204 and nothing.get_data() == b""
    live = chat(app, email="live@example.com", seen=NOW)
    fresh = client.get(url, headers=HTMX)
    html = text(fresh)
    assert fresh.status_code == 200 and live in html
    conversation_id = conversation(app, live).id
    assert f'data-ring="{conversation_id}"' in html and ">Live<" in html
    assert 'id="nav-inbox" href="/admin/inbox" hx-swap-oob="true"' in html
    assert re.search(r'<span class="count">2<', html) and "<title>(2) Inbox" in html
    assert "<html" not in html
    # The new page's own poll is quiet again.
    assert client.get(poll_url(html), headers=HTMX).status_code == 204


def test_the_polls_keep_their_filters_and_are_for_staff_only(client, app, setup, make, login):
    """The poll of a filtered list keeps its filter; shoppers and visitors get nothing."""
    ref = chat(app)
    login(make.user(email="boss@example.com", merchant=True))
    url = poll_url(text(client.get("/admin/inbox?show=unassigned&topic=other")))
    assert "show=unassigned" in url and "topic=other" in url
    client.post("/account/logout", data={"csrf_token": csrf_of(text(client.get("/admin/inbox")))})
    for path in ("/admin/inbox/poll", f"/admin/inbox/{ref}/poll"):
        response = client.get(path, headers=HTMX)
        assert response.status_code == 303 and "/account/login" in response.headers["Location"], path
    login(make.user(email="shopper@example.com"))
    for path in ("/admin/inbox/poll", f"/admin/inbox/{ref}/poll", f"/admin/inbox/{ref}"):
        assert client.get(path, headers=HTMX).status_code == 403, path


def test_the_inbox_and_its_polls_say_staff_are_there_at_most_once_a_minute(client, app, setup, merchant):
    """Opening the inbox or polling it records the staff member as there; within a minute a
    poll writes nothing, a minute later it writes again."""
    ref = chat(app)
    assert seen_at(app, merchant["id"]) is None
    url = poll_url(text(client.get("/admin/inbox")))
    assert seen_at(app, merchant["id"]) == NOW
    at(app, NOW + timedelta(seconds=40))
    client.get(url, headers=HTMX)
    client.get(f"/admin/inbox/{ref}/poll?v=x", headers=HTMX)
    assert seen_at(app, merchant["id"]) == NOW
    at(app, NOW + timedelta(seconds=61))
    client.get(f"/admin/inbox/{ref}/poll?v=x", headers=HTMX)
    assert seen_at(app, merchant["id"]) == NOW + timedelta(seconds=61)


# One chat -----------------------------------------------------------------------------------

def test_the_chat_shows_the_transcript_page_cart_error_and_the_customer(client, app, setup, merchant):
    """The bot's messages are marked as the bot's; the page links to the shop's page; the cart
    has its lines and total; the checkout error is shown as the shopper saw it; the customer's
    link leads to their page; "Live" while the shopper is on the page."""
    ref = chat(app, seen=NOW)
    html = text(client.get(f"/admin/inbox/{ref}"))
    messages = html[html.index('id="transcript"'):]
    assert messages.index("Can I pay by card?") < messages.index("<strong>Bot</strong>") \
        < messages.index("I am not sure. Shall I find a person?") < messages.index("Talk to a person")
    assert '<a href="/checkout">Checkout</a>' in html
    assert "Moon jar" in html and "Large" in html and "₩78,000" in html and "Tea cup" in html
    assert "₩93,000" in html and "Cart when they asked" in html
    assert "Your card was declined." in html and "card_declined" in html
    assert re.search(r'<a href="/admin/customers/[^"]+">minji@example.com</a>', html)
    assert ">Live<" in html and "The shopper has the chat open" in html
    at(app, NOW + timedelta(minutes=3))
    html = text(client.get(f"/admin/inbox/{ref}"))
    assert ">Live<" not in html and "your reply goes by email to minji@example.com" in html


def test_a_guest_chat_without_email_has_no_customer_link(client, app, setup, merchant):
    ref = chat(app, email="", context={})
    html = text(client.get(f"/admin/inbox/{ref}"))
    assert "/admin/customers/" not in html and "Guest" in html
    assert "The cart was empty." in html and "gave no email address" in html
    assert "No email address yet" in text(client.get("/admin/inbox"))


def test_the_open_chat_polls_204_until_the_shopper_writes(client, app, setup, merchant):
    """An open chat's poll is 204 while nothing changed; the shopper's new message comes back
    (read by staff now), and the "Live" badge goes when the shopper leaves."""
    ref = chat(app, seen=NOW)
    html = text(client.get(f"/admin/inbox/{ref}"))
    url = poll_url(html)
    assert url.startswith(f"/admin/inbox/{ref}/poll?v=")
    assert client.get(url, headers=HTMX).status_code == 204
    with app.app_context():
        found = conversations.by_reference(ref)
        conversations.customer_message(found, "Hello? <b>anyone</b>", NOW + timedelta(seconds=5),
                                       schedule=shopconfig.current().schedule,
                                       reopen_days=30, via="chat")
        db.session.commit()
    assert conversation(app, ref).unread_by_staff is True
    fresh = client.get(url, headers=HTMX)
    assert fresh.status_code == 200
    html = text(fresh)
    assert "Hello? &lt;b&gt;anyone&lt;/b&gt;" in html and ">Live<" in html
    assert conversation(app, ref).unread_by_staff is False
    assert client.get(poll_url(html), headers=HTMX).status_code == 204
    at(app, NOW + timedelta(minutes=3))
    left = client.get(poll_url(html), headers=HTMX)
    assert left.status_code == 200 and ">Live<" not in text(left)


# Replies ------------------------------------------------------------------------------------

def test_a_reply_to_a_shopper_on_the_page_is_not_emailed(client, app, setup, merchant):
    """The shopper's panel is open: the reply is added for the panel to show, no email."""
    ref = chat(app, seen=NOW - timedelta(seconds=30))
    html = send_reply(client, ref)
    assert "Reply shown in the shopper&#39;s open chat" in html
    assert emails(app) == []
    found = conversation(app, ref)
    assert [m.author for m in found.messages][-1] == "staff" and found.unread_by_customer
    assert found.messages[-1].email_due_at == NOW + timedelta(minutes=5)


def test_a_reply_to_a_shopper_who_left_is_emailed(client, app, setup, merchant):
    ref = chat(app, seen=NOW - timedelta(minutes=10))
    html = send_reply(client, ref)
    assert "The shopper has left the chat: reply sent to minji@example.com." in html
    found = conversation(app, ref)
    assert emails(app) == [("minji@example.com", {"conversation_id": found.id,
                                                   "message_id": found.messages[-1].id})]
    assert found.messages[-1].email_due_at is None


def test_a_reply_to_a_guest_who_left_without_an_email_goes_nowhere_and_says_so(client, app, setup, merchant):
    ref = chat(app, email="")
    html = send_reply(client, ref)
    assert "gave no email address" in html and emails(app) == []


def test_an_unread_reply_is_emailed_once_after_five_minutes(client, app, setup, merchant):
    """Shown in the open panel, then the shopper left without reading it: the worker emails it
    after five minutes, once however often it runs; a read reply is never emailed."""
    from tests.web.test_emails import run_worker
    unread = chat(app, email="gone@example.com", seen=NOW)
    read = chat(app, email="stayed@example.com", seen=NOW)
    send_reply(client, unread)
    send_reply(client, read)
    with app.app_context():
        conversations.read_by_customer(conversations.by_reference(read))
        db.session.commit()
    at(app, NOW + timedelta(minutes=4))
    run_worker(app)
    assert emails(app) == []
    at(app, NOW + timedelta(minutes=6))
    run_worker(app)
    run_worker(app)
    found = conversation(app, unread)
    assert emails(app) == [("gone@example.com", {"conversation_id": found.id,
                                                  "message_id": found.messages[-1].id})]
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(ConversationMessage)
                                 .where(ConversationMessage.email_due_at.is_not(None))) == 0


def test_a_panel_that_asked_for_news_after_the_reply_counts_as_read(app, setup, make):
    """The panel polled after the reply (it showed it) though nothing cleared the marker: no
    email."""
    from domain.helpdesk import chat_replies
    staff = make.user(email="boss@example.com", merchant=True)
    ref = chat(app, seen=NOW)
    with app.app_context():
        found = conversations.by_reference(ref)
        conversations.staff_reply(found, db.session.get(User, staff["id"]), "Hi", NOW)
        found.customer_seen_at = NOW + timedelta(minutes=1)
        db.session.commit()
        assert chat_replies.email_unread(NOW + timedelta(minutes=6)) == 0
        db.session.commit()
    assert emails(app) == []


def test_a_message_from_the_contact_form_is_still_emailed_at_once(client, app, setup, merchant):
    ref = ask(app)
    html = send_reply(client, ref)
    assert "Reply sent to minji@example.com." in html and len(emails(app)) == 1


# Sanitising ---------------------------------------------------------------------------------

@pytest.mark.parametrize("payload", XSS)
def test_shopper_text_and_context_labels_render_inert(client, app, setup, merchant, payload):
    """Whatever the shopper typed or the page was called, the inbox shows it as text; a path
    that is not this shop's is not made a link."""
    context = {"page": {"kind": payload, "path": payload, "label": payload},
               "cart": {"lines": [{"name": payload, "variant": payload, "quantity": payload,
                                   "amount": payload}], "total": payload, "currency": "KRW"},
               "checkout_error": {"code": payload, "message": payload}}
    ref = chat(app, body=payload, email="", context=context, seen=NOW)
    for html in (text(client.get(f"/admin/inbox/{ref}")), text(client.get("/admin/inbox")),
                 text(client.get(f"/admin/inbox/{ref}/poll?v=x", headers=HTMX))):
        if "<" in payload:
            assert payload not in html
        assert "<script>alert" not in html and "<img" not in html and "<svg" not in html
        assert 'href="javascript:' not in html and 'href="//evil' not in html and "<iframe" not in html


def test_shopper_text_is_escaped_in_the_reply_email(client, app, setup, merchant):
    from blueprints import mail
    from tests.smtp_helpers import text_and_html
    ref = chat(app, body=XSS[0] + XSS[1], seen=None)
    send_reply(client, ref, body="Re: " + XSS[4])
    with app.app_context():
        message = db.session.scalar(db.select(OutboxMessage).where(OutboxMessage.kind == "help_reply"))
        _plain, html = text_and_html(mail.renderer(app)(message))
    assert "<script>" not in html and "<img" not in html and "<iframe" not in html
    assert "&lt;iframe" in html


# Indexes ------------------------------------------------------------------------------------

def test_the_inbox_with_chats_still_reads_indexes(client, app, setup, merchant):
    """With chats in the table, the listing, its count, the unread count and the polls read
    indexes, not the whole conversation table."""
    from sqlalchemy import event

    from tests.web.test_admin_inbox import _plan
    ask(app)
    chat(app, email="a@example.com")
    chat(app, email="b@example.com", handed_over=False)
    url = poll_url(text(client.get("/admin/inbox")))
    seen = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        if "FROM conversation" in statement and "conversation_message" not in statement.split("FROM conversation")[1][:30]:
            seen.append((statement, parameters))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", listener)
    try:
        client.get("/admin/inbox")
        client.get(url, headers=HTMX)
        client.get("/admin/inbox?status=resolved")
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert len(seen) >= 6
    for statement, parameters in seen:
        plan = _plan(app, statement, parameters)
        assert "SCAN conversation" not in plan and "Seq Scan on conversation" not in plan, (statement, plan)
        assert "TEMP B-TREE FOR ORDER BY" not in plan, (statement, plan)


# Figures ------------------------------------------------------------------------------------

def test_the_dashboard_shows_reply_times_in_and_out_of_hours(client, app, setup, make, login):
    """Chats counted from the hand-over, messages from the question, in business hours and
    out of hours; "—" where nothing was answered."""
    from tests.help_helpers import help_shop
    from tests.inbox_helpers import reply
    from tests.unit.test_reply_figures import IN_HOURS, NOW as LATER, OUT_OF_HOURS
    help_shop(app, make)
    staff = make.user(email="boss@example.com", merchant=True)
    login(staff)
    at(app, LATER)
    html = text(client.get("/admin/"))
    assert html.count("<td>—</td>") == 4
    for n, minutes in enumerate((2, 4, 9)):
        ref = chat(app, email=f"c{n}@example.com", now=IN_HOURS - timedelta(minutes=20),
                   handed_over_at=IN_HOURS)
        reply(app, ref, staff["id"], now=IN_HOURS + timedelta(minutes=minutes))
    night = ask(app, email="night@example.com", now=OUT_OF_HOURS)
    reply(app, night, staff["id"], now=OUT_OF_HOURS + timedelta(hours=12, minutes=5))
    html = text(client.get("/admin/"))
    table = html[html.index('class="admin-table reply-times"'):]
    table = table[:table.index("</table>")]
    chats, messages = re.findall(r"<tr><th scope=\"row\">.*?</tr>", table, re.S)
    assert "Chats (from the hand-over)" in chats and "4 min" in chats and "(3 answered)" in chats
    assert chats.count("—") == 1
    assert "Messages (contact form and email)" in messages and "12 h 5 min" in messages
    assert messages.index("—") < messages.index("12 h 5 min")


def test_the_inbox_says_how_soon_chats_are_answered(client, app, setup, merchant):
    """The chats' in-hours median, the figure the chat panel promises, is on the inbox page."""
    from tests.inbox_helpers import reply
    assert "first reply within" not in text(client.get("/admin/inbox"))
    ref = chat(app, email="quick@example.com", now=NOW - timedelta(days=1))
    reply(app, ref, merchant["id"], now=NOW - timedelta(days=1) + timedelta(minutes=3))
    assert "first reply within 3 minutes (median, last 30 days)" in text(client.get("/admin/inbox"))
