"""Customers' emails, read from the shop's mailbox over IMAP (IMAP_URL), into conversations.

The help emails the shop sends (help_*) carry a reply address of their own conversation,
"<local>+<reference>.<token>@<domain>" on the shop's sending address, where the token is an
HMAC of the conversation's secret: a reply to it threads into that conversation, whoever's
mail program sent it. Otherwise a subject tag "[C-7KQ4D2M]" threads the message, but only when
it comes from the conversation's own address (anyone can type a reference in a subject).
Anything else starts a new conversation from its sender. Auto-replies and bounces are never
read into a conversation: answering them would start a mail loop.

Each message is read once: its Message-ID is stored with the message it became
(ConversationMessage.email_message_id is unique), committed before the message is flagged
\\Seen on the server. A message read again (a crash between the commit and the flag, two runs
overlapping) finds its id taken and adds nothing.
"""
import base64
import email
import hashlib
import hmac
import imaplib
import re
import ssl
from dataclasses import dataclass, field
from email import policy
from email.utils import getaddresses, parseaddr
from urllib.parse import unquote, urlsplit

from flask import current_app
from flask_babel import force_locale, gettext as _
from sqlalchemy.exc import IntegrityError

from .. import email_address, mailer, shopconfig, transaction
from ..errors import InvalidMessage
from ..extensions import db
from ..models import Conversation, ConversationMessage
from . import conversations
from .inbound_text import body_text, capped, strip_quoted

# Messages read per run: the rest wait for the next run, a minute later.
BATCH = 50
# Seconds an IMAP connection may stay silent before the run gives up (and is retried).
TIMEOUT = 30
_TAG = re.compile(r"\[(C-[A-Z0-9]{7})\]", re.IGNORECASE)
_PLUS = re.compile(r"^(C-[A-Z0-9]{7})\.([a-z2-7]+)$", re.IGNORECASE)
# Headers a reply token may arrive in: a forwarding or list server may rewrite To.
_RECIPIENT_HEADERS = ("To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To")
_DAEMONS = ("mailer-daemon", "postmaster")


@dataclass(frozen=True)
class ImapSettings:
    secure: bool
    host: str
    port: int
    user: str
    password: str = field(repr=False)
    folder: str = "INBOX"

    def __str__(self):
        scheme = "imaps" if self.secure else "imap"
        return f"{scheme}://{self.user}@{self.host}:{self.port}/{self.folder}"


def settings(url):
    """IMAP_URL as ImapSettings: imaps://user:password@host[:993][/folder] (TLS), or
    imap://... (port 143, no TLS: a server on the same host only). The user and password are
    percent-encoded where they hold @, : or /; the folder defaults to INBOX."""
    parts = urlsplit((url or "").strip())
    if parts.scheme not in ("imap", "imaps") or not parts.hostname or not parts.username:
        raise ValueError("IMAP_URL must look like imaps://user:password@host:993/INBOX")
    return ImapSettings(secure=parts.scheme == "imaps", host=parts.hostname,
                        port=parts.port or (993 if parts.scheme == "imaps" else 143),
                        user=unquote(parts.username), password=unquote(parts.password or ""),
                        folder=unquote(parts.path.strip("/")) or "INBOX")


def configured():
    return bool((current_app.config.get("IMAP_URL") or "").strip())


# Outgoing: the reply address and the subject tag.

def reply_token(conversation):
    """13 characters of an HMAC of the conversation's secret: scoped to the conversation, and
    ended with every signed link when the secret is replaced."""
    digest = hmac.new(conversation.secret.encode(), f"reply:{conversation.reference}".encode(),
                      hashlib.sha256).digest()[:8]
    return base64.b32encode(digest).decode().rstrip("=").lower()


def sending_address():
    """The bare address the shop's emails come from (MAIL_FROM, else the shop's email)."""
    sender = mailer.shop_sender(current_app.config.get("MAIL_FROM"), shopconfig.current(),
                                current_app.config.get("SHOP_URL"))
    return email_address.normalize(parseaddr(sender)[1])


