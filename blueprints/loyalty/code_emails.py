"""The emails of codes (domain/loyalty/codes.py, birthdays.py): what blueprints/mail.py renders
them with.

- birthday_code: advertising. Only queued with marketing consent; the Korean subject starts
  with "(광고)" and mail.py adds the unsubscribe link and the one-click headers.
- review_code: the thank-you the review request and the review policy promised for writing a
  review, delivered to the reviewer. It answers what they did and offers nothing else, so it is
  sent as a transactional reply, without consent.
- the order confirmation's thank-you code: see thank_you_context. The confirmation itself is
  never held back: in quiet hours (domain/marketing.py, 21:00-08:00 shop time unless the
  merchant turned them off) it goes at once without the code, which stays on the order's page.
"""
from datetime import date

from flask_babel import gettext as _

from domain import consent, localized, marketing
from domain.extensions import db
from domain.loyalty import birthdays, codes
from domain.models import Coupon, Review, User

from ..common import shop
from ..templating import now

KINDS = (birthdays.KIND, codes.REVIEW_KIND)
MARKETING = (birthdays.KIND,)


def _offer(coupon_id, currency):
    coupon = db.session.get(Coupon, coupon_id or 0)
    return codes.offer_of(coupon, now(), currency, shop().zone) if coupon is not None else None


def context(message):
    """The subject and context of a code's email; call in the message's locale."""
    data = message.data or {}
    config = shop()
    if message.kind == birthdays.KIND:
        user = db.session.get(User, data.get("user_id") or 0)
        if user is None or user.erased_at is not None:
            raise ValueError(f"message {message.id} ({message.kind}) has no customer")
        # Advertising under Korean law: the Korean subject starts with "(광고)".
        return {"subject": _("(Ad) Happy birthday from %(shop)s", shop=config.name),
                "offer": _offer(data.get("coupon_id"), config.currency),
                "points": data.get("points") or 0,
                "birthday": date.fromisoformat(data["birthday"]) if data.get("birthday")
                else None}
    review = db.session.get(Review, data.get("review_id") or 0)
    if review is None:
        raise ValueError(f"message {message.id} ({message.kind}) has no review")
    title = localized.text(review.product, "title", message.locale or "en") \
        if review.product is not None else ""
    return {"subject": _("Thank you for your review of %(product)s", product=title),
            "product_title": title, "offer": _offer(data.get("coupon_id"), data.get("currency")
                                                    or config.currency)}


def thank_you_context(order):
    """The order confirmation's thank-you code, when the email may carry it: the code is
    still usable and the buyer agreed to marketing email as it goes (a discount for a next
    order is advertising) and it is not sent in quiet hours. {} otherwise: the confirmation
    stays transactional and goes at once."""
    if order is None:
        return {}
    if marketing.quiet_until(now(), shop()) is not None:
        return {}
    offer = codes.thank_you_offer(order, now())
    if offer is None:
        return {}
    buyer = db.session.get(User, order.user_id) if order.user_id is not None else None
    if not consent.may_market(buyer if buyer is not None else order.email):
        return {}
    return {"thank_you_offer": offer}
