"""Customers' emails read by the worker from a real IMAP server (Dovecot) into conversations:
replies thread by their reply address, new emails start conversations, automatic mail is
ignored, each message is read once, and a mailbox that is down is tried again."""
from datetime import datetime, timedelta, timezone

import pytest

import worker
from domain import jobs, transaction
from domain.extensions import db
from domain.helpdesk import conversations, inbound
from domain.models import Conversation, ConversationMessage, OutboxMessage, ScheduledJob
from domain.shopconfig import current
from tests.imap_helpers import free_port

NOW = datetime(2026, 12, 7, 2, 0, tzinfo=timezone.utc)  # a Monday, 11:00 in Seoul
SHOP_ADDRESS = "hello@moonjar.example"


class Shop:
    """The app with a mailbox to read, its clock moved a minute on before each run."""

    def __init__(self, app, mailbox):
        self.app, self.mailbox, self.now = app, mailbox, NOW
        app.config.update(IMAP_URL=mailbox.url, MAIL_FROM=f"Moonjar <{SHOP_ADDRESS}>",
                          CLOCK=lambda: self.now)
        self.lines = []

    def read(self):
        """One run of the inbound job, as the worker runs it; returns its result."""
        self.now += timedelta(minutes=1, seconds=1)
        registry = jobs.Registry()
        registry.jobs = {"read-inbound-mail": jobs.REGISTRY.jobs["read-inbound-mail"]}
        with self.app.app_context():
            results = jobs.run_due(worker.configured(self.app, registry),
                                   lambda: self.now, current().zone, echo=self.lines.append)
        return results.get("read-inbound-mail")

    def conversation(self, email="ann@example.com", body="Where is my order?", resolved=False):
        with self.app.app_context(), transaction.unit_of_work():
            config = current()
            started, _ = conversations.start(email=email, body=body, now=NOW - timedelta(days=1),
                                             schedule=config.schedule, name="Ann")
            conversations.staff_reply(started, None, "It left today.",
                                      NOW - timedelta(hours=20), resolve=resolved)
            return started.id, started.reference, inbound.reply_address(started)

    def messages(self, conversation_id):
        with self.app.app_context():
            return [(m.author, m.body, m.via) for m in db.session.scalars(
                db.select(ConversationMessage).where(
                    ConversationMessage.conversation_id == conversation_id)
                .order_by(ConversationMessage.id))]

    def others(self, conversation_id):
        """The conversations besides `conversation_id`."""
        with self.app.app_context():
            return db.session.scalars(db.select(Conversation).where(
                Conversation.id != conversation_id)).all()


@pytest.fixture
def shop(app, imap_server):
    return Shop(app, imap_server.mailbox())


def mail(*, sender="Ann Lee <ann@example.com>", to=SHOP_ADDRESS, subject="Question",
         body="Hello", message_id="<m1@mail.example>", headers=(), html=None):
    lines = [f"From: {sender}", f"To: {to}", f"Subject: {subject}",
             "Date: Mon, 07 Dec 2026 10:00:00 +0900", "MIME-Version: 1.0"]
    if message_id:
        lines.append(f"Message-ID: {message_id}")
    lines += list(headers)
    if html is not None:
        lines += ["Content-Type: text/html; charset=utf-8", "", html]
    else:
        lines += ["Content-Type: text/plain; charset=utf-8", "", body]
    return "\n".join(lines) + "\n"


def test_a_reply_to_the_reply_address_threads_into_its_conversation_and_reopens_it(shop):
    conversation_id, reference, address = shop.conversation(resolved=True)
    assert address.startswith("hello+" + reference + ".") and address.endswith("@moonjar.example")
    shop.mailbox.deliver(mail(
        sender="Ann at work <ann.lee@work.example>", to=address,
        subject=f"Re: About your question [{reference}]",
        body="It has not arrived yet.\n\nOn Sun, Dec 6, 2026 at 11:00 AM Moonjar <"
             f"{address}> wrote:\n> It left today.\n"))

    assert shop.read() == "ok"
    assert shop.messages(conversation_id)[-1] == ("customer", "It has not arrived yet.", "email")
    with shop.app.app_context():
        conversation = db.session.get(Conversation, conversation_id)
        assert conversation.status == "open"
        assert conversation.resolved_at is None
        # The reply clock starts again: the inbox shows it as waiting for the shop.
        assert conversation.awaiting_since == shop.now
        assert conversation.reply_due_at is not None and conversation.reply_due_at > shop.now
        assert conversation.unread_by_staff
    assert shop.others(conversation_id) == []
    assert shop.mailbox.unseen() == 0
    assert any("read 1 email: 1 threaded" in line for line in shop.lines)


