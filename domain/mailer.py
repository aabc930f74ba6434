"""Sending the outbox: due messages are rendered, handed to a transport, and marked sent; a
failure is recorded and retried later with a growing delay.

Any number of worker processes send (`flask --app shop worker`), on any number of hosts. A
worker claims each message with a conditional update committed before
it sends: a lease of LEASE (one minute), which a timer thread of that worker renews four times
per lease for as long as it works on the message, however slow the mail server. A live worker
is never overtaken; the message of a worker killed mid-send (kill -9, out of memory, a lost
host) goes to the next pass of any worker at most LEASE after the kill.

Delivery is at least once, not exactly once. The message is marked sent by a commit made the
moment the server answers "250" to it, before the goodbye (QUIT), whose errors no longer
matter. One window remains: between the server taking the message in and that commit, that is
the wait for the "250" (milliseconds; at most the transport's timeout) and the commit itself.
A worker killed there, a "250" that does not come in time, or a commit the database refuses
leaves a message the server may already have, and it is sent again. So is the message of a
worker that froze (a suspended host) or lost its database for longer than LEASE while another
worker took it over. The next claim finds a cut-off attempt unfinished (attempt_started_at
still set), counts it, and logs that the message may arrive twice. Every attempt carries the
same Message-ID (see compose()), so mail servers and clients that fold duplicates show it once.
"""
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from email.errors import MessageError
from email.message import EmailMessage
from email.policy import default as DEFAULT_POLICY
from email.utils import format_datetime, formataddr
from urllib.parse import urlsplit

from sqlalchemy.orm import selectinload

from . import email_address
from .extensions import db
# How a message leaves: the outbox's callers reach the transports through this module.
from .mail_transports import (EmlTransport, SMTPTransport, eml_ids, eml_name,  # noqa: F401
                              read_eml, transport_for)
from .models import OutboxMessage

FIRST_DELAY = timedelta(minutes=1)
MAX_DELAY = timedelta(hours=1)
# How long a claim keeps other workers off a message without news from its worker, and how
# often a live worker renews it: a killed worker's message waits at most LEASE; a renewal may
# fail three times in a row (a busy database) before the lease runs out.
LEASE = timedelta(minutes=1)
HEARTBEATS_PER_LEASE = 4
# From this many failed attempts on, the back office flags the message as stuck; the worker
# keeps trying hourly all the same, so mail is delayed but never dropped.
STUCK_AFTER = 12
ERROR_LENGTH = 500
# Due this long ago and never tried: the worker is probably not running.
OVERDUE = timedelta(minutes=5)
# Mail failing for this long (since the first failure of a message still unsent) is an
# alert for the merchant and a warning on the dashboard.
FAILING_TOO_LONG = timedelta(hours=1)
# last_error of a message that can never be built (an unusable recipient, a header that cannot
# be written): it is put aside, never retried, and shown and counted in the back office.
CANNOT_BE_BUILT = "failed: cannot be built: "
# last_error of an attempt found unfinished by the next claim: its worker stopped mid-send.
INTERRUPTED = "interrupted: the attempt started at "
# Errors from render() that retrying cannot fix. Others (a template KeyError fixed by the next
# deploy, the database) are retried.
PERMANENT_RENDER_ERRORS = (ValueError, MessageError)
# Headers holding a link (List-Unsubscribe) cannot be folded at 78 characters, and Python
# would then write them as encoded words no mail program reads as a link: such messages may
# use lines up to RFC 5322's limit of 998 characters instead.
LONG_LINES = DEFAULT_POLICY.clone(max_line_length=998)


class CannotBeBuilt(Exception):
    """The message can never be turned into an email; it is put aside instead of retried."""


def cannot_be_built(message):
    return (message.last_error or "").startswith(CANNOT_BE_BUILT)


def _not_put_aside():
    return ~OutboxMessage.last_error.startswith(CANNOT_BE_BUILT, autoescape=True)


def backoff(attempts):
    """The wait after the n-th failed attempt: 1 min, 2, 4, ... at most an hour."""
    if attempts <= 0:
        return timedelta(0)
    return min(FIRST_DELAY * 2 ** min(attempts - 1, 16), MAX_DELAY)


