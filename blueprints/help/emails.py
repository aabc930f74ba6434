"""The help desk's emails to customers (help_acknowledgement, help_reply) and the merchant's
new-question alert: what blueprints/mail.py renders them with.

conversation_link() is the one place an email's "read and answer" link is made."""
from datetime import datetime

from flask import url_for
from flask_babel import gettext as _

from domain.extensions import db
from domain.helpdesk import conversations, hours
from domain.helpdesk.persona import persona
from domain.models import Conversation, ConversationMessage

from ..common import shop

KINDS = ("help_acknowledgement", "help_reply")


def conversation_link(conversation):
    """Where the customer reads and answers a conversation, as an absolute URL. A conversation
    asked from an account opens in that account (/account/messages/<reference>, after signing
    in); any other opens for whoever holds the email, with the conversation's secret in the
    link (/help/messages/<reference>/<secret>)."""
    if conversation.user_id is not None:
        return url_for("help.conversation", reference=conversation.reference, _external=True)
    return url_for("help.guest_conversation", reference=conversation.reference,
                   key=conversation.secret, _external=True)


def _conversation(message):
    conversation = db.session.get(Conversation, (message.data or {}).get("conversation_id") or 0)
    if conversation is None:
        raise ValueError(f"message {message.id} ({message.kind}) has no conversation")
    return conversation


def context(message):
    """The subject and context of a customer's help email; call in the message's locale."""
    data = message.data or {}
    conversation = _conversation(message)
    found = {"conversation": conversation, "conversation_url": conversation_link(conversation),
             "topic_label": conversations.TOPICS.get(conversation.topic, conversation.topic)}
    if message.kind == "help_acknowledgement":
        asked = datetime.fromisoformat(data["asked_at"]) if data.get("asked_at") \
            else conversation.created_at
        shown = conversations.shown_to_customer(conversation)
        found.update(promise=hours.promise(shop().schedule, asked), schedule=shop().schedule,
                     question=shown[0] if shown else None,
                     subject=_("[%(reference)s] We got your question",
                               reference=conversation.reference))
    else:
        reply = db.session.get(ConversationMessage, data.get("message_id") or 0)
        if reply is None or reply.conversation_id != conversation.id or reply.author != "staff":
            raise ValueError(f"message {message.id} ({message.kind}) has no staff reply")
        found.update(reply=reply, signature=persona(shop(), conversation.locale)["name"],
                     subject=_("[%(reference)s] A reply to your question",
                               reference=conversation.reference))
    return found


def alert_context(message):
    """The merchant's alert about a new question: who asked, about what, and their words."""
    conversation = _conversation(message)
    shown = conversations.shown_to_customer(conversation)
    return {"conversation": conversation, "question": shown[-1] if shown else None,
            "topic_label": conversations.TOPICS.get(conversation.topic, conversation.topic),
            "admin_url": url_for("admin.conversation", reference=conversation.reference,
                                 _external=True),
            "subject": _("New question %(reference)s from %(who)s",
                         reference=conversation.reference,
                         who=conversation.name or conversation.email)}
