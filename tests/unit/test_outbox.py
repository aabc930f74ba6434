"""Sending the outbox: delivery to a real SMTP server, retries with backoff, the .eml fallback."""
import email
import os
from datetime import datetime, timedelta, timezone
from email import policy

import pytest
from aiosmtpd.smtp import AuthResult

from domain import mailer, notify
from domain.extensions import db
from domain.models import OutboxMessage
from tests.smtp_helpers import DeadPort, RudeGoodbye, smtp_server, text_and_html

NOW = datetime(2026, 3, 3, 9, 0, tzinfo=timezone.utc)
SENDER = "Moonjar Studio <shop@moonjar.example>"


def render(message):
    """A stand-in for the web side's renderer: the same composition, fixed words."""
    return mailer.compose(message, SENDER, f"Hello {message.id}", f"Text of {message.kind}",
                          f"<p>HTML of {message.kind}</p>")


def queue(*addresses, kind="order_paid", now=NOW):
    messages = [notify.enqueue(kind, address, "en", now=now) for address in addresses]
    db.session.commit()
    return [m.id for m in messages]


def stored(message_id):
    db.session.expire_all()
    return db.session.get(OutboxMessage, message_id)


def smtp(port):
    return mailer.SMTPTransport(f"smtp://127.0.0.1:{port}", timeout=5)


def test_backoff_doubles_from_a_minute_up_to_an_hour():
    """1, 2, 4, ... minutes after each failure, never more than an hour apart."""
    assert [mailer.backoff(n) // timedelta(minutes=1) for n in range(1, 10)] == [
        1, 2, 4, 8, 16, 32, 60, 60, 60]
    assert mailer.backoff(500) == timedelta(hours=1)


@pytest.mark.parametrize("url, expected", [
    ("smtp://mail.example", ("mail.example", 25, False, False, "", "")),
    ("smtp://user:secret@mail.example:2525", ("mail.example", 2525, False, False, "user", "secret")),
    ("smtp://me%40shop.example:p%40ss@mail.example?starttls=1",
     ("mail.example", 587, False, True, "me@shop.example", "p@ss")),
    ("smtps://user:pw@mail.example", ("mail.example", 465, True, False, "user", "pw")),
])
def test_smtp_url_gives_host_port_tls_and_login(url, expected):
    """Ports default by the kind of TLS; percent-encoded user names and passwords are decoded."""
    t = mailer.SMTPTransport(url)
    assert (t.host, t.port, t.implicit_tls, t.starttls, t.username, t.password) == expected
    assert "secret" not in str(t) and "pw" not in str(t)


@pytest.mark.parametrize("url", ["http://mail.example", "smtp://", "mail.example:25"])
def test_a_malformed_smtp_url_is_refused(url):
    """A typo in SMTP_URL stops the worker at start, not silently at each message."""
    with pytest.raises(ValueError):
        mailer.SMTPTransport(url)


def test_a_due_message_is_delivered_once_with_text_and_html(ctx):
    """The server receives it once, addressed and composed; a second pass sends nothing."""
    [message_id] = queue("minji@example.com")
    with smtp_server() as (inbox, port):
        [outcome] = mailer.send_due(NOW, smtp(port), render)
        assert mailer.send_due(NOW + timedelta(hours=2), smtp(port), render) == []
    assert outcome.sent and str(outcome).startswith(f"sent #{message_id} order_paid to minji@")
    [envelope] = inbox.envelopes
    assert envelope.rcpt_tos == ["minji@example.com"]
    assert envelope.mail_from == "shop@moonjar.example"
    [received] = inbox.messages
    assert received["Subject"] == f"Hello {message_id}"
    assert received["To"] == "minji@example.com"
    assert received.get_content_type() == "multipart/alternative"
    assert text_and_html(received) == ("Text of order_paid\n", "<p>HTML of order_paid</p>\n")
    message = stored(message_id)
    assert message.sent_at == NOW and message.attempts == 0 and message.last_error == ""


def test_the_login_comes_from_the_url(ctx):
    """user:pass in SMTP_URL is used to log in to the server."""
    logins = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=True)

    queue("minji@example.com")
    with smtp_server(authenticator=authenticator, auth_require_tls=False) as (inbox, port):
        transport = mailer.SMTPTransport(f"smtp://shop%40moonjar.example:s3cret@127.0.0.1:{port}")
        [outcome] = mailer.send_due(NOW, transport, render)
    assert outcome.sent and len(inbox.envelopes) == 1
    assert logins == [(b"shop@moonjar.example", b"s3cret")]