@dataclass(frozen=True)
class Outcome:
    """What happened to one message in a pass; str() is the worker's log line."""
    id: int
    kind: str
    to: str
    order_number: str
    sent: bool
    error: str = ""
    attempts: int = 0
    next_attempt_at: object = None
    # When an earlier attempt was cut off by its worker's death: it may have reached the server.
    interrupted_at: object = None

    def __str__(self):
        about = f"#{self.id} {self.kind} to {self.to}"
        if self.order_number:
            about += f" (order {self.order_number})"
        if self.interrupted_at:
            about += (f" (again: the attempt at {self.interrupted_at:%Y-%m-%d %H:%M:%S} UTC was "
                      "cut off and may have arrived)")
        if self.sent:
            return f"sent {about}"
        if self.next_attempt_at is None:
            return f"failed {about}: {self.error} (attempt {self.attempts}, never retried)"
        retry = self.next_attempt_at.strftime("%Y-%m-%d %H:%M UTC") if self.next_attempt_at else "?"
        return f"failed {about}: {self.error} (attempt {self.attempts}, next try {retry})"


def compose(message, sender, subject, text, html, headers=None):
    """The RFC 5322 email for an outbox message: multipart/alternative, text then HTML, with
    any extra `headers` (a marketing email's List-Unsubscribe, say)."""
    email = EmailMessage(policy=LONG_LINES if headers else DEFAULT_POLICY)
    email["Subject"] = " ".join(subject.split())
    email["From"] = sender
    email["To"] = message.to_address
    email["Date"] = format_datetime(message.created_at)
    # The same id on every attempt: a rare second delivery after a crash is the same message.
    domain = sender.rpartition("@")[2].strip(" >") or "localhost"
    email["Message-ID"] = f"<outbox-{message.id}.{int(message.created_at.timestamp())}@{domain}>"
    email["Auto-Submitted"] = "auto-generated"
    for name, value in (headers or {}).items():
        email[name] = value
    email.set_content(text)
    email.add_alternative(html, subtype="html")
    # After the parts: making the message multipart moves Content-* headers into the first part.
    email["Content-Language"] = message.locale
    return email


def sender_address(mail_from, shop_name, shop_email, fallback_host="localhost"):
    """MAIL_FROM if set, else the shop's name and email, else no-reply at the shop's host."""
    if mail_from:
        return mail_from
    return formataddr((shop_name or "", shop_email or f"no-reply@{fallback_host or 'localhost'}"))


def shop_sender(mail_from, shop, shop_url):
    """The From of the shop's emails: MAIL_FROM, else the shop's name and email (`shop`, the
    settings snapshot), else no-reply at SHOP_URL's host."""
    host = urlsplit(shop_url or "").hostname or "localhost"
    if host.replace(".", "").isdigit():
        host = "localhost"
    return sender_address(mail_from, shop.name, shop.email, fallback_host=host)


def send_due(now, transport, render, limit=50, report=None, should_stop=None):
    """Send up to `limit` unsent messages due at `now`, oldest first; returns their Outcomes.

    render(message) returns the EmailMessage to send; transport.send(email, message, accepted)
    sends it. Either may raise: the message then keeps its place, with attempts, last_error and
    the next try recorded. Commits after each message, so a pass cut short loses nothing.
    """
    started = time.monotonic()

    def clock():
        # `now` moved on by the time this pass has taken: a pass can outlast a lease, and each
        # lease must count from the moment of its own claim.
        return now + timedelta(seconds=time.monotonic() - started)

    ids = db.session.scalars(
        db.select(OutboxMessage.id)
        .where(OutboxMessage.sent_at.is_(None), OutboxMessage.next_attempt_at <= now,
               _not_put_aside())
        .order_by(OutboxMessage.created_at, OutboxMessage.id).limit(limit)).all()
    db.session.commit()
    outcomes = []
    for message_id in ids:
        if should_stop and should_stop():
            break
        claim = _claim(message_id, now, clock())
        if claim is None:
            continue
        outcome = _attempt(db.session.get(OutboxMessage, message_id), now, transport, render,
                           claim, clock)
        outcomes.append(outcome)
        if report:
            report(outcome)
    return outcomes