def test_a_forged_reply_token_adds_nothing_to_that_conversation(shop):
    """A made-up token naming a real conversation is treated as an email without one: the
    sender gets a conversation of their own."""
    conversation_id, reference, address = shop.conversation()
    forged = f"hello+{reference}.aaaaaaaaaaaaa@moonjar.example"
    assert forged != address
    shop.mailbox.deliver(mail(sender="mallory@evil.example", to=forged, body="Send it to me"))

    assert shop.read() == "ok"
    assert [author for author, *_ in shop.messages(conversation_id)] == ["customer", "staff"]
    [other] = shop.others(conversation_id)
    assert other.email == "mallory@evil.example"
    assert shop.messages(other.id) == [("customer", "Send it to me", "email")]


def test_a_subject_tag_threads_only_from_the_conversations_own_address(shop):
    conversation_id, reference, _address = shop.conversation()
    shop.mailbox.deliver(mail(sender="mallory@evil.example", subject=f"Re: [{reference}]",
                              body="Change the address", message_id="<evil@mail.example>"))
    shop.mailbox.deliver(mail(sender="ANN@example.com", subject=f"Re: [{reference}]",
                              body="Thank you", message_id="<ann@mail.example>"))

    assert shop.read() == "ok"
    assert shop.messages(conversation_id)[-1] == ("customer", "Thank you", "email")
    assert "Change the address" not in [body for _, body, _ in shop.messages(conversation_id)]
    [other] = shop.others(conversation_id)
    assert other.email == "mallory@evil.example"


def test_a_new_email_starts_a_conversation_with_its_sender_in_the_shops_language(shop, make):
    make.settings(main_language="ko")
    shop.mailbox.deliver(mail(sender="=?utf-8?b?6rOg6rCd?= <Customer@Example.com>",
                              subject="Re: 배송 문의", body="언제 도착하나요?"))

    assert shop.read() == "ok"
    with shop.app.app_context():
        [conversation] = db.session.scalars(db.select(Conversation)).all()
        assert (conversation.email, conversation.name, conversation.channel, conversation.topic,
                conversation.subject, conversation.locale, conversation.status) == (
            "customer@example.com", "고객", "email", "other", "배송 문의", "ko", "open")
        assert conversation.reply_due_at is not None and conversation.unread_by_staff
    assert shop.messages(conversation.id) == [("customer", "언제 도착하나요?", "email")]


def test_quoted_korean_reply_keeps_only_the_new_text(shop):
    conversation_id, reference, address = shop.conversation()
    shop.mailbox.deliver(mail(
        to=address, subject=f"Re: [{reference}]",
        body="네, 감사합니다.\n\n2026년 12월 6일 (일) 오후 3:00, Moonjar <hello@moonjar.example>님이 "
             "작성:\n> It left today.\n>\n> Moonjar\n"))

    assert shop.read() == "ok"
    assert shop.messages(conversation_id)[-1] == ("customer", "네, 감사합니다.", "email")


def test_an_html_only_email_is_read_as_text_without_its_markup(shop):
    shop.mailbox.deliver(mail(html="<html><head><style>p{color:red}</style></head><body>"
                                   "<p>Hi &amp; hello,</p><p>my order <b>M-123</b> is late."
                                   "<script>alert(1)</script></p></body></html>"))

    assert shop.read() == "ok"
    [conversation] = shop.others(0)
    [(_, body, _)] = shop.messages(conversation.id)
    assert body == "Hi & hello,\nmy order M-123 is late."


@pytest.mark.parametrize("headers, sender", [
    (["Auto-Submitted: auto-replied"], "ann@example.com"),
    (["Precedence: bulk"], "news@example.com"),
    (["X-Autoreply: yes"], "ann@example.com"),
    ([], "MAILER-DAEMON@mail.example"),
    ([], "<>"),
])
def test_auto_replies_and_bounces_start_no_conversation(shop, headers, sender):
    conversation_id, reference, address = shop.conversation()
    shop.mailbox.deliver(mail(sender=sender, to=address, subject=f"Out of office [{reference}]",
                              body="I am away until Monday.", headers=headers))

    assert shop.read() == "ok"
    assert len(shop.messages(conversation_id)) == 2
    assert shop.others(conversation_id) == []
    # Read and set aside: not read again at the next run.
    assert shop.mailbox.unseen() == 0
    assert any("1 ignored" in line for line in shop.lines)


def test_a_message_read_twice_is_added_once(shop):
    """Delivered twice (same Message-ID), then unflagged as after a crash between the commit
    and the \\Seen flag: one message. A message without a Message-ID as well."""
    conversation_id, reference, address = shop.conversation()
    for _ in range(2):
        shop.mailbox.deliver(mail(to=address, body="Once, please"))
        shop.mailbox.deliver(mail(body="No id here", message_id=None))
    assert shop.read() == "ok"
    shop.mailbox.mark_unseen()
    assert shop.read() == "ok"

    bodies = [body for _, body, _ in shop.messages(conversation_id)]
    assert bodies.count("Once, please") == 1
    [other] = shop.others(conversation_id)
    assert shop.messages(other.id) == [("customer", "No id here", "email")]
    assert shop.mailbox.unseen() == 0