def test_a_server_that_is_down_delays_mail_and_loses_none(ctx):
    """Refused connections keep every message with its error and a growing delay; once the
    server is up and the delay has passed, each one arrives exactly once."""
    ids = queue("a@example.com", "b@example.com")
    dead = DeadPort()
    transport = smtp(dead.port)
    clock = NOW
    delays = []
    for attempt in (1, 2, 3):
        outcomes = mailer.send_due(clock, transport, render)
        assert [o.sent for o in outcomes] == [False, False]
        message = stored(ids[0])
        assert message.sent_at is None and message.attempts == attempt
        assert "ConnectionRefusedError" in message.last_error
        delays.append(message.next_attempt_at - clock)
        # Not due again before the delay is over.
        assert mailer.send_due(message.next_attempt_at - timedelta(seconds=1), transport, render) == []
        clock = message.next_attempt_at
    assert delays == [timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4)]
    assert "failed #" in str(outcomes[0]) and "attempt 3" in str(outcomes[0])

    dead.release()
    with smtp_server(port=dead.port) as (inbox, port):
        assert mailer.send_due(clock - timedelta(seconds=1), transport, render) == []
        assert [o.sent for o in mailer.send_due(clock, transport, render)] == [True, True]
        assert mailer.send_due(clock + timedelta(days=1), transport, render) == []
    assert sorted(e.rcpt_tos[0] for e in inbox.envelopes) == ["a@example.com", "b@example.com"]
    assert all(stored(i).sent_at == clock for i in ids)


def test_after_many_failures_it_keeps_trying_hourly_and_says_so(ctx):
    """A message failing for hours is flagged for the merchant, never dropped."""
    [message_id] = queue("a@example.com")
    message = stored(message_id)
    message.attempts = mailer.STUCK_AFTER - 1
    db.session.commit()
    dead = DeadPort()
    try:
        mailer.send_due(NOW, smtp(dead.port), render)
    finally:
        dead.release()
    message = stored(message_id)
    assert message.attempts == mailer.STUCK_AFTER and mailer.overview(NOW).stuck == 1
    assert message.next_attempt_at == NOW + timedelta(hours=1)


def test_a_rolled_back_message_is_never_sent(ctx):
    """Queued in a transaction that fails, the message goes with it."""
    notify.enqueue("order_paid", "ghost@example.com", "en", now=NOW)
    db.session.flush()
    db.session.rollback()
    with smtp_server() as (inbox, port):
        assert mailer.send_due(NOW + timedelta(days=1), smtp(port), render) == []
    assert inbox.envelopes == []
    assert db.session.scalar(db.select(db.func.count(OutboxMessage.id))) == 0


def test_due_messages_go_oldest_first_and_in_batches(ctx):
    """Later messages wait for the next pass; messages not yet due are left alone."""
    first = queue("old@example.com", now=NOW - timedelta(minutes=5))
    second = queue("new@example.com", now=NOW)
    later = queue("later@example.com", now=NOW + timedelta(minutes=1))
    with smtp_server() as (inbox, port):
        assert [o.id for o in mailer.send_due(NOW, smtp(port), render, limit=1)] == first
        assert [o.id for o in mailer.send_due(NOW, smtp(port), render, limit=5)] == second
    assert stored(later[0]).sent_at is None and len(inbox.envelopes) == 2


def test_a_message_that_cannot_be_rendered_is_retried_with_its_error(ctx):
    """A template error is a failure like any other: recorded, retried, the rest still sent."""
    broken, fine = queue("broken@example.com", "fine@example.com")

    def picky(message):
        if message.id == broken:
            raise KeyError("missing " + "x" * 1000)
        return render(message)

    with smtp_server() as (inbox, port):
        outcomes = mailer.send_due(NOW, smtp(port), picky)
    assert [(o.id, o.sent) for o in outcomes] == [(broken, False), (fine, True)]
    message = stored(broken)
    assert message.last_error.startswith("KeyError: 'missing xxx")
    assert len(message.last_error) == mailer.ERROR_LENGTH
    assert message.next_attempt_at == NOW + timedelta(minutes=1)


def test_a_claimed_message_is_not_taken_twice(ctx):
    """A second worker running by mistake skips a message the first one is sending."""
    [message_id] = queue("a@example.com")
    assert mailer._claim(message_id, NOW)
    assert not mailer._claim(message_id, NOW)
    # A worker that died mid-send leaves it to be tried again after the lease.
    assert mailer.send_due(NOW + mailer.LEASE - timedelta(seconds=1), None, render) == []
    assert mailer._claim(message_id, NOW + mailer.LEASE)