@dataclass(frozen=True)
class _Claim:
    lease_until: object
    # When the previous attempt started, if it never wrote its result: its worker died (or the
    # database failed it) and the server may already have the message.
    interrupted_at: object = None


def _claim(message_id, now, claimed_at=None):
    """Take the message for an attempt, with a lease of LEASE from claimed_at (default now);
    None if another worker has it or it was sent. An attempt found cut off is counted."""
    claimed_at = claimed_at or now
    # PostgreSQL: a message another worker is claiming this instant is skipped, not waited for
    # (SKIP LOCKED); SQLite renders no FOR UPDATE, its single writer does the same.
    found = db.session.execute(db.select(OutboxMessage.attempt_started_at)
                               .where(OutboxMessage.id == message_id)
                               .with_for_update(skip_locked=True)).first()
    if found is None:
        db.session.commit()
        return None
    previous = found.attempt_started_at
    values = dict(next_attempt_at=claimed_at + LEASE, attempt_started_at=claimed_at)
    if previous is not None:
        values.update(attempts=OutboxMessage.attempts + 1, last_error=(
            f"{INTERRUPTED}{previous:%Y-%m-%d %H:%M:%S} UTC never recorded a result; "
            "the server may have received it"),
            first_failed_at=db.func.coalesce(OutboxMessage.first_failed_at, previous))
    result = db.session.execute(
        db.update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.sent_at.is_(None),
               OutboxMessage.next_attempt_at <= now, _not_put_aside(),
               # Unchanged since read: a worker claiming it meanwhile makes this one step back.
               OutboxMessage.attempt_started_at.is_(None) if previous is None
               else OutboxMessage.attempt_started_at == previous)
        .values(**values)
        .execution_options(synchronize_session=False))
    db.session.commit()
    if result.rowcount != 1:
        return None
    return _Claim(lease_until=claimed_at + LEASE, interrupted_at=previous)


class _Heartbeat:
    """While a worker sends a claimed message, a timer thread renews the lease through a
    connection of its own, so that only a dead or frozen worker loses it. Each renewal is
    conditional on the lease being the one this worker holds: a worker that froze for longer
    than LEASE does not take back a message another worker has claimed since."""

    def __init__(self, message_id, lease_until, clock):
        self.engine = db.engine
        self.message_id = message_id
        self.lease_until = lease_until
        self.clock = clock
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._beat, name=f"outbox-lease-{message_id}",
                                       daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc_info):
        # Stopped before the attempt's failure is written: no renewal can land after it.
        self.stop.set()
        self.thread.join()

    def _beat(self):
        table = OutboxMessage.__table__
        while not self.stop.wait(LEASE.total_seconds() / HEARTBEATS_PER_LEASE):
            renewed = self.clock() + LEASE
            try:
                with self.engine.begin() as connection:
                    kept = connection.execute(
                        table.update()
                        .where(table.c.id == self.message_id, table.c.sent_at.is_(None),
                               table.c.next_attempt_at == self.lease_until)
                        .values(next_attempt_at=renewed)).rowcount == 1
            except Exception:  # the database busy or away: the next beat tries again
                continue
            if not kept:  # sent already, or taken over: nothing left to keep
                return
            self.lease_until = renewed


def _attempt(message, now, transport, render, claim, clock):
    about = dict(id=message.id, kind=message.kind, to=message.to_address,
                 order_number=message.order.number if message.order else "",
                 interrupted_at=claim.interrupted_at)

    def accepted():
        # The server has the message: this commit comes before anything else can fail.
        message.sent_at = now
        message.last_error = ""
        message.attempt_started_at = None
        db.session.commit()

    try:
        with _Heartbeat(message.id, claim.lease_until, clock):
            transport.send(_build(message, render), message, accepted)
        if message.sent_at is None:  # a transport that did not say when
            accepted()
    except CannotBeBuilt as error:
        db.session.rollback()
        message = db.session.get(OutboxMessage, about["id"])
        message.attempts += 1
        message.last_error = (CANNOT_BE_BUILT + describe_error(error.__cause__ or error))[:ERROR_LENGTH]
        message.first_failed_at = message.first_failed_at or now
        message.attempt_started_at = None
        db.session.commit()
        return Outcome(**about, sent=False, error=message.last_error, attempts=message.attempts)
    except Exception as error:  # any other failure, from a template to the network, means "later"
        db.session.rollback()
        message = db.session.get(OutboxMessage, about["id"])
        message.attempts += 1
        message.last_error = describe_error(error)
        message.next_attempt_at = now + backoff(message.attempts)
        message.first_failed_at = message.first_failed_at or now
        message.attempt_started_at = None
        db.session.commit()
        return Outcome(**about, sent=False, error=message.last_error, attempts=message.attempts,
                       next_attempt_at=message.next_attempt_at)
    return Outcome(**about, sent=True, attempts=message.attempts)


