"""Reviews and satisfaction answers as personal data: in the download, and deleted on erasure.

A review is the customer's own words (and photos) about a product, so erasing the customer
deletes their reviews, and the products they were about are recounted. Satisfaction answers
go the same way. An address's opt-out from review requests is kept in the download and goes
with the erasure too (the erased customer has no orders left to be asked about).
"""
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_

from .. import personal_data
from ..extensions import db
from ..models import EmailOptOut, Review, Satisfaction
from . import ratings


def _mine(model, subject):
    if subject.is_guest:
        return and_(model.user_id.is_(None), model.email == subject.email)
    return or_(model.user_id == subject.user_id,
               and_(model.user_id.is_(None), model.email == subject.email))


def reviews_of(subject):
    return db.session.scalars(db.select(Review).where(_mine(Review, subject))
                              .order_by(Review.created_at, Review.id)).all()


def _export_reviews(subject):
    when = personal_data.when
    return [{"product": review.product.title if review.product else None,
             "variant": review.variant_title, "rating": review.rating, "title": review.title,
             "text": review.body, "recommend": review.recommend, "status": review.status,
             "hidden_reason": review.hidden_reason, "shop_reply": review.reply,
             "photos": len(review.photos), "thank_you": review.incentive,
             "written_at": when(review.created_at), "updated_at": when(review.updated_at),
             "published_at": when(review.published_at)}
            for review in reviews_of(subject)]


# Run before the rows go (erase), with the reviews being erased: photos.py adds the removal
# of their photo files once the erasure is committed.
BEFORE_ERASE = []


def _erase_reviews(subject, erasure):
    found = reviews_of(subject)
    for hook in BEFORE_ERASE:
        hook(found)
    products = {review.product_id for review in found}
    for review in found:
        db.session.delete(review)
    db.session.flush()
    for product_id in products:
        ratings.recount(product_id)
    return len(found)


def _answers_of(subject):
    return db.session.scalars(db.select(Satisfaction).where(_mine(Satisfaction, subject))
                              .order_by(Satisfaction.created_at, Satisfaction.id)).all()


def _export_answers(subject):
    when = personal_data.when
    return [{"touchpoint": answer.touchpoint, "score": answer.score, "comment": answer.comment,
             "answered_at": when(answer.created_at), "changed_at": when(answer.updated_at)}
            for answer in _answers_of(subject)]


def _erase_answers(subject, erasure):
    found = _answers_of(subject)
    for answer in found:
        db.session.delete(answer)
    db.session.flush()
    return len(found)


def _opt_outs_of(subject):
    return db.session.scalars(db.select(EmailOptOut).where(EmailOptOut.email == subject.email)
                              .order_by(EmailOptOut.id)).all()


def _export_opt_outs(subject):
    return [{"emails": opt_out.kind, "since": personal_data.when(opt_out.created_at)}
            for opt_out in _opt_outs_of(subject)]


def _erase_opt_outs(subject, erasure):
    found = _opt_outs_of(subject)
    for opt_out in found:
        db.session.delete(opt_out)
    db.session.flush()
    return len(found)


personal_data.register("reviews", _l("Reviews"), tables=("review", "review_photo"),
                       export=_export_reviews, erase=_erase_reviews)
personal_data.register("satisfaction", _l("Satisfaction answers"), tables=("satisfaction",),
                       export=_export_answers, erase=_erase_answers)
personal_data.register("email_opt_outs", _l("Emails declined"), tables=("email_opt_out",),
                       export=_export_opt_outs, erase=_erase_opt_outs)
