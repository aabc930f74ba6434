"""Photos a customer sends with a question: up to MAX_PHOTOS, each an image we can decode within
MAX_BYTES, kept as one WebP copy made afresh without the original's metadata (the same
pipeline as return photos, domain/images.store_photo).

They are personal, so they live in the conversation photo store (storage.conversation_photos())
and are served only through the conversation's access checks (blueprints/help/messages.py).
A file is named by its content, so two messages may share one: it is deleted only once no
photo row names it any more.
"""
import logging

from flask_babel import gettext as _

from .. import images, storage, transaction
from ..errors import InvalidImage, StorageUnavailable
from ..extensions import db
from ..models import ConversationPhoto

log = logging.getLogger(__name__)
MAX_PHOTOS = 3
MAX_BYTES = 5 * 1024 * 1024
MAX_WIDTH = 1600


def problem(photos):
    """The message about `photos` [(file name, bytes)], or "" when they may be kept; checked
    before anything is written, so a refused photo leaves no conversation behind."""
    if len(photos) > MAX_PHOTOS:
        return _("Send %(num)d photos at most.", num=MAX_PHOTOS)
    for name, data in photos:
        try:
            images.check(data, MAX_BYTES)
        except InvalidImage as error:
            return _("%(file)s: %(reason)s", file=name or _("Photo"), reason=str(error))
    return ""


def store(photos, photo_store=None):
    """Keep checked `photos` in the store before anything else is written (StorageUnavailable
    then leaves nothing behind). Returns what attach() takes."""
    photo_store = photo_store or storage.conversation_photos()
    return [(photo_store, *images.store_photo(data, photo_store, MAX_WIDTH, MAX_BYTES))
            for _name, data in photos]


def attach(message, stored, now):
    """Attach photos store() kept to `message`; a file made for it goes again on rollback."""
    for photo_store, key, width, height, name, created in stored:
        if created:
            transaction.on_rollback(lambda s=photo_store, name=name: remove(s, name))
        message.photos.append(ConversationPhoto(key=key, width=width, height=height,
                                                created_at=now))


def file_name(photo):
    return f"{photo.key}.webp"


def by_id(conversation, photo_id):
    """The photo with that id among the messages the customer sees, or None."""
    return next((photo for message in conversation.messages if message.author != "note"
                 for photo in message.photos if photo.id == photo_id), None)


def remove(photo_store, name):
    try:
        photo_store.delete(name)
    except StorageUnavailable:
        log.warning("conversation photo %s stays in the store although nothing uses it", name)


def forget(photos):
    """The files of `photos` (rows about to be deleted) go once the deletion is committed,
    unless another photo row still names the same file."""
    keys = {photo.key for photo in photos}
    if not keys:
        return
    ids = [photo.id for photo in photos]
    shared = set(db.session.scalars(db.select(ConversationPhoto.key).where(
        ConversationPhoto.key.in_(keys), ConversationPhoto.id.not_in(ids))))
    photo_store = storage.conversation_photos()
    for key in keys - shared:
        transaction.after_commit(lambda name=f"{key}.webp": remove(photo_store, name))
