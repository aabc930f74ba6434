"""The one-page review form of an order: one entry per product the buyer may review, each with
stars (1-5), a title, words, up to MAX_PHOTOS photos and "Would you recommend it?".

- One review per product per reviewer: a product reviewed before (from this order or another)
  is updated, never added twice; a later purchase moves the review to its newer line (the
  variant shown is then the one bought last).
- Everything is checked before anything is written: a problem with one entry saves no entry.
- A new review waits for the merchant, or is published at once with the auto-publish setting.
  An edit of a published review goes back to waiting unless auto-publish is on; an edit of a
  hidden review always waits (the merchant hid it: they look again). Every change of what is
  shown goes through moderation.publish or ratings.recount, in this transaction.
- The thank-you (incentive.py) is given on a review's first submission only.
- Titles and words are plain text: kept as typed (control characters aside), escaped wherever
  they are shown, never turned into links or markup.
"""
import re
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from ..errors import ShopError
from ..extensions import db
from ..models import Review, ReviewRequest
from ..shopconfig import get_settings_row
from . import BODY_LIMIT, TITLE_LIMIT, eligibility, incentive, moderation, photos, ratings

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


class ReviewProblems(ShopError):
    """What is wrong with the form: `lines` maps an order line id to its message; the message
    itself says nothing was saved."""

    def __init__(self, lines, message=None):
        super().__init__(message or _("Nothing was saved yet: please look at the marked items."))
        self.lines = dict(lines)


@dataclass
class Entry:
    """What the form sent for one order line."""
    line_id: int
    rating: str = ""
    title: str = ""
    body: str = ""
    recommend: str = ""
    photos: list = field(default_factory=list)  # [(file name, bytes)]
    remove_photos: list = field(default_factory=list)  # ids of the review's photos

    def is_blank(self):
        return not (self.rating or self.title.strip() or self.body.strip() or self.photos
                    or self.remove_photos)


@dataclass
class Item:
    """One product of the order on the form: its line, why it may not be reviewed ("" when it
    may) and the reviewer's review of it, if any."""
    line: object
    problem: str
    review: Review | None


def items(order):
    """The form's items: one per product of the order, with the buyer's review of each."""
    chosen = eligibility.reviewable_lines(order)
    reviewer = eligibility.reviewer_of(order)
    product_ids = [line.product_id for line, _problem in chosen if line.product_id is not None]
    found = {}
    if product_ids:
        found = {review.product_id: review for review in db.session.scalars(
            db.select(Review).where(Review.reviewer == reviewer,
                                    Review.product_id.in_(product_ids)))}
    return [Item(line, problem, found.get(line.product_id)) for line, problem in chosen]


def auto_publish():
    """Whether reviews are shown as soon as they are written (the shop's setting)."""
    return bool(get_settings_row().review_auto_publish)


def plain(text, single_line=False):
    """Text as typed, without control or direction-override characters; a title on one line."""
    text = _CONTROL.sub("", (text or "").replace("\r\n", "\n").replace("\r", "\n"))
    if single_line:
        text = re.sub(r"\s+", " ", text)
    return text.strip()


def author_name(order):
    """The name shown with a review: the first name and the family name's initial
    ("Kim M."), or a single word's first letter and stars ("김**")."""
    parts = (order.ship_name or "").split()
    if len(parts) >= 2:
        return f"{parts[0]} {parts[-1][0]}."[:80]
    if parts:
        word = parts[0]
        return (word[0] + "*" * min(len(word) - 1, 4))[:80]
    return ""


def _checked(entry, item):
    """(rating, title, body, recommend) of an entry, or a message saying what is wrong."""
    if not entry.rating:
        return _("Choose from 1 to 5 stars.")
    if entry.rating not in ("1", "2", "3", "4", "5"):
        return _("Choose from 1 to 5 stars.")
    title, body = plain(entry.title, single_line=True), plain(entry.body)
    if len(title) > TITLE_LIMIT:
        return _("Keep the title within %(num)d characters.", num=TITLE_LIMIT)
    if len(body) > BODY_LIMIT:
        return _("Keep your review within %(num)d characters.", num=BODY_LIMIT)
    if entry.recommend not in ("", "yes", "no"):
        return _("Answer yes or no, or leave it.")
    kept = [p for p in (item.review.photos if item.review else [])
            if p.id not in entry.remove_photos]
    problem = photos.problem(entry.photos, already=len(kept))
    if problem:
        return problem
    recommend = {"yes": True, "no": False}.get(entry.recommend)
    return int(entry.rating), title, body, recommend


