"""Photos sent with reviews: shown to everyone while their review is published, to its
reviewer and the merchant always (domain/reviews/photos.viewable)."""
import re

from flask import abort
from flask_login import current_user

from domain import storage
from domain.reviews import photos

from . import bp
from .identity import visitor_reviewer
from ..stored_files import send_stored

KEY = re.compile(r"[0-9a-f]{32}")


@bp.get("/reviews/photos/<key>.webp")
def photo(key):
    """A review photo by its random key; 404 for any key not shown to this visitor, the same
    answer as for a key that does not exist. A published review's photo may be cached by the
    browser for an hour, never by a shared cache (the review may be hidden meanwhile)."""
    if not KEY.fullmatch(key):
        abort(404)
    found, review = photos.by_key(key)
    if found is None:
        abort(404)
    merchant = current_user.is_authenticated and current_user.is_merchant
    if not photos.viewable(review, merchant=merchant, reviewer=visitor_reviewer(review)):
        abort(404)
    return send_stored(storage.review_photos(), photos.file_name(found), 3600, private=True,
                       mimetype="image/webp")
