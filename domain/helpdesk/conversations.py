"""A conversation's way: asked, answered, waiting for the customer, resolved, reopened.

Every step flushes and never commits (the caller's transaction does), keeps the reply-due clock
(hours.reply_due) and the unread markers true, and queues the customer's email through the
outbox in the same transaction, so a failure after a step leaves nothing half done.

Customer messages, staff replies and bot answers are shown to the customer; notes never are.
"""
import hmac
import secrets
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from .. import notify
from ..email_address import clean as clean_email
from ..errors import InvalidMessage
from ..extensions import db
from ..models import Conversation, ConversationMessage
from ..orders import NUMBER_ALPHABET
from . import hours, presence

# What a question is about; the inbox filters by these.
TOPICS = {
    "order": _l("An order"),
    "shipping": _l("Shipping and delivery"),
    "returns": _l("Returns and refunds"),
    "payment": _l("Payment"),
    "product": _l("A product"),
    "other": _l("Something else"),
}
STATUS_LABELS = {
    "open": _l("Open"),
    "waiting": _l("Waiting for customer"),
    "resolved": _l("Resolved"),
}
BODY_MAX = 10_000
# A staff reply shown in a shopper's open chat panel goes out by email only if it is still
# unread this long after (domain/helpdesk/chat_replies.py sends it).
CHAT_EMAIL_AFTER = timedelta(minutes=5)
SHOWN_TO_CUSTOMER = ("customer", "staff", "bot")


def new_reference():
    """'C-7KQ4D2M', from the same unambiguous alphabet as order numbers."""
    return "C-" + "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(7))


def clean_body(body):
    """The message text, stripped; refused when empty or longer than BODY_MAX characters."""
    text = (body or "").replace("\r\n", "\n").strip()
    if not text:
        raise InvalidMessage(_l("Write your message."), {"body": _l("Write your message.")})
    if len(text) > BODY_MAX:
        problem = _l("Keep it under %(count)s characters.", count=f"{BODY_MAX:,}")
        raise InvalidMessage(problem, {"body": problem})
    return text


def _existing(conversation, client_token):
    if not client_token:
        return None
    return db.session.scalar(db.select(ConversationMessage).where(
        ConversationMessage.conversation_id == conversation.id,
        ConversationMessage.client_token == client_token))


def _add(conversation, author, body, now, *, staff=None, via="web", client_token=None,
         email_message_id=None):
    message = ConversationMessage(conversation=conversation, author=author, body=body,
                                  staff=staff, via=via, created_at=now,
                                  client_token=client_token or None,
                                  email_message_id=email_message_id or None)
    db.session.add(message)
    if author != "note":
        conversation.last_message_at = now
    return message


def _claim(conversation, author, body, now, **details):
    """Add the message, or return None when another request sending the same client token
    (a double click racing itself) got there first: the token is unique per conversation, so
    the insert waits for that request and then fails, inside a savepoint that leaves this
    transaction usable."""
    if not details.get("client_token"):
        return _add(conversation, author, body, now, **details)
    try:
        with db.session.begin_nested():
            message = _add(conversation, author, body, now, **details)
            db.session.flush()
    except IntegrityError:
        return None
    return message


def _awaiting(conversation, now, schedule):
    """A customer message came in: the clock starts unless one already runs."""
    if conversation.awaiting_since is None:
        conversation.awaiting_since = now
        conversation.reply_due_at = hours.reply_due(schedule, now)
    conversation.unread_by_staff = True


