"""The thank-you for a review, honestly: given for ANY review on its first submission, whatever
its stars and words (the rating is never read here), and said at the start of the review
(Review.incentive), so shoppers know which reviews were thanked.

- "credit": store credit of review_incentive_amount for an order with an account, once per
  product per reviewer (credit.grant_once's key), so rewriting a review earns nothing more.
  A guest has no account to hold credit: their review is not thanked, nor labelled so.
- "code": a single-use code. The shop has no coupons yet, so this grants nothing and labels
  nothing; the back office does not offer it until coupons exist.
"""
from flask_babel import gettext as _

from .. import credit


def credit_key(review):
    return f"review-thanks:{review.product_id}:{review.reviewer}"


def thank(review, order, settings, now):
    """Thank the reviewer for a review written just now (not for an edit). Returns the
    incentive given ("credit" or "")."""
    if settings.review_incentive != "credit" or order.user_id is None:
        return ""
    amount = settings.review_incentive_amount or 0
    if amount <= 0:
        return ""
    title = review.product.title if review.product is not None else ""
    credit.grant_once(credit_key(review), order.user_id, amount, order.currency,
                      _("Thank you for your review of %(product)s", product=title), now,
                      order_id=order.id)
    # Labelled even if an earlier review of this product was thanked already: the credit was
    # given for this reviewer's review of it.
    review.incentive = "credit"
    return "credit"
