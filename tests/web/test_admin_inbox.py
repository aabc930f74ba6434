"""The merchant's inbox: the list with its filters and reply-due clocks, one conversation with
its reply, notes, assignee and status, saved replies filled in for the customer, the unread
count in the back office's menu and the help desk's figures on the dashboard."""
import re
from datetime import timedelta

import pytest

from domain.extensions import db
from domain.helpdesk import conversations
from domain.models import Conversation, ConversationMessage, SavedReply, User
from tests.inbox_helpers import TARGET, ask, conversation, emails, reply, set_columns
from tests.order_helpers import NOW, place
from tests.page_helpers import csrf_of, text


def inbox(client, query=""):
    return text(client.get("/admin/inbox" + query))


def listed(html):
    """The references of the rows, top to bottom."""
    return re.findall(r'<span class="detail">(C-[0-9A-Z]{7}) ·', html)


def page(client, reference, query=""):
    response = client.get(f"/admin/inbox/{reference}{query}")
    assert response.status_code == 200
    return text(response)


def reply_form(client, reference):
    """What the reply form of the conversation's page sends: its CSRF token and one-time token."""
    html = page(client, reference)
    form = html[html.index('id="reply-form"'):]
    return {"csrf_token": csrf_of(form), "token": re.search(r'name="token"[^>]*value="([^"]+)"', form).group(1)}


def count(app, model, **where):
    with app.app_context():
        query = db.select(db.func.count()).select_from(model)
        for key, value in where.items():
            query = query.where(getattr(model, key) == value)
        return db.session.scalar(query)


def test_anonymous_and_customers_are_refused_everywhere(client, app, setup, make, login, post):
    """Every inbox and saved-reply URL, GET and POST, is for merchants only; nothing changes."""
    ref = ask(app)
    gets = ["/admin/inbox", "/admin/inbox?show=mine", f"/admin/inbox/{ref}", "/admin/saved-replies"]
    posts = [(f"/admin/inbox/{ref}/reply", {"body": "Hello"}), (f"/admin/inbox/{ref}/note", {"body": "x"}),
             (f"/admin/inbox/{ref}/status", {"status": "resolved"}), (f"/admin/inbox/{ref}/assign", {"staff": ""}),
             ("/admin/saved-replies", {"title": "T", "body": "B"})]
    for url in gets:
        response = client.get(url)
        assert response.status_code == 303 and "/account/login" in response.headers["Location"], url
    for url, data in posts:
        response = post(url, data)
        assert response.status_code == 303 and "/account/login" in response.headers["Location"], url
    login(make.user())
    for url in gets:
        assert client.get(url).status_code == 403, url
    for url, data in posts:
        assert post(url, data).status_code == 403, url
    found = conversation(app, ref)
    assert found.status == "open" and len(found.messages) == 1
    assert count(app, SavedReply) == 0


def test_the_list_puts_the_most_urgent_reply_first_and_hides_resolved(client, app, setup, merchant):
    """Open conversations by reply due (earliest first), then those waiting for the customer;
    resolved ones only when asked for. Each row names the customer, topic and subject."""
    later = ask(app, "Second question", email="b@example.com", name="Bora Kim", now=NOW + timedelta(minutes=30))
    first = ask(app, "Is the moon jar food safe?", email="a@example.com", name="Ahn Jiwoo", topic="product")
    waiting = ask(app, "Third", email="c@example.com", now=NOW - timedelta(hours=1))
    done = ask(app, "Fourth", email="d@example.com", subject="Thanks!")
    staff = merchant["id"]
    reply(app, waiting, staff)
    reply(app, done, staff, resolve=True)
    html = inbox(client)
    assert listed(html) == [first, later, waiting]
    assert "3 conversations" in html
    assert "Ahn Jiwoo" in html and "a@example.com" in html and "A product" in html
    assert "Is the moon jar food safe?" in html
    assert "Waiting for customer" in html and "Thanks!" not in html
    resolved = inbox(client, "?status=resolved")
    assert listed(resolved) == [done] and "Thanks!" in resolved
    assert set(listed(inbox(client, "?status=all"))) == {first, later, waiting, done}


