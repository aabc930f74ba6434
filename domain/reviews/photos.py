"""Photos sent with a review: up to MAX_PHOTOS per review, each an image we can decode within
MAX_BYTES, kept as one WebP copy made afresh without the original's metadata (the pipeline of
return photos, domain/images.store_photo).

They live in the review photo store (storage.review_photos(): the folder the app names
REVIEW_PHOTO_FOLDER, or review-photos/ in the object store) under a random key, one file per
photo row, and the name of the file sent is never kept. They are served by the reviews
blueprint (`reviews.photo`) to everyone only while their review is published; to its reviewer
and to the merchant always (viewable()).
"""
import logging
import secrets

from flask_babel import gettext as _

from .. import images, storage, transaction
from ..errors import InvalidImage, StorageUnavailable
from ..extensions import db
from ..models import Review, ReviewPhoto
from . import MAX_PHOTOS, records

log = logging.getLogger(__name__)
MAX_BYTES = 5 * 1024 * 1024
MAX_WIDTH = 1600


def problem(photos, already=0):
    """The message about `photos` [(file name, bytes)] sent for a review that has `already`
    photos, or "" when they may be kept. Checked before anything is written. A file's name is
    never part of the message: the form says which item the photo was for."""
    if already + len(photos) > MAX_PHOTOS:
        return _("A review has %(num)d photos at most.", num=MAX_PHOTOS)
    for _name, data in photos:
        try:
            images.check(data, MAX_BYTES)
        except InvalidImage as error:
            return str(error)
    return ""


def store(photos, photo_store=None):
    """Keep checked `photos` in the store before anything else is written (StorageUnavailable
    then leaves nothing behind). Returns what attach() takes."""
    photo_store = photo_store or storage.review_photos()
    return [(photo_store, *images.store_photo(data, photo_store, MAX_WIDTH, MAX_BYTES,
                                               key=secrets.token_hex(16)))
            for _name, data in photos]


def attach(review, stored, now):
    """Attach photos store() kept to `review`, after its photos; a file made for it goes again
    if the transaction is rolled back."""
    position = max((photo.position for photo in review.photos), default=-1) + 1
    for index, (photo_store, key, width, height, name, created) in enumerate(stored):
        if created:
            transaction.on_rollback(lambda s=photo_store, name=name: _remove(s, name))
        review.photos.append(ReviewPhoto(key=key, width=width, height=height,
                                         position=position + index, created_at=now))


def detach(review, photo):
    """Take a photo off its review; its file goes once that is committed."""
    review.photos.remove(photo)
    photo_store = storage.review_photos()
    transaction.after_commit(lambda name=file_name(photo): _remove(photo_store, name))


def file_name(photo):
    return f"{photo.key}.webp"


def by_key(key):
    """(photo, review) for a photo key, or (None, None)."""
    row = db.session.execute(db.select(ReviewPhoto, Review).join(Review)
                             .where(ReviewPhoto.key == key)).first()
    return (row[0], row[1]) if row else (None, None)


def viewable(review, merchant=False, reviewer=None):
    """Whether a photo of `review` may be shown: to anyone while it is published, to the
    merchant and to its own reviewer ("user:<id>"/"email:<address>") always."""
    return review.status == "published" or merchant or (
        reviewer is not None and reviewer == review.reviewer)


def _remove(photo_store, name):
    try:
        photo_store.delete(name)
    except StorageUnavailable:
        log.warning("review photo %s stays in the store although nothing uses it", name)


def _files_go_after_erasure(reviews):
    """An erased customer's review photos: their files go once the erasure is committed."""
    photo_store = storage.review_photos()
    for review in reviews:
        for photo in review.photos:
            transaction.after_commit(lambda name=file_name(photo): _remove(photo_store, name))


records.BEFORE_ERASE.append(_files_go_after_erasure)
