"""Sending the outbox: due messages are rendered, handed to a transport, and marked sent; a
failure is recorded and retried later with a growing delay.

One worker process sends (`flask --app shop worker`). Each message is claimed with a
conditional update committed before it is sent, so a second worker started by mistake skips
it instead of sending it twice, and a worker killed mid-send leaves it for a retry after
LEASE. Delivery is at least once: the message is marked sent in a commit the moment the server
answers "250", before the goodbye (QUIT), whose errors then no longer matter; a crash between
that "250" and the commit sends that one message again, which the stable Message-ID lets mail
clients fold.
"""
from dataclasses import dataclass
from datetime import timedelta
from email.errors import MessageError
from email.message import EmailMessage
from email.utils import format_datetime, formataddr

from sqlalchemy.orm import selectinload

from . import email_address
from .extensions import db
# How a message leaves: the outbox's callers reach the transports through this module.
from .mail_transports import (EmlTransport, SMTPTransport, eml_ids, eml_name,  # noqa: F401
                              read_eml, transport_for)
from .models import OutboxMessage

FIRST_DELAY = timedelta(minutes=1)
MAX_DELAY = timedelta(hours=1)
LEASE = timedelta(minutes=10)
# From this many failed attempts on, the back office flags the message as stuck; the worker
# keeps trying hourly all the same, so mail is delayed but never dropped.
STUCK_AFTER = 12
ERROR_LENGTH = 500
# Due this long ago and never tried: the worker is probably not running.
OVERDUE = timedelta(minutes=5)
# last_error of a message that can never be built (an unusable recipient, a header that cannot
# be written): it is put aside, never retried, and shown and counted in the back office.
CANNOT_BE_BUILT = "failed: cannot be built: "
# Errors from render() that retrying cannot fix. Others (a template KeyError fixed by the next
# deploy, the database) are retried.
PERMANENT_RENDER_ERRORS = (ValueError, MessageError)


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

    def __str__(self):
        about = f"#{self.id} {self.kind} to {self.to}"
        if self.order_number:
            about += f" (order {self.order_number})"
        if self.sent:
            return f"sent {about}"
        if self.next_attempt_at is None:
            return f"failed {about}: {self.error} (attempt {self.attempts}, never retried)"
        retry = self.next_attempt_at.strftime("%Y-%m-%d %H:%M UTC") if self.next_attempt_at else "?"
        return f"failed {about}: {self.error} (attempt {self.attempts}, next try {retry})"


def compose(message, sender, subject, text, html):
    """The RFC 5322 email for an outbox message: multipart/alternative, text then HTML."""
    email = EmailMessage()
    email["Subject"] = " ".join(subject.split())
    email["From"] = sender
    email["To"] = message.to_address
    email["Date"] = format_datetime(message.created_at)
    # The same id on every attempt: a rare second delivery after a crash is the same message.
    domain = sender.rpartition("@")[2].strip(" >") or "localhost"
    email["Message-ID"] = f"<outbox-{message.id}.{int(message.created_at.timestamp())}@{domain}>"
    email["Auto-Submitted"] = "auto-generated"
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


def send_due(now, transport, render, limit=50, report=None, should_stop=None):
    """Send up to `limit` unsent messages due at `now`, oldest first; returns their Outcomes.

    render(message) returns the EmailMessage to send; transport.send(email, message, accepted)
    sends it. Either may raise: the message then keeps its place, with attempts, last_error and
    the next try recorded. Commits after each message, so a pass cut short loses nothing.
    """
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
        if not _claim(message_id, now):
            continue
        outcome = _attempt(db.session.get(OutboxMessage, message_id), now, transport, render)
        outcomes.append(outcome)
        if report:
            report(outcome)
    return outcomes


def _claim(message_id, now):
    """Take the message for this pass; False if another worker has it or it was sent."""
    result = db.session.execute(
        db.update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.sent_at.is_(None),
               OutboxMessage.next_attempt_at <= now, _not_put_aside())
        .values(next_attempt_at=now + LEASE)
        .execution_options(synchronize_session=False))
    db.session.commit()
    return result.rowcount == 1


def _attempt(message, now, transport, render):
    about = dict(id=message.id, kind=message.kind, to=message.to_address,
                 order_number=message.order.number if message.order else "")
    def accepted():
        # The server has the message: this commit comes before anything else can fail.
        message.sent_at = now
        message.last_error = ""
        db.session.commit()

    try:
        transport.send(_build(message, render), message, accepted)
        if message.sent_at is None:  # a transport that did not say when
            accepted()
    except CannotBeBuilt as error:
        db.session.rollback()
        message = db.session.get(OutboxMessage, about["id"])
        message.attempts += 1
        message.last_error = (CANNOT_BE_BUILT + describe_error(error.__cause__ or error))[:ERROR_LENGTH]
        db.session.commit()
        return Outcome(**about, sent=False, error=message.last_error, attempts=message.attempts)
    except Exception as error:  # any other failure, from a template to the network, means "later"
        db.session.rollback()
        message = db.session.get(OutboxMessage, about["id"])
        message.attempts += 1
        message.last_error = describe_error(error)
        message.next_attempt_at = now + backoff(message.attempts)
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