def test_a_mailbox_that_is_down_fails_the_run_and_the_next_run_reads_it(shop):
    url = shop.app.config["IMAP_URL"]
    shop.app.config["IMAP_URL"] = f"imap://shop:secret@127.0.0.1:{free_port()}/INBOX"
    shop.mailbox.deliver(mail(body="Are you there?"))

    assert shop.read() == "failed"
    status = "\n".join(worker.status_lines(shop.app))
    assert "read-inbound-mail: every 60 s" in status
    assert "failed: ConnectionRefusedError" in status

    shop.app.config["IMAP_URL"] = url
    assert shop.read() == "ok"
    [conversation] = shop.others(0)
    assert shop.messages(conversation.id) == [("customer", "Are you there?", "email")]


def test_without_imap_url_the_mailbox_job_never_runs(app):
    from domain import mailer
    app.config.update(IMAP_URL="", CLOCK=lambda: NOW)
    worker.run_jobs(app, mailer.EmlTransport(app.config["MAIL_FOLDER"]), None, lambda line: None)

    with app.app_context():
        ran = {row.name for row in db.session.scalars(db.select(ScheduledJob))}
        assert "heartbeat" in ran and "read-inbound-mail" not in ran
    status = app.test_cli_runner().invoke(args=["worker", "--status"]).output
    assert "read-inbound-mail: off (IMAP_URL is not set)" in status


def test_help_emails_reply_to_their_conversation_only_when_a_mailbox_is_read(shop):
    conversation_id, reference, address = shop.conversation()
    with shop.app.app_context():
        help_reply = OutboxMessage(kind="help_reply", to_address="ann@example.com",
                                   data={"conversation_id": conversation_id})
        order_email = OutboxMessage(kind="order_shipped", to_address="ann@example.com", data={})
        assert inbound.reply_headers(help_reply) == {"Reply-To": address}
        assert inbound.reply_headers(order_email) == {}
        conversation = db.session.get(Conversation, conversation_id)
        assert inbound.subject_tag(conversation) == f"[{reference}]"
        shop.app.config["IMAP_URL"] = ""
        assert inbound.reply_address(conversation) is None
        assert inbound.reply_headers(help_reply) == {}


def test_a_long_email_is_cut_with_a_note_and_a_picture_only_email_says_so(shop):
    shop.mailbox.deliver(mail(body="Long story. " * 2000, message_id="<long@mail.example>"))
    shop.mailbox.deliver("\n".join([
        "From: Bo <bo@example.com>", f"To: {SHOP_ADDRESS}", "Subject: Broken cup",
        "Message-ID: <photo@mail.example>", "MIME-Version: 1.0",
        'Content-Type: multipart/mixed; boundary="b"', "", "--b",
        "Content-Type: image/jpeg", "Content-Disposition: attachment; filename=cup.jpg",
        "Content-Transfer-Encoding: base64", "", "/9j/4AAQSkZJRgABAQ==", "--b--", ""]))

    assert shop.read() == "ok"
    bodies = {c.email: shop.messages(c.id)[0][1] for c in shop.others(0)}
    long = bodies["ann@example.com"]
    assert len(long) <= conversations.BODY_MAX and long.startswith("Long story. Long story.")
    assert long.endswith("[The email was longer: the rest was cut off.]")
    assert bodies["bo@example.com"] == "(The email had no text.)"


def test_two_workers_reading_the_mailbox_at_once_add_each_email_once(shop):
    """As when a worker's lease lapsed while it was still reading and another took the run
    over: both read the same unseen emails; the unique Message-ID lets one of them add each."""
    import threading
    for n in range(6):
        shop.mailbox.deliver(mail(sender=f"c{n}@example.com", body=f"Email {n}",
                                  message_id=f"<race{n}@mail.example>"))
    start, outcomes = threading.Barrier(2), []

    def read():
        with shop.app.app_context():
            start.wait()
            outcomes.extend(inbound.poll(shop.app.config["IMAP_URL"], NOW))

    workers = [threading.Thread(target=read) for _ in range(2)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join(timeout=60)

    added = sorted(shop.messages(c.id)[0][1] for c in shop.others(0))
    assert added == [f"Email {n}" for n in range(6)]
    assert sorted(o.split(" ")[0] for o in outcomes if not o.startswith("new")) == \
        ["duplicate"] * (len(outcomes) - 6)
    assert shop.mailbox.unseen() == 0


def test_the_no_text_note_is_in_the_shops_language(shop, make):
    make.settings(main_language="ko")
    shop.mailbox.deliver(mail(body="\n", message_id="<empty@mail.example>"))

    assert shop.read() == "ok"
    [conversation] = shop.others(0)
    assert shop.messages(conversation.id) == [("customer", "(이메일에 본문이 없습니다.)", "email")]