def start(*, email, body, now, schedule, name="", topic="other", subject="", user=None,
          locale="en", channel="web", order=None, return_request=None, product=None,
          source_path="", client_token=None, email_message_id=None, previous=None):
    """A new conversation with the customer's first message; the reply clock starts."""
    address = clean_email(email)
    if address is None:
        raise InvalidMessage(_l("Enter your email address so we can answer you."),
                             {"email": _l("Enter a valid email address.")})
    text = clean_body(body)
    conversation = Conversation(
        reference=new_reference(), secret=secrets.token_urlsafe(24)[:32],
        user_id=user.id if user is not None else None, email=address,
        name=(name or "").strip()[:120], locale=locale or "en",
        topic=topic if topic in TOPICS else "other", subject=(subject or "").strip()[:200],
        channel=channel, status="open",
        order_id=order.id if order is not None else None,
        return_id=return_request.id if return_request is not None else None,
        product_id=product.id if product is not None else None,
        source_path=(source_path or "")[:300], previous=previous,
        created_at=now, last_message_at=now, unread_by_staff=True, unread_by_customer=False)
    db.session.add(conversation)
    _awaiting(conversation, now, schedule)
    message = _add(conversation, "customer", text, now, via="email" if channel == "email" else channel,
                   client_token=client_token, email_message_id=email_message_id)
    db.session.flush()
    return conversation, message


def reopens(conversation, now, reopen_days):
    """Would a customer message now reopen this conversation (rather than start a new one)?"""
    if conversation.status != "resolved" or conversation.resolved_at is None:
        return True
    return now - conversation.resolved_at <= timedelta(days=reopen_days)


def customer_message(conversation, body, now, *, schedule, reopen_days, via="web",
                     client_token=None, email_message_id=None):
    """The customer writes again. An open or waiting conversation, or one resolved within
    `reopen_days`, takes the message (and reopens); after that a new conversation starts,
    linked to the old one. Returns (conversation, message); the same client_token twice
    returns the first message and adds nothing."""
    text = clean_body(body)
    again = _existing(conversation, client_token)
    if again is not None:
        return conversation, again
    if not reopens(conversation, now, reopen_days):
        return start(email=conversation.email, body=text, now=now, schedule=schedule,
                     name=conversation.name, topic=conversation.topic,
                     subject=conversation.subject, user=conversation.user,
                     locale=conversation.locale, channel=via if via in ("web", "email", "chat")
                     else "web", order=conversation.order, source_path=conversation.source_path,
                     client_token=client_token, email_message_id=email_message_id,
                     previous=conversation)
    message = _claim(conversation, "customer", text, now, via=via, client_token=client_token,
                     email_message_id=email_message_id)
    if message is None:
        return conversation, _existing(conversation, client_token)
    if conversation.status != "open":
        conversation.status = "open"
        conversation.resolved_at = None
    _awaiting(conversation, now, schedule)
    db.session.flush()
    return conversation, message


def staff_reply(conversation, staff, body, now, *, resolve=False, client_token=None):
    """A reply to the customer, emailed through the outbox in their language (a chat's reply:
    see reply_delivery). The conversation then waits for the customer, or is resolved if
    `resolve`."""
    text = clean_body(body)
    again = _existing(conversation, client_token)
    if again is not None:
        return again
    message = _claim(conversation, "staff", text, now, staff=staff, client_token=client_token)
    if message is None:
        return _existing(conversation, client_token)
    if conversation.first_response_at is None:
        conversation.first_response_at = now
    conversation.awaiting_since = None
    conversation.reply_due_at = None
    conversation.unread_by_customer = True
    conversation.unread_by_staff = False
    if conversation.assigned_to_id is None and staff is not None:
        conversation.assigned_to_id = staff.id
    _set_status(conversation, "resolved" if resolve else "waiting", now)
    db.session.flush()
    delivery = reply_delivery(conversation, now)
    if delivery == "email":
        notify.enqueue("help_reply", conversation.email, locale=conversation.locale,
                       data={"conversation_id": conversation.id, "message_id": message.id},
                       now=now)
    elif delivery == "panel" and conversation.email:
        message.email_due_at = now + CHAT_EMAIL_AFTER
    return message


def reply_delivery(conversation, now):
    """How a staff reply sent at `now` reaches the customer: "email" at once; "panel" when a
    chat's shopper has the panel open (it shows there, and is emailed after CHAT_EMAIL_AFTER
    if still unread and the chat has an email address); "none" when a chat's shopper has left
    without giving an email address (they see it if they open the chat again)."""
    if conversation.channel != "chat":
        return "email"
    if presence.shopper_present(conversation, now):
        return "panel"
    return "email" if conversation.email else "none"