def test_a_message_is_recorded_as_sent_the_moment_the_server_accepts_it(app, ctx):
    """Before the goodbye: a server that then refuses the goodbye does not get it again."""
    [message_id] = queue("a@example.com")
    seen_during_goodbye = []

    def on_quit():
        with app.app_context():
            seen_during_goodbye.append(db.session.get(OutboxMessage, message_id).sent_at)

    with smtp_server(inbox=RudeGoodbye(on_quit)) as (inbox, port):
        [outcome] = mailer.send_due(NOW, smtp(port), render)
        assert mailer.send_due(NOW + timedelta(hours=2), smtp(port), render) == []
    assert seen_during_goodbye == [NOW]
    assert outcome.sent and len(inbox.envelopes) == 1
    assert stored(message_id).attempts == 0


def test_the_stop_request_ends_a_pass_between_messages(ctx):
    """SIGTERM during a pass lets the message being sent finish and leaves the rest queued."""
    queue("a@example.com", "b@example.com")
    with smtp_server() as (inbox, port):
        outcomes = mailer.send_due(NOW, smtp(port), render, should_stop=lambda: bool(inbox.envelopes))
    assert len(outcomes) == 1 and len(inbox.envelopes) == 1


def test_eml_files_are_whole_and_parseable(ctx, tmp_path):
    """Without SMTP, each message becomes one RFC 5322 file, with nothing half-written left."""
    folder = tmp_path / "mail"
    transport = mailer.transport_for("", str(folder))
    assert isinstance(transport, mailer.EmlTransport)
    [message_id] = queue("minji@example.com")
    [outcome] = mailer.send_due(NOW, transport, render)
    assert outcome.sent
    assert os.listdir(folder) == [mailer.eml_name(message_id)]
    with open(folder / mailer.eml_name(message_id), "rb") as fh:
        parsed = email.message_from_binary_file(fh, policy=policy.default)
    assert parsed["To"] == "minji@example.com" and parsed["From"] == SENDER
    assert parsed["Message-ID"].startswith(f"<outbox-{message_id}.")
    assert text_and_html(parsed)[0] == "Text of order_paid\n"
    assert not parsed.defects


def test_the_sender_is_mail_from_else_the_shop():
    """MAIL_FROM wins; else the shop's name and email; else no-reply at the shop's host."""
    assert mailer.sender_address("Ops <ops@x.example>", "Moonjar", "hi@moonjar.example") == "Ops <ops@x.example>"
    assert mailer.sender_address("", "Moonjar", "hi@moonjar.example") == "Moonjar <hi@moonjar.example>"
    assert mailer.sender_address("", "Moonjar", "", "shop.example") == "Moonjar <no-reply@shop.example>"


def test_a_message_to_an_unusable_address_is_put_aside_and_never_retried(ctx):
    """An address with a line break can never be built: failed at once, counted, not retried."""
    bad, fine = queue("a@b.com\nBcc: x@y.z", "fine@example.com")
    with smtp_server() as (inbox, port):
        outcomes = mailer.send_due(NOW, smtp(port), render)
        assert mailer.send_due(NOW + timedelta(days=30), smtp(port), render) == []
    assert [(o.id, o.sent) for o in outcomes] == [(bad, False), (fine, True)]
    assert str(outcomes[0]).startswith(f"failed #{bad}") and "cannot be built" in str(outcomes[0])
    assert [e.rcpt_tos for e in inbox.envelopes] == [["fine@example.com"]]
    message = stored(bad)
    assert message.sent_at is None and message.attempts == 1
    assert mailer.cannot_be_built(message)
    assert message.last_error.startswith(mailer.CANNOT_BE_BUILT)
    view = mailer.overview(NOW + timedelta(days=30))
    assert (view.unbuildable, view.failing, view.stuck, view.overdue) == (1, 0, 0, 0)


def test_a_value_error_while_building_is_put_aside_other_errors_are_retried(ctx):
    """A header that cannot be written is not transient; a KeyError from a template still is."""
    broken, flaky = queue("broken@example.com", "flaky@example.com")

    def picky(message):
        if message.id == broken:
            email = render(message)
            email["X-Note"] = "one\nline too many"  # ValueError: linefeed in a header
            return email
        raise KeyError("later")

    with smtp_server() as (inbox, port):
        mailer.send_due(NOW, smtp(port), picky)
        assert [o.id for o in mailer.send_due(NOW + timedelta(hours=2), smtp(port), picky)] == [flaky]
    assert inbox.envelopes == []
    assert mailer.cannot_be_built(stored(broken)) and stored(broken).attempts == 1
    assert "ValueError" in stored(broken).last_error
    assert not mailer.cannot_be_built(stored(flaky)) and stored(flaky).attempts == 2
    assert mailer.overview(NOW).unbuildable == 1