def test_filters_mine_unassigned_overdue_and_topic(client, app, setup, merchant, make):
    """Each filter narrows the list to what it says."""
    other = make.user(email="staff@example.com", merchant=True)
    mine = ask(app, "Mine", email="a@example.com", topic="payment")
    theirs = ask(app, "Theirs", email="b@example.com", now=NOW + timedelta(hours=3))
    nobody = ask(app, "Nobody's", email="c@example.com", now=NOW + timedelta(hours=3))
    with app.app_context():
        conversations.assign(conversations.by_reference(mine), db.session.get(User, merchant["id"]))
        conversations.assign(conversations.by_reference(theirs), db.session.get(User, other["id"]))
        db.session.commit()
    app.config["CLOCK"] = lambda: NOW + timedelta(hours=3)
    assert listed(inbox(client, "?show=mine")) == [mine]
    assert listed(inbox(client, "?show=unassigned")) == [nobody]
    assert listed(inbox(client, "?show=overdue")) == [mine]
    assert listed(inbox(client, "?topic=payment")) == [mine]
    assert listed(inbox(client, "?show=unassigned&topic=payment")) == []
    assert "No conversations match" in inbox(client, "?show=unassigned&topic=payment")
    # Nonsense in the URL is ignored, not an error.
    assert set(listed(inbox(client, "?show=everything&topic=<b>&status=x"))) == {mine, theirs, nobody}


def test_the_list_is_paginated(client, app, setup, merchant):
    """Twenty-five rows a page, the next page has the rest."""
    from domain import shopconfig
    with app.test_request_context():
        schedule = shopconfig.current().schedule
        for n in range(27):
            conversations.start(email=f"p{n}@example.com", body=f"Question {n}", schedule=schedule,
                                now=NOW + timedelta(minutes=n))
        db.session.commit()
    first = inbox(client)
    assert len(listed(first)) == 25 and "Page 1 of 2" in first
    second = inbox(client, "?page=2")
    assert len(listed(second)) == 2 and "Question 26" in second


def test_the_reply_clock_in_words_and_colour(client, app, setup, merchant):
    """Due in minutes (amber once under half an hour), then overdue in red, by a frozen clock."""
    ref = ask(app)
    app.config["CLOCK"] = lambda: NOW + timedelta(minutes=20)
    html = inbox(client)
    assert re.search(r'<span class="due-clock reply-clock"><time datetime="[^"]+">Reply due in 1 h</time>', html)
    app.config["CLOCK"] = lambda: NOW + timedelta(minutes=95)
    html = inbox(client)
    assert re.search(r'<strong class="due-clock reply-clock due-soon"><time [^>]+>Reply due in 25 min</time>', html)
    app.config["CLOCK"] = lambda: NOW + TARGET + timedelta(hours=3, minutes=10)
    html = inbox(client)
    assert re.search(r'<strong class="error due-clock reply-clock"><time [^>]+>Overdue by 3 h</time>', html)
    assert "Overdue by 3 h" in page(client, ref)
    with client.session_transaction() as session:
        session["lang"] = "ko"
    korean = inbox(client)
    assert "3시간 지남" in korean and "문의함" in korean
    app.config["CLOCK"] = lambda: NOW + timedelta(minutes=95)
    assert "답변 기한까지 25분" in inbox(client)


def test_a_reply_is_sent_once_even_when_the_form_is_sent_twice(client, app, setup, merchant):
    """A double click adds one message and queues one email to the customer; the conversation
    then waits for the customer, and its clock stops."""
    ref = ask(app, email="minji@example.com")
    form = {**reply_form(client, ref), "body": "It left our studio today.\nTracking soon."}
    first = client.post(f"/admin/inbox/{ref}/reply", data=form)
    second = client.post(f"/admin/inbox/{ref}/reply", data=form)
    assert first.status_code == second.status_code == 303
    found = conversation(app, ref)
    staff = [m for m in found.messages if m.author == "staff"]
    assert len(staff) == 1 and staff[0].body == "It left our studio today.\nTracking soon."
    assert found.status == "waiting" and found.reply_due_at is None and found.first_response_at == NOW
    assert found.assigned_to_id == merchant["id"]
    assert emails(app) == [("minji@example.com", {"conversation_id": found.id, "message_id": staff[0].id})]
    html = page(client, ref)
    assert "It left our studio today.\nTracking soon." in html and "Waiting for customer" in html


def test_reply_and_resolve(client, app, setup, merchant):
    ref = ask(app)
    client.post(f"/admin/inbox/{ref}/reply", data={**reply_form(client, ref), "body": "Done!", "resolve": "y"})
    found = conversation(app, ref)
    assert found.status == "resolved" and found.resolved_at == NOW
    assert len(emails(app)) == 1