def bot_reply(conversation, body, now, meta=None):
    """An automatic answer shown to the customer. It does not stop the reply clock: a person
    still owes an answer to a question the bot could not settle. `meta` says what kind of
    answer it is (its links and quick replies, ConversationMessage.meta)."""
    message = _add(conversation, "bot", clean_body(body), now, via="chat")
    message.meta = meta
    conversation.unread_by_customer = True
    db.session.flush()
    return message


def note(conversation, staff, body, now):
    """An internal note: the customer never sees it and no email goes out."""
    message = _add(conversation, "note", clean_body(body), now, staff=staff)
    db.session.flush()
    return message


def _set_status(conversation, status, now):
    conversation.status = status
    if status == "resolved":
        conversation.resolved_at = now
        conversation.awaiting_since = None
        conversation.reply_due_at = None
    else:
        conversation.resolved_at = None


def set_status(conversation, status, now, schedule=None):
    """The merchant moves a conversation (resolve, wait for the customer, reopen). Reopening a
    conversation whose last word was the customer's restarts the clock from now."""
    if status not in STATUS_LABELS:
        raise InvalidMessage(_l("Choose a status."))
    if status == conversation.status:
        return
    _set_status(conversation, status, now)
    if status == "open" and schedule is not None and last_shown(conversation, "customer"):
        _awaiting(conversation, now, schedule)
    db.session.flush()


def assign(conversation, staff_user):
    """Give the conversation to a back-office user (None: nobody)."""
    conversation.assigned_to_id = staff_user.id if staff_user is not None else None
    db.session.flush()


def last_shown(conversation, author):
    """Is the latest message the customer can see from `author`?"""
    shown = [m for m in conversation.messages if m.author in SHOWN_TO_CUSTOMER]
    return bool(shown) and shown[-1].author == author


def read_by_staff(conversation):
    if conversation.unread_by_staff:
        conversation.unread_by_staff = False
        db.session.flush()


def read_by_customer(conversation):
    if conversation.unread_by_customer:
        conversation.unread_by_customer = False
        db.session.flush()


def shown_to_customer(conversation):
    """The messages the customer sees, in order (never the notes)."""
    return [m for m in conversation.messages if m.author in SHOWN_TO_CUSTOMER]


def by_reference(reference):
    return db.session.scalar(db.select(Conversation).where(
        Conversation.reference == (reference or "").strip().upper()))


def by_key(reference, key):
    """The conversation a signed link names, or None when the link is wrong or tampered: the
    same answer as for a conversation that does not exist."""
    conversation = by_reference(reference)
    if conversation is None or not key or not hmac.compare_digest(
            conversation.secret.encode(), str(key).encode()):
        return None
    return conversation


def belongs_to(conversation, user):
    """Is this signed-in customer the conversation's owner?"""
    return user is not None and conversation.user_id is not None \
        and conversation.user_id == user.id


def for_customer(user, page=1, per_page=20):
    """A signed-in customer's conversations, the latest first."""
    return db.session.scalars(
        db.select(Conversation).where(Conversation.user_id == user.id)
        .order_by(Conversation.last_message_at.desc(), Conversation.id.desc())
        .limit(per_page).offset((page - 1) * per_page)).all()


def in_inbox():
    """The conversations the back office sees: every one but a chat the bot still answers (a
    chat joins the inbox when it is handed over to a person)."""
    return db.or_(Conversation.channel != "chat", Conversation.handed_over_at.is_not(None))


def unread_for_staff():
    """How many conversations have a customer message the back office has not opened."""
    # "= true" rather than "IS true", and the statuses named: both databases then count off the
    # index on (unread_by_staff, status) without reading the table.
    return db.session.scalar(db.select(db.func.count()).select_from(Conversation).where(
        Conversation.unread_by_staff == True,  # noqa: E712
        Conversation.status.in_(("open", "waiting")), in_inbox())) or 0

