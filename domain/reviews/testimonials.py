"""Words about the shop the merchant enters by hand: testimonials and press mentions, for a shop
with no reviews yet. The home page shows them apart from verified reviews, labelled as chosen
by the shop, so nobody takes them for buyers' reviews.
"""
from flask_babel import gettext as _

from ..errors import ShopError
from ..extensions import db
from ..models import TESTIMONIAL_KINDS, Testimonial

QUOTE_LIMIT = 500
NAME_LIMIT = 120
SOURCE_LIMIT = 120
# The home page shows this many, newest first.
SHOWN = 6


class InvalidTestimonial(ShopError):
    """A testimonial the back office cannot save; `errors` maps fields to what is wrong."""

    def __init__(self, errors):
        self.errors = dict(errors)
        super().__init__(next(iter(self.errors.values())))


def all_entered():
    return db.session.scalars(db.select(Testimonial).order_by(
        Testimonial.said_on.desc().nulls_last(), Testimonial.id.desc())).all()


def shown():
    """What the home page shows (one query)."""
    return db.session.scalars(db.select(Testimonial).order_by(
        Testimonial.said_on.desc().nulls_last(), Testimonial.id.desc()).limit(SHOWN)).all()


def save(testimonial=None, *, kind, quote, name, source, said_on, today):
    """Create (None) or change a testimonial; InvalidTestimonial names every wrong field."""
    errors = {}
    quote, name, source = ((value or "").strip() for value in (quote, name, source))
    if kind not in TESTIMONIAL_KINDS:
        errors["kind"] = _("Please choose one of the listed kinds.")
    if not quote:
        errors["quote"] = _("Enter the words as they were said or printed.")
    elif len(quote) > QUOTE_LIMIT:
        errors["quote"] = _("Keep it within %(num)d characters.", num=QUOTE_LIMIT)
    if not name and not source:
        errors["name"] = _("Say who said it, or where it was published.")
    if len(name) > NAME_LIMIT:
        errors["name"] = _("Keep it within %(num)d characters.", num=NAME_LIMIT)
    if len(source) > SOURCE_LIMIT:
        errors["source"] = _("Keep it within %(num)d characters.", num=SOURCE_LIMIT)
    if said_on is not None and said_on > today:
        errors["said_on"] = _("Pick today or an earlier date.")
    if errors:
        raise InvalidTestimonial(errors)
    if testimonial is None:
        testimonial = Testimonial()
        db.session.add(testimonial)
    testimonial.kind = kind
    testimonial.quote = quote
    testimonial.name = name
    testimonial.source = source
    testimonial.said_on = said_on
    db.session.flush()
    return testimonial


def delete(testimonial):
    db.session.delete(testimonial)
    db.session.flush()
