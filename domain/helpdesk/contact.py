"""The shopper's side of the help desk: asking through the contact form, writing again in a
conversation, and how many answers they have not read yet.

Asking is one step: the photos are checked and kept, the conversation starts
(conversations.start), the acknowledgement email is queued in the customer's language and the
merchant is alerted (alerts.new_question), all in the caller's transaction. The same form sent
twice (its client token) gives the first conversation back and queues nothing more.
"""
from flask_babel import lazy_gettext as _l

from .. import alerts, notify
from ..email_address import clean as clean_email
from ..errors import InvalidMessage
from ..extensions import db
from ..models import Conversation, ConversationMessage
from . import conversations, photos as conversation_photos

ACKNOWLEDGEMENT = "help_acknowledgement"


def asked_before(email, client_token):
    """The conversation a contact form with this token already started for `email`, or None."""
    if not client_token or not email:
        return None
    return db.session.scalar(
        db.select(Conversation).join(ConversationMessage)
        .where(ConversationMessage.client_token == client_token,
               ConversationMessage.author == "customer", Conversation.email == email)
        .order_by(Conversation.id).limit(1))


def ask(*, email, body, now, schedule, photos=(), client_token=None, settings=None, **details):
    """Start a conversation from the contact form. Returns (conversation, created); created is
    False when this form was already sent. InvalidMessage (with `fields`) for bad input,
    before anything is written. `details` go to conversations.start (name, topic, user,
    locale, order, return_request, product, source_path)."""
    address = clean_email(email)
    again = asked_before(address, client_token)
    if again is not None:
        return again, False
    problems = {}
    try:
        conversations.clean_body(body)
    except InvalidMessage as error:
        problems.update(error.fields)
    if address is None:
        problems["email"] = _l("Enter a valid email address.")
    photo_problem = conversation_photos.problem(photos)
    if photo_problem:
        problems["photos"] = photo_problem
    if problems:
        raise InvalidMessage(next(iter(problems.values())), problems)
    stored = conversation_photos.store(photos)
    conversation, message = conversations.start(email=address, body=body, now=now,
                                                schedule=schedule, client_token=client_token,
                                                **details)
    conversation_photos.attach(message, stored, now)
    acknowledge(conversation, now)
    alerts.new_question(conversation, now, settings)
    return conversation, True


def acknowledge(conversation, now):
    """Queue the "we got your question" email, with the time it was asked (its reply promise
    is told as it stood then, whenever the worker sends it)."""
    return notify.enqueue(ACKNOWLEDGEMENT, conversation.email, locale=conversation.locale,
                          data={"conversation_id": conversation.id,
                                "asked_at": now.isoformat()}, now=now)


def write(conversation, body, now, *, schedule, reopen_days, client_token=None, settings=None):
    """The customer writes again in `conversation`; returns (conversation, message). When the
    conversation was resolved more than `reopen_days` ago a new, linked one starts, and the
    merchant is alerted about it as about any new question. The same form sent twice adds one
    message, in whichever conversation took the first."""
    if client_token:
        again = db.session.execute(
            db.select(Conversation, ConversationMessage).join(ConversationMessage)
            .where(Conversation.previous_id == conversation.id,
                   ConversationMessage.client_token == client_token).limit(1)).first()
        if again is not None:
            return again[0], again[1]
    shown, message = conversations.customer_message(
        conversation, body, now, schedule=schedule, reopen_days=reopen_days,
        client_token=client_token)
    if shown.id != conversation.id:
        alerts.new_question(shown, now, settings)
    return shown, message


def unread(user):
    """How many of a signed-in customer's conversations have a reply they have not read."""
    return db.session.scalar(db.select(db.func.count()).select_from(Conversation).where(
        Conversation.user_id == user.id, Conversation.unread_by_customer.is_(True))) or 0
