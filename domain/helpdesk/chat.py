"""The chat panel's rules: a chat conversation, the shopper's messages, the bot's answers and
the hand-over to a person.

A chat is a Conversation with channel "chat" and what the shopper was looking at in `context`.
It stays out of the merchant's inbox (no reply clock, not unread) while the bot answers; the
hand-over (the shopper asks for a person, or the bot gives up or meets a payment or damage
question) sets handed_over_at and starts the reply clock. A person then answers live if one is
there (presence.staff_available), else the away message says when the shop opens, asks for an
email address if there is none, and goes out once per conversation.

Every message carries the client token of the form that sent it, so a double click, a retried
request or a second tab sends each message once, the first message of a chat included: the
new conversation's reference is derived from that token, and the unique reference turns a
racing duplicate into the first one.
"""
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

from babel.dates import format_datetime
from flask_babel import gettext as _, lazy_gettext as _l, ngettext
from sqlalchemy import Integer, String, and_, text, update
from sqlalchemy.exc import IntegrityError

from ..email_address import clean as clean_email
from ..errors import InvalidMessage
from ..extensions import db
from ..models import Conversation, ConversationMessage
from ..models.base import UTCDateTime
from ..orders import NUMBER_ALPHABET
from . import conversations, figures, hours, presence

# The buttons under the greeting; "person" hands over without asking the bot.
QUICK_REPLIES = {
    "order": _l("Where is my order?"),
    "returns": _l("Returns"),
    "shipping": _l("Shipping cost"),
    "person": _l("Talk to a person"),
}
PAGE_KINDS = ("product", "category", "checkout", "cart", "order", "other")
LABEL_MAX = 200


def page_context(kind, path="", label=""):
    """The `context` a chat keeps about the page it was opened from."""
    return {"page": {"kind": kind if kind in PAGE_KINDS else "other",
                     "path": (path or "")[:300], "label": (label or "")[:LABEL_MAX]}}


def greeting(context):
    """What the panel says first, about the page the shopper is on."""
    page = (context or {}).get("page") or {}
    kind, label = page.get("kind"), page.get("label") or ""
    if kind == "product" and label:
        return _("Questions about the %(product)s?", product=label)
    if kind == "category" and label:
        return _("Looking for something in %(category)s? Ask us.", category=label)
    if kind in ("checkout", "cart"):
        return _("Need help with paying or delivery? Ask us.")
    if kind == "order" and label:
        return _("Questions about order %(number)s?", number=label)
    return _("Hello! How can we help?")


def reference_for(client_token):
    """The reference a chat started by this form token gets: the same token, the same chat."""
    digest = hashlib.sha256(("chat:" + client_token).encode()).digest()
    return "C-" + "".join(NUMBER_ALPHABET[b % len(NUMBER_ALPHABET)] for b in digest[:7])


def owned(conversation_id, secret):
    """The chat a session names, or None when the id or its secret is wrong."""
    if not conversation_id or not secret:
        return None
    conversation = db.session.get(Conversation, conversation_id)
    if conversation is None or conversation.channel != "chat" or not hmac.compare_digest(
            conversation.secret.encode(), str(secret).encode()):
        return None
    return conversation


def _first_message(client_token):
    return db.session.scalar(
        db.select(ConversationMessage).join(Conversation)
        .where(Conversation.reference == reference_for(client_token),
               ConversationMessage.client_token == client_token))


def _new(now, *, context, locale, user, client_token, previous=None):
    """A chat without messages yet; out of the inbox until it is handed over."""
    def make(reference):
        conversation = Conversation(
            reference=reference, secret=secrets.token_urlsafe(24)[:32],
            user_id=user.id if user is not None else None,
            email=user.email if user is not None else "", name=(user.name or "")[:120]
            if user is not None else "", locale=locale or "en", topic=_topic(context),
            channel="chat", status="open", context=context, previous=previous,
            source_path=((context or {}).get("page") or {}).get("path", "")[:300],
            created_at=now, last_message_at=now, unread_by_staff=False,
            unread_by_customer=False)
        db.session.add(conversation)
        return conversation

    try:
        with db.session.begin_nested():
            conversation = make(reference_for(client_token))
            db.session.flush()
        return conversation
    except IntegrityError:
        pass
    first = _first_message(client_token)
    if first is not None:
        return first.conversation
    # Another chat happens to hold the derived reference: this one takes a random one.
    conversation = make(conversations.new_reference())
    db.session.flush()
    return conversation


