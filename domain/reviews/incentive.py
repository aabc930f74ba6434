"""The thank-you for a review, honestly: given for ANY review on its first submission, whatever
its stars and words (the rating is never read here), and said at the start of the review
(Review.incentive), so shoppers know which reviews were thanked.

- "credit": store credit of review_incentive_amount for an order with an account, once per
  product per reviewer (credit.grant_once's key), so rewriting a review earns nothing more.
  A guest has no account to hold credit: their review is not thanked, nor labelled so.
- "code": a single-use code worth review_incentive_amount off one order, for an account
  holder or a guest alike (the guest's code is for their email address), once per product per
  reviewer (codes.review_key), valid codes.REVIEW_CODE_DAYS days. The reviewer sees it on the
  review form after sending and gets it by email: the thank-you the review request and the
  review policy promised for any review, delivered to the person who wrote it, with nothing
  else offered, so it is a transactional reply and needs no marketing consent.
"""
from flask_babel import gettext as _

from .. import credit, notify
from ..loyalty import codes


def credit_key(review):
    return f"review-thanks:{review.product_id}:{review.reviewer}"


def thank(review, order, settings, now):
    """Thank the reviewer for a review written just now (not for an edit). Returns the
    incentive given ("credit", "code" or "")."""
    amount = settings.review_incentive_amount or 0
    if amount <= 0:
        return ""
    if settings.review_incentive == "code":
        return _thank_with_code(review, settings, amount, now)
    if settings.review_incentive != "credit" or order.user_id is None:
        return ""
    title = review.product.title if review.product is not None else ""
    credit.grant_once(credit_key(review), order.user_id, amount, order.currency,
                      _("Thank you for your review of %(product)s", product=title), now,
                      order_id=order.id)
    # Labelled even if an earlier review of this product was thanked already: the credit was
    # given for this reviewer's review of it.
    review.incentive = "credit"
    return "credit"


def _thank_with_code(review, settings, amount, now):
    coupon = codes.review_code(review, amount, now)
    if coupon is None:
        return ""
    if review.email:
        notify.enqueue_once(codes.review_key(review), codes.REVIEW_KIND, review.email,
                            review.locale or "en",
                            data={"review_id": review.id, "coupon_id": coupon.id,
                                  "currency": settings.currency}, now=now)
    # Labelled even if an earlier review of this product was thanked already, as for credit.
    review.incentive = "code"
    return "code"
