""""You said, we did": a short note on a product saying what the merchant changed after
customers' reviews or returns, linked to the ones that prompted it (picked from that product's
own reviews and returns). It shows on the product page and at /changes.

The customers behind the linked reviews and returns are told once, by an email that is
marketing under Korean law (정보통신망법 제50조): only those who agreed to marketing email
(consent.may_market), "(광고)" at the start of the Korean subject, an unsubscribe link and the
one-click headers. `notified_at` records that it went, so no edit sends it again; the outbox key
names the note and the address, so two requests at once still queue one per customer.
"""
from datetime import date

from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from .. import email_address, localized, marketing, shopconfig
from ..errors import ShopError
from ..extensions import db
from ..models import ChangeNote, Order, Product, ReturnLine, ReturnRequest, Review, User

KIND = "change_note"
TEXT_LIMIT = 300
# How many of a product's reviews and returns the form offers to link, newest first.
CANDIDATES = 50
PER_PAGE = 20


class InvalidChangeNote(ShopError):
    """A note the back office cannot save; `errors` maps form fields to what is wrong."""

    def __init__(self, errors):
        self.errors = dict(errors)
        super().__init__(next(iter(self.errors.values())))


def candidates(product_id):
    """(reviews, returns) of the product the merchant may link a note to, newest first."""
    if not product_id:
        return [], []
    reviews = db.session.scalars(
        db.select(Review).where(Review.product_id == product_id)
        .order_by(Review.created_at.desc(), Review.id.desc()).limit(CANDIDATES)).all()
    returns = db.session.scalars(
        db.select(ReturnRequest)
        .where(ReturnRequest.id.in_(db.select(ReturnLine.return_id)
                                    .where(ReturnLine.product_id == product_id)))
        .order_by(ReturnRequest.created_at.desc(), ReturnRequest.id.desc())
        .limit(CANDIDATES)).all()
    return list(reviews), list(returns)


def _linked(ids, allowed, errors, field, message):
    ids = sorted({int(i) for i in ids or ()})
    if any(i not in allowed for i in ids):
        errors[field] = message
    return ids


def save(note=None, *, product_id, text, translations, changed_on, review_ids=(),
         return_ids=(), today, main_language):
    """Create (note None) or change a note. `translations` is {lang: {"text": ...}} for the
    shop's other languages; `changed_on` None means today (the shop's date); linked ids must
    be this product's own reviews and returns. InvalidChangeNote names each wrong field and
    nothing is changed then."""
    errors = {}
    product = db.session.get(Product, product_id) if product_id else None
    if product is None:
        errors["product_id"] = _("Choose the product that changed.")
    text = (text or "").strip()
    if not text:
        errors["text"] = _("Say what changed, in a sentence.")
    elif len(text) > TEXT_LIMIT:
        errors["text"] = _("Keep it within %(num)d characters.", num=TEXT_LIMIT)
    changed_on = changed_on or today
    if changed_on > today:
        errors["changed_on"] = _("The change must already have happened: pick today or an "
                                 "earlier date.")
    reviews, returns = candidates(product.id if product else None)
    review_ids = _linked(review_ids, {r.id for r in reviews}, errors, "review_ids",
                         _("Pick reviews of this product only."))
    return_ids = _linked(return_ids, {r.id for r in returns}, errors, "return_ids",
                         _("Pick returns of this product only."))
    for lang, values in (translations or {}).items():
        if len((values.get("text") or "").strip()) > TEXT_LIMIT:
            errors[f"text_{lang}"] = _("Keep it within %(num)d characters.", num=TEXT_LIMIT)
    if errors:
        raise InvalidChangeNote(errors)
    if note is None:
        note = ChangeNote(translations={})
        db.session.add(note)
    note.product_id = product.id
    note.text = text
    note.changed_on = changed_on
    note.review_ids = review_ids
    note.return_ids = return_ids
    for lang, values in (translations or {}).items():
        localized.set_translation(note, lang, values, main_language)
    db.session.flush()
    return note


def delete(note):
    db.session.delete(note)
    db.session.flush()


def for_product(product_id):
    """The product's notes, latest change first (the product page)."""
    return db.session.scalars(
        db.select(ChangeNote).where(ChangeNote.product_id == product_id)
        .order_by(ChangeNote.changed_on.desc(), ChangeNote.id.desc())).all()


def recent(page=1, per_page=PER_PAGE):
    """Every note with its product, latest change first (/changes and the back office)."""
    from ..catalog import Page
    try:
        page = max(1, min(int(page), 10_000))
    except (TypeError, ValueError):
        page = 1
    total = db.session.scalar(db.select(db.func.count(ChangeNote.id)))
    items = db.session.scalars(
        db.select(ChangeNote).options(selectinload(ChangeNote.product))
        .order_by(ChangeNote.changed_on.desc(), ChangeNote.id.desc())
        .limit(per_page).offset((page - 1) * per_page)).all()
    return Page(items=list(items), page=page, per_page=per_page, total=total or 0)


def _people(note):
    """[(email, locale, user or None)] behind the note's linked reviews and returns, one per
    address (normalised), in the order they were linked."""
    people = []
    if note.review_ids:
        for review in db.session.scalars(db.select(Review).where(Review.id.in_(note.review_ids))
                                         .order_by(Review.id)):
            user = db.session.get(User, review.user_id) if review.user_id else None
            people.append((review.email, review.locale, user))
    if note.return_ids:
        for order in db.session.scalars(
                db.select(Order).join(ReturnRequest, ReturnRequest.order_id == Order.id)
                .where(ReturnRequest.id.in_(note.return_ids)).order_by(ReturnRequest.id)):
            user = db.session.get(User, order.user_id) if order.user_id else None
            people.append((order.email, order.locale, user))
    seen, unique = set(), []
    for email, locale, user in people:
        key = email_address.normalize(user.email if user is not None else email)
        if key and key not in seen:
            seen.add(key)
            unique.append((key, locale, user))
    return unique


def notify_customers(note, now, config=None):
    """Email the customers behind the note, once: those who may be sent marketing, held
    until the end of quiet hours (marketing.queue). Returns how many were queued (0 when the
    note was already told, or nobody agreed)."""
    claimed = db.session.execute(
        db.update(ChangeNote).where(ChangeNote.id == note.id, ChangeNote.notified_at.is_(None))
        .values(notified_at=now).execution_options(synchronize_session=False)).rowcount
    if not claimed:
        return 0
    db.session.refresh(note, ["notified_at"])
    queued = 0
    config = config or shopconfig.current()
    for email, locale, user in _people(note):
        if marketing.queue(f"{KIND}:{note.id}:{email}", KIND, email, now=now, config=config,
                           whom=user if user is not None else email, locale=locale or "en",
                           data={"change_note_id": note.id}):
            queued += 1
    return queued


def today_in(zone, now):
    """The shop's date now (a change dated by the merchant's calendar, not UTC's)."""
    return now.astimezone(zone).date() if now else date.today()