def _topic(context):
    kind = ((context or {}).get("page") or {}).get("kind")
    return {"product": "product", "order": "order", "checkout": "payment"}.get(kind, "other")


def start(now, *, context, locale, user=None, client_token):
    """The chat a shopper's first message opens (the same one for the same token)."""
    first = _first_message(client_token)
    if first is not None:
        return first.conversation
    return _new(now, context=context, locale=locale, user=user, client_token=client_token)


def attach_user(conversation, user):
    """A shopper who signed in keeps their chat: it becomes their account's."""
    if conversation.user_id is None:
        conversation.user_id = user.id
        if not conversation.email:
            conversation.email = user.email
        if not conversation.name:
            conversation.name = (user.name or "")[:120]
        db.session.flush()


def say(conversation, body, now, *, client_token, settings, customer=None,
        lookup_allowed=lambda: True, quick=None):
    """The shopper writes (or presses a quick reply). Before the hand-over the bot answers;
    after it the message waits for a person. Returns the customer's message; the same token
    twice adds nothing and asks nobody."""
    text = conversations.clean_body(body)
    if not client_token:
        raise InvalidMessage(_("This form had expired. Please send it again."))
    again = conversations._existing(conversation, client_token)
    if again is not None:
        return again
    history = [(m.author, m.body, m.meta) for m in conversations.shown_to_customer(conversation)]
    message = conversations._claim(conversation, "customer", text, now, via="chat",
                                   client_token=client_token)
    if message is None:
        return conversations._existing(conversation, client_token)
    if conversation.status != "open":
        conversation.status, conversation.resolved_at = "open", None
    if conversation.handed_over_at is not None:
        conversations._awaiting(conversation, now, settings.schedule)
        db.session.flush()
        return message
    if quick == "person":
        handover(conversation, now, settings=settings, reason="asked")
        return message
    from . import bot
    answer = bot.answer(text, locale=conversation.locale, now=now, history=history,
                        customer=customer, context=conversation.context,
                        lookup_allowed=lookup_allowed)
    conversations.bot_reply(conversation, answer.text, now, meta=answer.meta())
    if answer.handover:
        handover(conversation, now, settings=settings, reason=answer.reason or "asked")
    return message


def usual_reply_minutes(schedule, now):
    """How soon a person answers a chat handed over while someone is there: the median first
    reply to chats handed over in business hours lately (figures.chat_reply_minutes), else the
    shop's reply target."""
    return figures.chat_reply_minutes(now, schedule) or schedule.target_minutes


def _within(minutes):
    hours_, rest = divmod(minutes, 60)
    if hours_ and not rest:
        return ngettext("%(num)d hour", "%(num)d hours", hours_)
    return ngettext("%(num)d minute", "%(num)d minutes", minutes)


def handover(conversation, now, *, settings, reason="asked"):
    """Give the chat to a person: it enters the inbox with the reply clock running. The shopper
    is told when to expect an answer: live, or (away) when the shop opens and by email."""
    if conversation.handed_over_at is None:
        conversation.handed_over_at = now
        conversations._awaiting(conversation, now, settings.schedule)
    schedule = settings.schedule
    name = _persona_name(settings, conversation.locale)
    if presence.staff_available(schedule, now):
        minutes = usual_reply_minutes(schedule, now)
        text = _("%(name)s will reply shortly (usually within %(duration)s).", name=name,
                 duration=_within(minutes))
        conversations.bot_reply(conversation, text, now,
                                meta={"kind": "live", "minutes": minutes, "reason": reason})
    else:
        away(conversation, now, settings=settings)
    db.session.flush()


def _persona_name(settings, locale):
    from .persona import persona
    return persona(settings, locale)["name"]


