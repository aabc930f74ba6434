"""Sending the outbox: due messages are rendered, handed to a transport, and marked sent; a
failure is recorded and retried later with a growing delay.

One worker process sends (`flask --app shop worker`). Each message is claimed with a
conditional update committed before it is sent, so a second worker started by mistake skips
it instead of sending it twice, and a worker killed mid-send leaves it for a retry after
LEASE. Delivery is at least once: a crash between the server's "250 OK" and the commit of
sent_at sends that one message again, which the stable Message-ID lets mail clients fold.
"""
import email as email_parser
import email.errors
import os
import smtplib
import ssl
import tempfile
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from email.policy import default as DEFAULT_POLICY
from email.utils import format_datetime, formataddr
from urllib.parse import parse_qs, unquote, urlsplit

from sqlalchemy.orm import selectinload

from . import email_address
from .extensions import db
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
PERMANENT_RENDER_ERRORS = (ValueError, email_parser.errors.MessageError)
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


def eml_name(message_id):
    """Where the .eml fallback writes a message, inside its folder: one file per message."""
    return f"message-{int(message_id)}.eml"


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


def send_due(now, transport, render, limit=50, report=None, should_stop=None):
    """Send up to `limit` unsent messages due at `now`, oldest first; returns their Outcomes.

    render(message) returns the EmailMessage to send; transport.send(email, message) sends it.
    Either may raise: the message then keeps its place, with attempts, last_error and the
    next try recorded. Commits after each message, so a pass cut short loses nothing.
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
    try:
        transport.send(_build(message, render), message)
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
    message.sent_at = now
    message.last_error = ""
    db.session.commit()
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


class SMTPTransport:
    """Sends through an SMTP server given as a URL.

    smtp://user:pass@host:587?starttls=1   plain connection upgraded with STARTTLS
    smtps://user:pass@host                 implicit TLS (port 465 by default)
    smtp://host:25                         no TLS, no login (a local relay)
    User and password are percent-encoded in the URL ('@' in a user name is %40).
    """

    def __init__(self, url, timeout=20):
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("SMTP_URL must look like smtp://user:pass@host:port or smtps://...")
        query = parse_qs(parts.query)
        self.implicit_tls = parts.scheme == "smtps"
        self.starttls = not self.implicit_tls and query.get("starttls", ["0"])[0].lower() in ("1", "true", "yes")
        self.host = parts.hostname
        self.port = parts.port or (465 if self.implicit_tls else 587 if self.starttls else 25)
        self.username = unquote(parts.username) if parts.username else ""
        self.password = unquote(parts.password) if parts.password else ""
        self.timeout = timeout

    def __str__(self):
        # For logs: never the password.
        return f"{'smtps' if self.implicit_tls else 'smtp'}://{self.host}:{self.port}"

    def _connect(self):
        if self.implicit_tls:
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout,
                                    context=ssl.create_default_context())
        return smtplib.SMTP(self.host, self.port, timeout=self.timeout)

    def send(self, email, message=None):
        with self._connect() as server:
            if self.starttls:
                server.starttls(context=ssl.create_default_context())
            if self.username:
                server.login(self.username, self.password)
            server.send_message(email)


class EmlTransport:
    """Writes each message as an .eml file instead of sending it: for shops without a mail
    server yet, and for development. The back office lists and serves these files."""

    def __init__(self, folder):
        self.folder = folder

    def __str__(self):
        return f".eml files in {self.folder}"

    def path_for(self, message_id):
        return os.path.join(self.folder, eml_name(message_id))

    def send(self, email, message):
        os.makedirs(self.folder, exist_ok=True)
        # Written beside its final name and renamed: a reader never sees half a message.
        fd, temporary = tempfile.mkstemp(dir=self.folder, prefix=".writing-", suffix=".eml")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(email.as_bytes(policy=email.policy.clone(linesep="\r\n")))
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(temporary, self.path_for(message.id))
        except BaseException:
            if os.path.exists(temporary):
                os.unlink(temporary)
            raise


def transport_for(smtp_url, mail_folder):
    """SMTP when SMTP_URL is set, else .eml files in mail_folder."""
    return SMTPTransport(smtp_url) if smtp_url else EmlTransport(mail_folder)


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


def eml_ids(folder):
    """The ids of the messages written as .eml files in folder."""
    try:
        names = os.listdir(folder)
    except FileNotFoundError:
        return set()
    return {int(name[8:-4]) for name in names
            if name.startswith("message-") and name.endswith(".eml") and name[8:-4].isdigit()}


def read_eml(folder, message_id):
    """The .eml file of a message, parsed, or None if there is none."""
    try:
        with open(os.path.join(folder, eml_name(message_id)), "rb") as fh:
            return email_parser.message_from_binary_file(fh, policy=DEFAULT_POLICY)
    except FileNotFoundError:
        return None