@pytest.mark.parametrize("body, message", [("   ", "Write your message."),
                                           ("x" * 10_001, "Keep it under 10,000 characters.")])
def test_an_empty_or_overlong_reply_changes_nothing(client, app, setup, merchant, body, message):
    ref = ask(app)
    response = client.post(f"/admin/inbox/{ref}/reply", data={**reply_form(client, ref), "body": body})
    assert response.status_code == 422
    assert message in text(response)
    found = conversation(app, ref)
    assert len(found.messages) == 1 and found.status == "open" and found.reply_due_at is not None
    assert emails(app) == []


def test_without_the_csrf_token_nothing_is_posted(client, app, setup, merchant):
    ref = ask(app)
    token = reply_form(client, ref)["token"]
    for url, data in ((f"/admin/inbox/{ref}/reply", {"body": "Hi", "token": token}),
                      (f"/admin/inbox/{ref}/note", {"body": "Hi"}),
                      (f"/admin/inbox/{ref}/status", {"status": "resolved"})):
        assert client.post(url, data=data).status_code == 400
    found = conversation(app, ref)
    assert len(found.messages) == 1 and found.status == "open" and emails(app) == []


def test_a_note_is_for_staff_only(client, app, setup, merchant):
    """A note shows on the back office's page marked as staff-only; no email goes out and the
    customer's view of the conversation never holds it."""
    ref = ask(app)
    form = reply_form(client, ref)
    response = client.post(f"/admin/inbox/{ref}/note", data={"csrf_token": form["csrf_token"],
                                                             "body": "Customer called, wants a gift box"})
    assert response.status_code == 303
    html = page(client, ref)
    note = html[html.index('class="message message-note"'):]
    assert "Only staff see this" in note[:600] and "Customer called, wants a gift box" in note[:900]
    assert emails(app) == []
    with app.app_context():
        found = conversations.by_reference(ref)
        assert [m.body for m in conversations.shown_to_customer(found)] == ["Where is my parcel?"]
        assert found.status == "open" and found.reply_due_at is not None
    empty = client.post(f"/admin/inbox/{ref}/note", data={"csrf_token": form["csrf_token"], "body": ""})
    assert empty.status_code == 422 and "Write your message." in text(empty)
    assert count(app, ConversationMessage, author="note") == 1


def test_message_text_is_escaped_and_links_are_not_clickable(client, app, setup, merchant):
    ref = ask(app, "<script>alert(1)</script>\nSee https://evil.example/phish please")
    html = page(client, ref)
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "https://evil.example/phish" in html and 'href="https://evil.example' not in html


def test_assign_to_a_back_office_user_only(client, app, setup, merchant, make):
    other = make.user(email="staff@example.com", merchant=True, name="Seo Yun")
    shopper = make.user(email="shopper@example.com")
    ref = ask(app)
    csrf = reply_form(client, ref)["csrf_token"]
    assert client.post(f"/admin/inbox/{ref}/assign", data={"csrf_token": csrf, "staff": other["id"]}).status_code == 303
    assert conversation(app, ref).assigned_to_id == other["id"]
    assert "Seo Yun" in inbox(client)
    refused = client.post(f"/admin/inbox/{ref}/assign", data={"csrf_token": csrf, "staff": shopper["id"]})
    assert refused.status_code == 422 and "Choose someone from the list." in text(refused)
    assert conversation(app, ref).assigned_to_id == other["id"]
    client.post(f"/admin/inbox/{ref}/assign", data={"csrf_token": csrf, "staff": ""})
    assert conversation(app, ref).assigned_to_id is None


def test_resolve_wait_and_reopen(client, app, setup, merchant):
    """Reopening a conversation whose last word was the customer's restarts its clock."""
    ref = ask(app)
    csrf = reply_form(client, ref)["csrf_token"]
    later = NOW + timedelta(hours=1)
    app.config["CLOCK"] = lambda: later

    def move(status):
        return client.post(f"/admin/inbox/{ref}/status", data={"csrf_token": csrf, "status": status})

    assert move("resolved").status_code == 303
    found = conversation(app, ref)
    assert found.status == "resolved" and found.reply_due_at is None and found.resolved_at == later
    assert move("open").status_code == 303
    found = conversation(app, ref)
    assert found.status == "open" and found.reply_due_at == later + TARGET
    move("waiting")
    assert conversation(app, ref).status == "waiting"
    refused = move("deleted")
    assert refused.status_code == 422 and conversation(app, ref).status == "waiting"
    assert emails(app) == []


