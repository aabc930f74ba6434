"""Photos a customer sends with a return: up to MAX_PHOTOS, each an image we can decode within
MAX_BYTES, kept as one WebP copy made afresh without the original's metadata.

They are personal (a customer's home, their hands) so they live apart from the public
product photos, in the return photo store (storage.return_photos(): the folder the app names
RETURN_PHOTO_FOLDER, or return-photos/ in the object store), and are served only through the
return's page checks (blueprints/returns/routes.py), never from a public URL.
"""
import logging

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .. import images, order_records, personal_data, storage, transaction
from ..extensions import db
from ..errors import InvalidImage, StorageUnavailable
from ..models import Order, ReturnPhoto, ReturnRequest

log = logging.getLogger(__name__)
MAX_PHOTOS = 3
MAX_BYTES = 5 * 1024 * 1024
MAX_WIDTH = 1600


def problem(photos):
    """The message about `photos` [(file name, bytes)], or "" when they may be kept: the check
    runs before anything is written, so a refused photo leaves no return behind."""
    if len(photos) > MAX_PHOTOS:
        return _("Send %(num)d photos at most.", num=MAX_PHOTOS)
    for name, data in photos:
        try:
            images.check(data, MAX_BYTES)
        except InvalidImage as error:
            return _("%(file)s: %(reason)s", file=name or _("Photo"), reason=str(error))
    return ""


def store(photos, photo_store=None):
    """Keep checked `photos` in the return photo store, before anything about the return is
    written: StorageUnavailable then leaves nothing behind. Returns what attach() takes."""
    photo_store = photo_store or storage.return_photos()
    return [(photo_store, *images.store_photo(data, photo_store, MAX_WIDTH, MAX_BYTES))
            for _name, data in photos]


def attach(ret, stored, now):
    """Attach photos store() kept to `ret`. A file made for it is removed again if the
    transaction is rolled back, so no orphan photo of a return that never was stays."""
    for photo_store, key, width, height, name, created in stored:
        if created:
            transaction.on_rollback(lambda s=photo_store, name=name: _remove(s, name))
        ret.photos.append(ReturnPhoto(key=key, width=width, height=height, created_at=now))


def file_name(photo):
    return f"{photo.key}.webp"


def by_id(ret, photo_id):
    """The photo of `ret` with that id, or None (a photo of another return is None too)."""
    return next((p for p in ret.photos if p.id == photo_id), None)


def _remove(photo_store, name):
    try:
        photo_store.delete(name)
    except StorageUnavailable:
        log.warning("return photo %s stays in the store although nothing uses it", name)


def _of_subject(subject, erasure=None):
    orders = db.select(Order.id).where(order_records.of(subject, erasure))
    returns = db.select(ReturnRequest.id).where(ReturnRequest.order_id.in_(orders))
    return db.select(ReturnPhoto).where(ReturnPhoto.return_id.in_(returns))


def _export(subject):
    return [{"return_id": photo.return_id, "file": file_name(photo),
             "sent_at": personal_data.when(photo.created_at)}
            for photo in db.session.scalars(_of_subject(subject).order_by(ReturnPhoto.id))]


def _erase(subject, erasure):
    """The photos go with the rows; their files once the erasure is committed."""
    photos = db.session.scalars(_of_subject(subject, erasure)).all()
    photo_store = storage.return_photos()
    for photo in photos:
        transaction.after_commit(lambda name=file_name(photo): _remove(photo_store, name))
        db.session.delete(photo)
    db.session.flush()
    return len(photos)


personal_data.register("return_photos", _l("Return photos"), tables=("return_photo",),
                       export=_export, erase=_erase)