def reply_address(conversation):
    """"<local>+<reference>.<token>@<domain>" for the conversation's emails' Reply-To, or None
    when no mailbox is read (IMAP_URL unset). The mail server must deliver plus addresses to
    the mailbox (most do: Gmail, Fastmail, Dovecot, Postfix with recipient_delimiter = +)."""
    if not configured():
        return None
    local, _, domain = sending_address().rpartition("@")
    if not local or not domain:
        return None
    return f"{local.split('+')[0]}+{conversation.reference}.{reply_token(conversation)}@{domain}"


def subject_tag(conversation):
    return f"[{conversation.reference}]"


def reply_headers(message):
    """Extra headers for an outbox message: help emails (help_*) get their conversation's
    Reply-To when a mailbox is read."""
    if not message.kind.startswith("help_"):
        return {}
    conversation = db.session.get(Conversation, (message.data or {}).get("conversation_id") or 0)
    address = reply_address(conversation) if conversation is not None else None
    return {"Reply-To": address} if address else {}


# Incoming: what a message says, and where it goes.

@dataclass
class Inbound:
    message_id: str
    from_name: str
    from_address: str
    subject: str
    body: str
    recipients: list = field(default_factory=list)
    # Why the message is not read into a conversation ("" when it is).
    ignored: str = ""


def _header(message, name):
    try:
        return " ".join(str(message.get(name, "") or "").split())
    except (ValueError, LookupError, IndexError):  # a header too broken to decode
        return ""


def _all_headers(message, name):
    try:
        return [str(value) for value in message.get_all(name, [])]
    except (ValueError, LookupError, IndexError):
        return []


def automatic(message, from_address):
    """Why `message` is an automatic one (an auto-reply, a bounce, a list's), or ""."""
    submitted = _header(message, "Auto-Submitted").lower()
    if submitted and submitted != "no":
        return f"Auto-Submitted: {submitted}"
    precedence = _header(message, "Precedence").lower()
    if precedence in ("bulk", "list", "junk", "auto_reply"):
        return f"Precedence: {precedence}"
    for name in ("X-Autoreply", "X-Autorespond"):
        if name in message:
            return f"{name} header"
    if not from_address:
        return "no sender"
    if from_address.partition("@")[0] in _DAEMONS:
        return f"from {from_address}"
    if message.get_content_type() == "multipart/report":
        return "a delivery report"
    return ""


def parse(raw):
    """An Inbound from the bytes of a message."""
    message = email.message_from_bytes(raw, policy=policy.default)
    name, address = parseaddr(_header(message, "From"))
    address = email_address.normalize(address)
    subject = _header(message, "Subject")
    text = strip_quoted(body_text(message))
    message_id = _header(message, "Message-ID")
    if not message_id:
        # The same message read twice gets the same id: a hash of what it says.
        seed = "\n".join((address, _header(message, "Date"), subject, text))
        message_id = f"<{hashlib.sha256(seed.encode()).hexdigest()[:40]}@synthetic.invalid>"
    elif len(message_id) > 250:
        # Longer than the column: its hash, so two long ids never share a cut-off beginning.
        message_id = f"<{hashlib.sha256(message_id.encode()).hexdigest()}@long.invalid>"
    recipients = [email_address.normalize(addr) for header in _RECIPIENT_HEADERS
                  for _name, addr in getaddresses(_all_headers(message, header)) if addr]
    ignored = automatic(message, address)
    if not ignored and address == sending_address():
        ignored = "sent by the shop itself"
    return Inbound(message_id=message_id, from_name=name.strip(), from_address=address,
                   subject=subject, body=text, recipients=recipients, ignored=ignored)


def by_reply_address(recipients):
    """The conversation whose reply address is among `recipients`, its token checked; None
    for a forged or mistyped token (the same answer as for no token)."""
    for address in recipients:
        local = address.partition("@")[0]
        match = _PLUS.match(local.partition("+")[2])
        if match is None:
            continue
        conversation = conversations.by_reference(match.group(1))
        if conversation is not None and hmac.compare_digest(
                reply_token(conversation).encode(), match.group(2).lower().encode()):
            return conversation
    return None


def by_subject_tag(subject, from_address):
    """The conversation a subject's "[C-...]" names, if the sender is its customer."""
    match = _TAG.search(subject or "")
    if match is None:
        return None
    conversation = conversations.by_reference(match.group(1))
    if conversation is None or conversation.email.lower() != (from_address or "").lower():
        return None
    return conversation