def test_the_unread_count_in_the_menu(client, app, setup, merchant, count_queries):
    """"Inbox 2" until one is opened; counted with one query per back-office page."""
    first = ask(app, email="a@example.com")
    ask(app, email="b@example.com")
    done = ask(app, email="c@example.com")
    with app.app_context():
        conversations.set_status(conversations.by_reference(done), "resolved", NOW)
        db.session.commit()
    html = text(client.get("/admin/"))
    assert re.search(r'>Inbox <span class="count">2<span class="visually-hidden"> unread', html)
    page(client, first)
    assert conversation(app, first).unread_by_staff is False
    assert re.search(r'>Inbox <span class="count">1<', text(client.get("/admin/orders")))
    with count_queries() as statements:
        client.get("/admin/orders")
    assert sum("unread_by_staff" in s for s in statements) == 1


def test_the_customer_and_what_the_question_is_about(client, app, setup, merchant):
    """The order it came from links to the order's page; the customer's name is plain text
    while the shop has no customer page."""
    order = place(app, setup, email="minji@example.com")
    ref = ask(app, order_number=order["number"])
    html = page(client, ref)
    assert f'href="/admin/orders/{order["number"]}"' in html
    assert "Minji Park" in html and "minji@example.com" in html


def test_the_customers_name_leads_to_their_page_which_lists_their_conversations(
        client, app, setup, make, login):
    """Member or guest, the asker's name leads to their customer page, and that page lists the
    conversation (and nobody else's)."""
    login(make.user(email="boss@example.com", merchant=True))
    shopper = make.user(email="minji@example.com", name="Minji Park")
    member = ask(app, user_id=shopper["id"], subject="Gift wrapping")
    guest = ask(app, email="guest@example.com", name="Dana Guest", subject="Bulk order")
    other = ask(app, email="someone@example.com", name="Some One", subject="Other question")
    for reference, name, theirs, not_theirs in ((member, "Minji Park", "Gift wrapping", guest),
                                                (guest, "Dana Guest", "Bulk order", member)):
        link = re.search(r'<a href="(/admin/customers/[^"]+)">' + name + "</a>",
                         page(client, reference))
        assert link, name
        customer_page = text(client.get(link.group(1)))
        assert reference in customer_page and theirs in customer_page
        assert not_theirs not in customer_page and other not in customer_page


# Saved replies ----------------------------------------------------------------------------

def add_saved(app, title, body, ko=None):
    from domain.helpdesk import saved_replies
    with app.test_request_context():
        found = saved_replies.create(title, body, {"ko": ko} if ko else {}, "en")
        db.session.commit()
        return found.id


def test_saved_replies_add_edit_reorder_and_delete(client, app, setup, merchant):
    token = csrf_of(text(client.get("/admin/saved-replies")))
    response = client.post("/admin/saved-replies", data={
        "csrf_token": token, "title": "Where is my order?", "body": "Hi {first_name}, {tracking_link}",
        "title_ko": "주문은 어디쯤?", "body_ko": "{first_name}님, {tracking_link}"})
    assert response.status_code == 303
    client.post("/admin/saved-replies", data={"csrf_token": token, "title": "How to return", "body": "See our policy."})
    with app.app_context():
        rows = db.session.scalars(db.select(SavedReply).order_by(SavedReply.position)).all()
        assert [r.title for r in rows] == ["Where is my order?", "How to return"]
        assert rows[0].translations["ko"] == {"title": "주문은 어디쯤?", "body": "{first_name}님, {tracking_link}"}
        first, second = rows[0].id, rows[1].id
    client.post(f"/admin/saved-replies/{second}/up", data={"csrf_token": token})
    html = text(client.get("/admin/saved-replies"))
    html = html[html.index('class="plain saved-replies"'):]
    assert html.index("How to return") < html.index("Where is my order?")
    bad = client.post("/admin/saved-replies", data={"csrf_token": token, "title": "", "body": "x"})
    assert bad.status_code == 422 and "A saved reply needs a title and a text." in text(bad)
    long = client.post(f"/admin/saved-replies/{first}", data={"csrf_token": token, "title": "T",
                                                               "body": "x" * 10_001})
    assert long.status_code == 422 and "10,000" in text(long)
    client.post(f"/admin/saved-replies/{first}", data={"csrf_token": token, "title": "Order status",
                                                       "body": "Hello {first_name}", "title_ko": "", "body_ko": ""})
    client.post(f"/admin/saved-replies/{second}/delete", data={"csrf_token": token})
    with app.app_context():
        rows = db.session.scalars(db.select(SavedReply)).all()
        assert [(r.title, r.body, r.translations) for r in rows] == [("Order status", "Hello {first_name}", {})]