def away(conversation, now, *, settings):
    """The away message, once per conversation (a conditional update claims it): when the shop
    opens next, and the email address the answer goes to, or a request for one."""
    claimed = db.session.execute(
        update(Conversation)
        .where(and_(Conversation.id == conversation.id, Conversation.away_sent_at.is_(None)))
        .values(away_sent_at=now).execution_options(synchronize_session=False)).rowcount
    if claimed != 1:
        return None
    conversation.away_sent_at = now
    schedule = settings.schedule
    opens = None if hours.is_open(schedule, now) else hours.next_opening(schedule, now)
    if opens is not None:
        when = format_datetime(hours.local(schedule, opens), "EEEE HH:mm",
                               tzinfo=schedule.zone, locale=conversation.locale)
        first = _("We are closed now and open %(when)s (shop time).", when=when)
    elif hours.is_open(schedule, now):
        first = _("Nobody is at the desk right now.")
    else:
        first = _("We are closed for now.")
    if conversation.email:
        second = _("We will answer by email at %(email)s.", email=conversation.email)
    else:
        second = _("Leave your email address and we will answer by email.")
    meta = {"kind": "away", "opens_at": opens.isoformat() if opens else None,
            "ask_email": not conversation.email}
    return conversations.bot_reply(conversation, f"{first} {second}", now, meta=meta)


def give_email(conversation, email, now):
    """The shopper leaves an address: the answer goes there."""
    address = clean_email(email)
    if address is None:
        problem = _("Enter a valid email address.")
        raise InvalidMessage(problem, {"email": problem})
    conversation.email = address
    conversations.bot_reply(conversation, _("Thank you. We will answer by email at %(email)s.",
                                            email=address), now, meta={"kind": "email_kept"})
    return address


def wants_email(conversation):
    return conversation is not None and not conversation.email \
        and conversation.away_sent_at is not None


# A poll's one query, in plain SQL on the request's connection (no ORM work per poll): the
# chat's state and the newest message the shopper has not got yet, read off the index on
# (conversation_id, id); the messages themselves are read only when there is one.
_POLL = text("""
    SELECT c.status, c.user_id, c.secret, c.customer_seen_at,
           (SELECT max(m.id) FROM conversation_message m
             WHERE m.conversation_id = c.id AND m.id > :after
               AND m.author IN ('customer', 'staff', 'bot')) AS newest
    FROM conversation c WHERE c.id = :conversation_id AND c.channel = 'chat'
""").columns(status=String(), user_id=Integer(), secret=String(),
             customer_seen_at=UTCDateTime(), newest=Integer())


@dataclass(frozen=True)
class News:
    status: str
    user_id: int | None
    # When the shopper's panel last asked (presence.customer_seen writes it at most once a minute).
    seen_at: datetime | None
    newest: int | None


def news(conversation_id, secret, after):
    """A poll: the chat's News (newest: the id of the latest message shown to the customer
    after `after`, None when there is nothing new), or None when the id or secret is wrong."""
    try:
        conversation_id, after = int(conversation_id), int(after)
    except (TypeError, ValueError):
        return None
    row = db.session.connection().execute(
        _POLL, {"conversation_id": conversation_id, "after": after}).first()
    if row is None or not hmac.compare_digest(row.secret.encode(), str(secret).encode()):
        return None
    return News(status=row.status, user_id=row.user_id, seen_at=row.customer_seen_at,
                newest=row.newest)


def messages_after(conversation_id, after):
    """The messages shown to the customer after `after`, in order."""
    return db.session.scalars(db.select(ConversationMessage).where(
        ConversationMessage.conversation_id == conversation_id, ConversationMessage.id > after,
        ConversationMessage.author.in_(conversations.SHOWN_TO_CUSTOMER))
        .order_by(ConversationMessage.id)).all()


def replies_read(conversation_id, messages):
    """The open panel has just shown these messages: a person's reply among them is read, so it
    is not emailed later (helpdesk/chat_replies.py)."""
    if any(message.author == "staff" for message in messages):
        db.session.execute(
            update(Conversation).where(Conversation.id == conversation_id,
                                       Conversation.unread_by_customer.is_(True))
            .values(unread_by_customer=False).execution_options(synchronize_session=False))


def seen(conversation_id, news_, now):
    """The open panel asked at `now`: written only when the last mark is a minute old."""
    if news_.seen_at is None or news_.seen_at < now - presence.WRITE_EVERY:
        presence.customer_seen(conversation_id, now)


def last_id(conversation):
    shown = conversations.shown_to_customer(conversation) if conversation is not None else []
    return shown[-1].id if shown else 0