def _subject(subject):
    """The subject without "Re:"/"Fwd:"/"답장:" prefixes and the shop's tag."""
    subject = _TAG.sub("", subject or "")
    return re.sub(r"^\s*((re|fwd?|aw|답장|전달)\s*:\s*)+", "", subject, flags=re.IGNORECASE).strip()


def _body(inbound, language):
    with force_locale(language):
        if not inbound.body.strip():
            return _("(The email had no text.)")
        note = _("[The email was longer: the rest was cut off.]")
    return capped(inbound.body.strip(), conversations.BODY_MAX, note)


def known(message_id):
    return db.session.scalar(db.select(ConversationMessage.id).where(
        ConversationMessage.email_message_id == message_id)) is not None


def receive(inbound, now):
    """Read one message into a conversation; flushes, never commits. Returns what happened:
    "ignored: <why>", "duplicate", "threaded C-..." or "new C-..."."""
    if inbound.ignored:
        return f"ignored: {inbound.ignored}"
    if known(inbound.message_id):
        return "duplicate"
    config = shopconfig.current()
    conversation = (by_reply_address(inbound.recipients)
                    or by_subject_tag(inbound.subject, inbound.from_address))
    if conversation is not None:
        found, _message = conversations.customer_message(
            conversation, _body(inbound, conversation.locale), now, schedule=config.schedule,
            reopen_days=config.reopen_days, via="email", email_message_id=inbound.message_id)
        return f"threaded {found.reference}" if found is conversation else f"new {found.reference}"
    language = config.main_language
    try:
        started, _message = conversations.start(
            email=inbound.from_address, body=_body(inbound, language), now=now,
            schedule=config.schedule, name=inbound.from_name, topic="other",
            subject=_subject(inbound.subject), locale=language, channel="email",
            email_message_id=inbound.message_id)
    except InvalidMessage:
        return f"ignored: unusable sender {inbound.from_address!r}"
    return f"new {started.reference}"


def receive_raw(raw, now):
    """receive() a message's bytes in a transaction of its own; a message whose id another
    run committed meanwhile is a duplicate."""
    try:
        with transaction.unit_of_work():
            return receive(parse(raw), now)
    except IntegrityError:
        return "duplicate"


def connect(imap):
    if imap.secure:
        return imaplib.IMAP4_SSL(imap.host, imap.port, ssl_context=ssl.create_default_context(),
                                 timeout=TIMEOUT)
    return imaplib.IMAP4(imap.host, imap.port, timeout=TIMEOUT)


def _quoted(folder):
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _check(answer, doing):
    kind, data = answer
    if kind != "OK":
        raise imaplib.IMAP4.error(f"{doing}: {kind} {data!r}")
    return data


def poll(url, now, report=None, limit=BATCH):
    """Read the unseen messages of the mailbox at `url` (up to `limit`), each into a
    conversation and then flagged \\Seen. Returns the outcomes, one per message. A server that
    cannot be reached raises (the job is tried again next run); a message that cannot be read
    stays unseen and is reported."""
    imap = settings(url)
    outcomes = []
    server = connect(imap)
    try:
        _check(server.login(imap.user, imap.password), "login")
        _check(server.select(_quoted(imap.folder)), f"select {imap.folder}")
        uids = (_check(server.uid("SEARCH", None, "UNSEEN"), "search")[0] or b"").split()
        for uid in uids[:limit]:
            data = _check(server.uid("FETCH", uid, "(BODY.PEEK[])"), f"fetch {uid!r}")
            raw = next((item[1] for item in data if isinstance(item, tuple)), None)
            if raw is None:
                continue  # expunged meanwhile
            try:
                outcome = receive_raw(raw, now)
            except Exception as error:  # one unreadable message does not stop the others
                outcome = f"failed: {mailer.describe_error(error)} (left unseen)"
            else:
                _check(server.uid("STORE", uid, "+FLAGS", "(\\Seen)"), f"flag {uid!r}")
            outcomes.append(outcome)
            if report:
                report(outcome)
    finally:
        try:
            server.logout()
        except (OSError, imaplib.IMAP4.error):
            pass
    return outcomes