def test_a_saved_reply_fills_the_reply_box_in_the_customers_language(client, app, setup, merchant):
    """Without JavaScript (?saved=<id>) and as the htmx fragment: the reply box holds the text in
    the conversation's language with the customer's name, order number and tracking link."""
    order = place(app, setup, email="minji@example.com")
    saved = add_saved(app, "Where is my order?",
                      "Hi {first_name}, order {order_number} is here: {tracking_link}",
                      ko={"title": "배송 조회", "body": "{first_name}님, 주문 {order_number} 배송 조회: {tracking_link}"})
    english = ask(app, order_number=order["number"])
    korean = ask(app, name="박민지", locale="ko", order_number=order["number"], email="park@example.com")
    box = page(client, english, f"?saved={saved}")
    textarea = re.search(r'<textarea id="reply-body"[^>]*>([^<]*)</textarea>', box).group(1)
    assert textarea.startswith(f"Hi Minji, order {order['number']} is here: http://127.0.0.1:5000/orders/{order['number']}?t=")
    fragment = client.get(f"/admin/inbox/{korean}?saved={saved}", headers={"HX-Request": "true"})
    html = text(fragment)
    assert html.lstrip().startswith('<div id="reply-box">') and "<nav" not in html
    textarea = re.search(r'<textarea id="reply-body"[^>]*>([^<]*)</textarea>', html).group(1)
    assert textarea.startswith(f"박민지님, 주문 {order['number']} 배송 조회: http://127.0.0.1:5000/orders/")


def test_a_missing_value_is_left_out_with_a_warning(client, app, setup, merchant):
    saved = add_saved(app, "Where is my order?", "Hi {first_name},\nYour order {order_number} ships today.\nTrack it: {tracking_link}")
    ref = ask(app)
    html = page(client, ref, f"?saved={saved}")
    textarea = re.search(r'<textarea id="reply-body"[^>]*>([^<]*)</textarea>', html).group(1)
    assert textarea == "Hi Minji,\nYour order ships today."
    assert "Left out, because this conversation has none: {order_number}, {tracking_link}" in html


def test_an_unknown_placeholder_is_shown_and_asked_about_before_sending(client, app, setup, merchant):
    saved = add_saved(app, "Coupon", "Hi {first_name}, use {coupon_code}.")
    ref = ask(app)
    html = page(client, ref, f"?saved={saved}")
    assert "Hi Minji, use {coupon_code}." in html
    assert "Not a placeholder the shop fills in, left as written: {coupon_code}." in html
    form = {**reply_form(client, ref), "body": "Hi Minji, use {coupon_code}."}
    warned = client.post(f"/admin/inbox/{ref}/reply", data=form)
    assert warned.status_code == 422 and "The reply still has {coupon_code} in it" in text(warned)
    assert emails(app) == [] and len(conversation(app, ref).messages) == 1
    sent = client.post(f"/admin/inbox/{ref}/reply", data={**form, "confirmed": "1"})
    assert sent.status_code == 303 and len(emails(app)) == 1


# The dashboard ----------------------------------------------------------------------------

def test_the_dashboard_counts_open_and_overdue_and_the_median_first_response(client, app, setup, merchant):
    """Open conversations, overdue replies and the median time to a first reply over the
    conversations started in the last seven days ("—" when none was answered)."""
    html = text(client.get("/admin/"))
    assert "0 open conversations" in html and "0 overdue replies" in html
    assert re.search(r'<strong class="first-response">—</strong>', html)
    now = NOW + timedelta(days=10)
    app.config["CLOCK"] = lambda: now
    answered = [ask(app, email=f"a{n}@example.com", now=now - timedelta(days=1)) for n in range(3)]
    for ref, minutes in zip(answered, (10, 30, 200)):
        reply(app, ref, merchant["id"], now=now - timedelta(days=1) + timedelta(minutes=minutes))
    old = ask(app, email="old@example.com", now=now - timedelta(days=8))
    reply(app, old, merchant["id"], now=now - timedelta(days=8) + timedelta(minutes=1))
    ask(app, email="late@example.com", now=now - TARGET - timedelta(minutes=1))
    ask(app, email="fresh@example.com", now=now)
    html = text(client.get("/admin/"))
    assert "2 open conversations" in html and "1 overdue reply" in html
    assert re.search(r'<strong class="first-response">30 min</strong>', html)
    assert "(3 conversations answered)" in html


