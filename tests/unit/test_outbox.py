"""Sending the outbox: delivery to a real SMTP server, retries with backoff, the .eml fallback,
leases that keep two workers from sending the same message."""
import email
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta, timezone
from email import policy
from pathlib import Path

import pytest
from aiosmtpd.smtp import AuthResult

from domain import mailer, notify
from domain.extensions import db
from domain.models import OutboxMessage
from tests.smtp_helpers import DeadPort, HoldingInbox, RudeGoodbye, smtp_server, text_and_html

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


def utc_now():
    return datetime.now(timezone.utc)


def start_worker(app):
    """`flask --app shop worker` as a process of its own, on the test's database and settings."""
    env = dict(os.environ, DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
               SECRET_KEY=app.config["SECRET_KEY"], SMTP_URL=app.config["SMTP_URL"],
               MAIL_FROM=app.config["MAIL_FROM"])
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "shop", "worker"],
                            cwd=Path(__file__).resolve().parents[2], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def run_worker(app, at):
    """One pass of `flask --app shop worker --once` in this process, its clock at `at`."""
    app.config["CLOCK"] = lambda: at
    result = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.output


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


def test_a_message_whose_worker_died_is_sent_by_the_next_pass_a_minute_later(ctx):
    """A claim with no live worker behind it keeps others off for a minute, not ten; then the
    cut-off attempt is counted and the log says the message may arrive twice."""
    [message_id] = queue("a@example.com")
    assert mailer._claim(message_id, NOW)  # ...and then its worker was killed
    assert not mailer._claim(message_id, NOW)
    with smtp_server() as (inbox, port):
        assert mailer.send_due(NOW + timedelta(seconds=59), smtp(port), render) == []
        [outcome] = mailer.send_due(NOW + timedelta(minutes=1), smtp(port), render)
    assert outcome.sent and len(inbox.envelopes) == 1
    assert str(outcome) == (f"sent #{message_id} order_paid to a@example.com (again: the attempt at "
                            "2026-03-03 09:00:00 UTC was cut off and may have arrived)")
    message = stored(message_id)
    assert message.sent_at == NOW + timedelta(minutes=1) and message.attempts == 1
    assert message.last_error == "" and message.attempt_started_at is None


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


def test_a_slow_server_does_not_get_the_message_twice_from_a_second_worker(app, ctx, monkeypatch):
    """A live worker waiting on a slow server for longer than the lease keeps renewing it: a
    second worker polling all the while never takes the message."""
    monkeypatch.setattr(mailer, "LEASE", timedelta(seconds=2))
    [message_id] = queue("a@example.com", now=utc_now() - timedelta(minutes=1))
    first, second = [], []

    def first_worker():
        with app.app_context():
            first.extend(mailer.send_due(utc_now(), smtp(port), render))

    with smtp_server(inbox=HoldingInbox(delay=4)) as (inbox, port):
        sending = threading.Thread(target=first_worker)
        sending.start()
        assert inbox.holding.wait(10)
        while sending.is_alive():
            second += mailer.send_due(utc_now(), smtp(port), render)
            sending.join(0.1)
    assert [o.sent for o in first] == [True] and second == []
    assert len(inbox.envelopes) == 1 and stored(message_id).sent_at is not None


def test_a_worker_killed_while_the_server_holds_the_message_is_relieved_within_a_minute(app, ctx):
    """kill -9 on `flask worker` while the server has the message but has not answered yet:
    another worker sends it a minute later (not ten), once more, with the same Message-ID."""
    message = notify.enqueue("password_reset", "minji@example.com", "en",
                             data={"url": "https://shop.example/account/reset/abc"},
                             now=utc_now() - timedelta(minutes=1))
    db.session.commit()
    message_id = message.id
    with smtp_server(inbox=HoldingInbox()) as (inbox, port):
        app.config.update(SMTP_URL=f"smtp://127.0.0.1:{port}", MAIL_FROM=SENDER)
        worker = start_worker(app)
        try:
            deadline = time.monotonic() + 60
            while not inbox.holding.wait(0.1):
                assert worker.poll() is None, worker.stdout.read()
                assert time.monotonic() < deadline, "the worker never sent the message"
            # Alive, the worker keeps the message to itself.
            assert f"#{message_id}" not in run_worker(app, at=utc_now())
        finally:
            worker.send_signal(signal.SIGKILL)
            worker.wait()
        killed_at = utc_now()
        inbox.release()
        assert f"#{message_id}" not in run_worker(app, at=killed_at)
        output = run_worker(app, at=killed_at + timedelta(minutes=1))
        assert f"sent #{message_id} password_reset to minji@example.com (again: the attempt at" in output
        assert f"#{message_id}" not in run_worker(app, at=killed_at + timedelta(hours=1))
    first, second = inbox.messages
    assert first["Message-ID"] == second["Message-ID"]
    assert first["Message-ID"].startswith(f"<outbox-{message_id}.")
    assert [e.rcpt_tos for e in inbox.envelopes] == [["minji@example.com"]] * 2
    assert stored(message_id).sent_at == killed_at + timedelta(minutes=1)


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
