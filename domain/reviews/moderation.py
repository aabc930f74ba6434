"""What the merchant does with a review: publish it, hide it with a reason the reviewer is
shown, and reply in public (plain text, escaped wherever it shows). With the auto-publish setting on, a review is published as it is
written (submit.py calls publish()).

Every change of what is shown recounts the product's ratings in the same transaction
(ratings.recount), so the stars on listings always equal the published reviews.
"""
from flask_babel import gettext as _

from ..errors import ShopError
from ..extensions import db
from . import HIDE_REASON_LIMIT, REPLY_LIMIT, ratings


def publish(review, now):
    """Show the review on the storefront (from pending or hidden); the product is recounted."""
    if review.status == "published":
        return False
    review.status = "published"
    review.hidden_reason = ""
    if review.published_at is None:
        review.published_at = now
    db.session.flush()
    ratings.recount(review.product_id)
    return True


def hide(review, reason, now):
    """Take the review off the storefront; `reason` is shown to the reviewer (required)."""
    reason = (reason or "").strip()
    if not reason:
        raise ShopError(_("Say why the review is hidden: the reviewer is shown the reason."))
    if len(reason) > HIDE_REASON_LIMIT:
        raise ShopError(_("Keep the reason within %(num)d characters.", num=HIDE_REASON_LIMIT))
    was_published = review.status == "published"
    review.status = "hidden"
    review.hidden_reason = reason
    db.session.flush()
    if was_published:
        ratings.recount(review.product_id)
    return True


def reply(review, text, now):
    """Set the merchant's public reply (plain text); an empty text removes it. It shows under
    the review once the review is published. The stars do not change, so nothing is recounted;
    the review row's change refreshes the cached storefront pages."""
    text = (text or "").replace("\r\n", "\n").strip()
    if len(text) > REPLY_LIMIT:
        raise ShopError(_("Keep the reply within %(num)d characters.", num=REPLY_LIMIT))
    review.reply = text
    review.replied_at = now if text else None
    db.session.flush()
    return review