# Indexes ----------------------------------------------------------------------------------

def _plan(app, statement, parameters):
    with app.app_context():
        connection = db.session.connection()
        if connection.dialect.name == "postgresql":
            # A few rows make a sequential scan cheapest; asked to avoid one, the planner says
            # whether an index can serve the query at all.
            connection.exec_driver_sql("SET enable_seqscan = off")
            rows = connection.exec_driver_sql("EXPLAIN " + statement, parameters).all()
            return " | ".join(row[0] for row in rows)
        rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
        return " | ".join(row[-1] for row in rows)


def test_the_inbox_and_the_unread_count_read_indexes(client, app, setup, merchant):
    """The default listing, its count, the resolved ones and the menu's unread count read
    indexes, not the conversation table, and the pages come off the index in order."""
    from sqlalchemy import event
    ask(app)
    seen = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        if "FROM conversation" in statement and "conversation_message" not in statement.split("FROM conversation")[1][:30]:
            seen.append((statement, parameters))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", listener)
    try:
        client.get("/admin/inbox")
        client.get("/admin/inbox?status=resolved")
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert len(seen) >= 5  # unread count, count and page, twice (the menu's count once per page)
    for statement, parameters in seen:
        plan = _plan(app, statement, parameters)
        assert "SCAN conversation" not in plan and "Seq Scan on conversation" not in plan, (statement, plan)
        assert "TEMP B-TREE FOR ORDER BY" not in plan, (statement, plan)


def test_the_demo_shop_has_questions_and_saved_replies(client, app, demo_shop, login):
    """On a first `make run` the inbox is not empty: an overdue question, one waiting for the
    customer, a new one; and two saved replies in English and Korean."""
    from domain.demo.catalogue import MERCHANT_EMAIL
    password = dict((email, pw) for _role, email, pw in demo_shop.accounts)[MERCHANT_EMAIL]
    login({"email": MERCHANT_EMAIL, "password": password})
    html = inbox(client)
    assert "3 conversations" in html and "Overdue by" in html and "Waiting for customer" in html
    assert "Reply due in" in html
    with app.app_context():
        replies = db.session.scalars(db.select(SavedReply).order_by(SavedReply.position)).all()
        assert [r.title for r in replies] == ["Where is my order?", "How to return"]
        assert "{tracking_link}" in replies[0].body and "{tracking_link}" in replies[0].translations["ko"]["body"]
        assert "/policies/returns" in replies[1].body and "/policies/returns" in replies[1].translations["ko"]["body"]
    assert emails(app) == []


def test_removing_the_demo_takes_its_questions_and_untouched_saved_replies(app, demo_shop):
    """The demo customer's conversations go with the demo; a saved reply the merchant has
    rewritten is theirs now and stays."""
    from domain.demo import removal
    with app.test_request_context():
        edited = db.session.scalar(db.select(SavedReply).where(SavedReply.title == "How to return"))
        edited.body = "Write to us and we will arrange a pickup."
        db.session.commit()
        found = removal.find()
        assert len(found.conversations) == 3 and [r.title for r in found.saved_replies] == ["Where is my order?"]
        removal.remove(found)
        db.session.commit()
        assert db.session.scalars(db.select(SavedReply.title)).all() == ["How to return"]
        assert count(app, Conversation) == 0
        assert not removal.find().saved_replies


def test_the_same_reply_sent_twice_at_the_same_instant_is_added_and_emailed_once(app, setup, make):
    """A double click whose two requests race each other: both finish without an error, one
    message is added and one email queued (the second waits for the first, then finds it)."""
    import threading
    staff = make.user(email="boss@example.com", merchant=True)
    reference = ask(app)
    start = threading.Barrier(2)
    answers, errors = [], []

    def send():
        try:
            with app.app_context():
                found = conversations.by_reference(reference)
                start.wait(timeout=10)
                message = conversations.staff_reply(found, db.session.get(User, staff["id"]),
                                                    "On its way.", NOW, client_token="tap-1")
                db.session.commit()
                answers.append(message.id)
        except Exception as error:  # noqa: BLE001 - the test reports whatever a request hit
            errors.append(repr(error))

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert len(answers) == 2 and answers[0] == answers[1]
    assert [m.author for m in conversation(app, reference).messages] == ["customer", "staff"]
    assert len(emails(app)) == 1