def submit(order, entries, now, locale="en"):
    """Save the reviews of `entries` for `order`'s buyer; returns the reviews written or
    changed. ReviewProblems, and nothing saved, when an entry is wrong; ShopError for a line
    that is not on the form (a forged field: another order's line, or one not reviewable)."""
    on_form = items(order)
    by_line = {item.line.id: item for item in on_form}
    problems, checked = {}, []
    for entry in entries:
        item = by_line.get(entry.line_id)
        if item is None:
            raise ShopError(_("That item is not part of this order; nothing was saved."))
        if entry.is_blank():
            continue
        if item.problem:
            problems[entry.line_id] = item.problem
            continue
        result = _checked(entry, item)
        if isinstance(result, str):
            problems[entry.line_id] = result
        else:
            checked.append((entry, item, result))
    if problems:
        raise ReviewProblems(problems)
    if not checked:
        raise ShopError(_("Choose stars for at least one item to send a review."))
    settings = get_settings_row()
    # Photos are kept before any row is written: a store that is down changes nothing.
    stored = [photos.store(entry.photos) if entry.photos else [] for entry, _i, _r in checked]
    saved = []
    for (entry, item, values), kept in zip(checked, stored):
        review = _save(order, item, entry, values, kept, settings, now, locale)
        if review is not None:
            saved.append(review)
    if saved:
        _answered(order, now)
    return saved


def _save(order, item, entry, values, stored, settings, now, locale):
    rating, title, body, recommend = values
    review, line = item.review, item.line
    if review is None:
        review = Review(product_id=line.product_id, reviewer=eligibility.reviewer_of(order),
                        user_id=order.user_id, email=order.email, order_id=order.id,
                        order_line_id=line.id, variant_title=line.variant_title or "",
                        author_name=author_name(order), locale=locale, rating=rating,
                        title=title, body=body, recommend=recommend, status="pending",
                        created_at=now, updated_at=now)
        try:
            with db.session.begin_nested():
                db.session.add(review)
                db.session.flush()
        except IntegrityError:
            # The same form sent twice at once (a double tap, two tabs): the other one saved
            # this review first; this one saves nothing rather than a second review.
            raise ShopError(_("This review was just saved from another page. Open the form "
                              "again to see it."))
        photos.attach(review, stored, now)
        incentive.thank(review, order, settings, now)
        if settings.review_auto_publish:
            moderation.publish(review, now)
        return review
    removed = [p for p in review.photos if p.id in entry.remove_photos]
    changed = (rating, title, body, recommend) != (review.rating, review.title, review.body,
                                                   review.recommend) or stored or removed
    if not changed:
        return None
    was = review.status
    review.rating, review.title, review.body, review.recommend = rating, title, body, recommend
    review.locale = locale
    review.updated_at = now
    _follow_latest_purchase(review, order, line)
    for photo in removed:
        photos.detach(review, photo)
    photos.attach(review, stored, now)
    db.session.flush()
    if was == "published" and settings.review_auto_publish:
        ratings.recount(review.product_id)
    elif was == "published":
        review.status = "pending"
        db.session.flush()
        ratings.recount(review.product_id)
    elif was == "hidden":
        review.status = "pending"
        review.hidden_reason = ""
    elif settings.review_auto_publish:
        moderation.publish(review, now)
    return review


def _follow_latest_purchase(review, order, line):
    """Written from a later order than the one the review names: it now stands for that
    purchase (its line and variant)."""
    if review.order_id == order.id:
        return
    previous = db.session.get(type(order), review.order_id) if review.order_id else None
    if previous is None or previous.placed_at <= order.placed_at:
        review.order_id, review.order_line_id = order.id, line.id
        review.variant_title = line.variant_title or ""
        review.author_name = author_name(order) or review.author_name


def _answered(order, now):
    """The order's review request, if one was sent, was answered now (its response rate)."""
    db.session.execute(update(ReviewRequest)
                       .where(ReviewRequest.order_id == order.id,
                              ReviewRequest.answered_at.is_(None))
                       .values(answered_at=now, updated_at=now)
                       .execution_options(synchronize_session=False))
