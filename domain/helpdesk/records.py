"""A customer's conversations as personal data: in the download, and deleted on erasure.

A conversation is the customer's own words and the shop's answers about them, so erasing the
customer deletes their conversations whole (messages, notes and photos with them); the photo
files go once the erasure is committed."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_

from .. import personal_data
from ..extensions import db
from ..models import Conversation
from . import photos
from .conversations import shown_to_customer


def _of(subject):
    if subject.is_guest:
        where = and_(Conversation.user_id.is_(None), Conversation.email == subject.email)
    else:
        where = Conversation.user_id == subject.user_id
    return db.session.scalars(db.select(Conversation).where(where)
                              .order_by(Conversation.created_at, Conversation.id)).all()


def _export(subject):
    when = personal_data.when
    return [{
        "reference": conversation.reference, "topic": conversation.topic,
        "subject": conversation.subject, "status": conversation.status,
        "email": conversation.email, "name": conversation.name,
        "created_at": when(conversation.created_at),
        "messages": [{"from": message.author, "text": message.body,
                      "at": when(message.created_at),
                      "photos": len(message.photos)}
                     for message in shown_to_customer(conversation)],
    } for conversation in _of(subject)]


def _erase(subject, erasure):
    found = _of(subject)
    photos.forget([photo for conversation in found for message in conversation.messages
                   for photo in message.photos])
    for conversation in found:
        db.session.delete(conversation)
    db.session.flush()
    return len(found)


personal_data.register("conversations", _l("Messages"),
                       tables=("conversation", "conversation_message", "conversation_photo"),
                       export=_export, erase=_erase)
