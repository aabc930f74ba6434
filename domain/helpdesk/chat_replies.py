"""Chat replies the shopper has not read: a staff reply shown in an open chat panel is emailed
if it is still unread CHAT_EMAIL_AFTER later (conversations.reply_delivery), so a shopper who
closed the tab still gets the answer.

Read means: the conversation's unread marker was cleared (the panel showed the reply), or the
panel asked for news after the reply was added (customer_seen_at, written at most once a
minute by an open panel). Each due message is claimed by a conditional UPDATE that clears its
due time, and the email is queued with a key naming the message: any number of workers, or a
run retried after a crash, email it once.
"""
from ..extensions import db
from ..models import Conversation, ConversationMessage
from .. import notify

BATCH = 100


def _read(conversation, message):
    seen = conversation.customer_seen_at
    return not conversation.unread_by_customer or (seen is not None and seen > message.created_at)


def email_unread(now, limit=BATCH):
    """Email the chat replies due by `now` that their shopper has not read; returns how many
    were queued."""
    due = db.session.execute(
        db.select(ConversationMessage.id).where(ConversationMessage.email_due_at <= now)
        .order_by(ConversationMessage.email_due_at).limit(limit)
        .with_for_update(skip_locked=True)).scalars().all()
    queued = 0
    for message_id in due:
        claimed = db.session.execute(
            db.update(ConversationMessage)
            .where(ConversationMessage.id == message_id,
                   ConversationMessage.email_due_at.is_not(None))
            .values(email_due_at=None).execution_options(synchronize_session=False)).rowcount
        if claimed != 1:
            continue
        message = db.session.get(ConversationMessage, message_id)
        conversation = db.session.get(Conversation, message.conversation_id)
        if not conversation.email or _read(conversation, message):
            continue
        if notify.enqueue_once(f"chat-reply:{message.id}", "help_reply", conversation.email,
                               locale=conversation.locale,
                               data={"conversation_id": conversation.id, "message_id": message.id},
                               now=now):
            queued += 1
    return queued