def _build(message, render):
    """The email for the message; CannotBeBuilt when no retry could ever build it."""
    if not email_address.is_valid(message.to_address):
        raise CannotBeBuilt(f"the recipient {message.to_address!r} is not a usable email address")
    try:
        return render(message)
    except PERMANENT_RENDER_ERRORS as error:
        raise CannotBeBuilt(str(error)) from error


def describe_error(error):
    text = " ".join(f"{type(error).__name__}: {error}".split())
    return text[:ERROR_LENGTH]


@dataclass(frozen=True)
class Overview:
    """The back office's view of the outbox."""
    messages: list
    unsent: int
    failing: int
    stuck: int
    overdue: int
    # Put aside as impossible to build, never retried (CANNOT_BE_BUILT).
    unbuildable: int = 0


def overview(now, unsent_only=False, limit=100):
    """The latest messages (newest first) and how many wait, fail, or were never tried."""
    query = db.select(OutboxMessage).options(selectinload(OutboxMessage.order))
    if unsent_only:
        query = query.where(OutboxMessage.sent_at.is_(None))
    messages = db.session.scalars(
        query.order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc()).limit(limit)).all()
    unsent = OutboxMessage.sent_at.is_(None)

    def count(*conditions):
        return db.session.scalar(db.select(db.func.count(OutboxMessage.id)).where(unsent, *conditions))

    retried = _not_put_aside()
    return Overview(messages=messages, unsent=count(),
                    failing=count(OutboxMessage.attempts > 0, retried),
                    stuck=count(OutboxMessage.attempts >= STUCK_AFTER, retried),
                    overdue=count(OutboxMessage.attempts == 0, retried,
                                  OutboxMessage.next_attempt_at < now - OVERDUE),
                    unbuildable=count(~retried))


def unbuildable_count():
    """How many messages were put aside because they can never be built."""
    return db.session.scalar(db.select(db.func.count(OutboxMessage.id)).where(
        OutboxMessage.sent_at.is_(None), ~_not_put_aside()))


def _failing():
    """Unsent messages whose last attempt failed and which are tried again (not put aside)."""
    return (OutboxMessage.sent_at.is_(None), OutboxMessage.attempts > 0, _not_put_aside())


@dataclass(frozen=True)
class Failing:
    """Mail failing for longer than FAILING_TOO_LONG: how many messages, since when (the
    oldest first failure), and the latest error, for the alert and the dashboard."""
    count: int
    since: object
    error: str


def failing_too_long(now):
    """Failing, or None while no message has failed for longer than FAILING_TOO_LONG."""
    long_ago = OutboxMessage.first_failed_at <= now - FAILING_TOO_LONG
    count, since = db.session.execute(
        db.select(db.func.count(OutboxMessage.id), db.func.min(OutboxMessage.first_failed_at))
        .where(*_failing(), long_ago)).one()
    if not count:
        return None
    error = db.session.scalar(
        db.select(OutboxMessage.last_error).where(*_failing(), long_ago)
        .order_by(OutboxMessage.next_attempt_at.desc(), OutboxMessage.id.desc()).limit(1))
    return Failing(count=count, since=since, error=error or "")


def failing_now():
    """Whether any message is failing at all: mail is not flowing yet."""
    return db.session.scalar(db.select(OutboxMessage.id).where(*_failing()).limit(1)) is not None
