"""Codes that arrive at the right moment: the thank-you code of an order confirmation, the
birthday code (birthdays.py sends it) and the review thank-you code. Each is a single-use
Coupon for one customer (the account, or a guest's email), issued once per key with
coupons.issue, so the coupon engine enforces it like any other code.

Validity: a code issued today for N days works until the end of the Nth day after today on the
shop's calendar (its time zone): issued 3 March for 30 days, it works until 2 April 23:59:59
shop time, and ends_at is 3 April 00:00 there (the first instant it no longer works).

Where the thank-you code is shown, and why:
- on the order's page (the thank-you page after checkout and the order page later), to the
  buyer only: a page the buyer opens is not advertising sent to them;
- in the order confirmation email only when the buyer agreed to marketing email
  (consent.may_market) at the moment the email goes. A discount for a next purchase is
  advertising under Korean law (정보통신망법 제50조; KISA counts a transactional email that
  carries an offer as an advertising one), so an email holding it is sent as one: its Korean
  subject starts with "(광고)" and it carries the unsubscribe link and the List-Unsubscribe
  headers. Without consent the confirmation stays purely transactional and says nothing of the
  code; the buyer still finds it on the order page.
"""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _

from .. import shopconfig
from ..errors import ShopError
from ..extensions import db
from ..models import Coupon, LoyaltySettings, ShopSettings
from ..settings import InvalidSettings, money_from_text
from . import coupons, settings as loyalty_settings

THANK_YOU_PREFIX = "THANKS"
BIRTHDAY_PREFIX = "BDAY"
REVIEW_PREFIX = "REVIEW"
# The email that hands a reviewer their thank-you code.
REVIEW_KIND = "review_code"
# The kinds of code the settings offer ("": off).
KINDS = ("", "amount", "percent")
MAX_DAYS = 365
MAX_DAYS_BEFORE = 30
# A review's thank-you code works this many days.
REVIEW_CODE_DAYS = 90
# An amount larger than this many minor units (₩1,000,000 or $10,000.00) is refused as a typo.
MAX_AMOUNT_MINOR = 1_000_000


@dataclass(frozen=True)
class Offer:
    """A code as the customer is told of it: "THANKS-7Q4D2MXK, ₩5,000 off, until 3 April"."""
    code: str
    kind: str          # "amount" or "percent"
    value: int         # minor units, or basis points
    currency: str
    last_day: date     # the last day it works, on the shop's calendar
    ends_at: datetime


def ends_at(now, days, zone):
    """The first instant a code issued at `now` for `days` days no longer works: midnight, shop
    time, after the `days`th day from today."""
    last = now.astimezone(zone).date() + timedelta(days=days)
    return datetime.combine(last + timedelta(days=1), time(0), tzinfo=zone).astimezone(now.tzinfo)


def shop_zone():
    """The shop's time zone, read without making the settings row (pages write nothing)."""
    row = db.session.get(ShopSettings, 1)
    return shopconfig.zone(row.timezone if row is not None else "UTC")


def offer_of(coupon, now, currency, zone):
    """The Offer of a code the customer can still use at `now`, else None (used, paused,
    expired)."""
    if coupon is None or coupon.paused or coupon.kind not in ("amount", "percent"):
        return None
    if coupon.usage_limit is not None and coupon.used_count >= coupon.usage_limit:
        return None
    if coupon.ends_at is not None and now >= coupon.ends_at:
        return None
    last_day = ((coupon.ends_at - timedelta(microseconds=1)).astimezone(zone).date()
                if coupon.ends_at is not None else None)
    return Offer(coupon.code, coupon.kind, coupon.value, currency, last_day, coupon.ends_at)


def _customer(order):
    """Whom an order's code is for: its account, else the guest's email."""
    if order.user_id is not None:
        return {"customer_user_id": order.user_id}
    return {"customer_email": order.email}


# The thank-you code ------------------------------------------------------------------------

def thank_you_key(order):
    return f"thank-you:{order.id}"


def thank_you(order, now):
    """Issue the order's thank-you code (once per order, whatever calls this again) when the
    setting is on: single use, for this customer's next order. An order bought with an
    earlier thank-you code earns its own code too: one code per order, for the next one. An
    order that costs nothing (a 100 % code) earns none, so free orders cannot chain."""
    # Read, never made here: no row means the defaults (off), and two first checkouts at once
    # must not race to insert it.
    settings = loyalty_settings.peek()
    if settings is None or settings.thank_you_kind not in ("amount", "percent") \
            or settings.thank_you_value <= 0:
        return None
    if (order.total or 0) <= 0:
        return None
    if not order.email and order.user_id is None:
        return None
    if order.id is None:
        db.session.flush()
    zone = shop_zone()
    return coupons.issue(thank_you_key(order), source="thank_you", kind=settings.thank_you_kind,
                         value=settings.thank_you_value, now=now,
                         ends_at=ends_at(now, settings.thank_you_days, zone),
                         prefix=THANK_YOU_PREFIX, name=f"Thank you for order {order.number}",
                         **_customer(order))


def order_released(order, now):
    """A cancelled or expired order's thank-you code is paused while unused: it thanked an
    order that did not happen. A code already used by a later order is left as it is."""
    db.session.execute(
        db.update(Coupon).where(Coupon.issue_key == thank_you_key(order),
                                Coupon.used_count == 0, Coupon.paused.is_(False))
        .values(paused=True, updated_at=now).execution_options(synchronize_session="fetch"))


def thank_you_offer(order, now):
    """The order's thank-you code as its buyer may still use it, or None. Reads only."""
    if order.id is None:
        return None
    coupon = db.session.scalar(db.select(Coupon).where(Coupon.issue_key == thank_you_key(order)))
    return offer_of(coupon, now, order.currency, shop_zone())


# The review thank-you code ----------------------------------------------------------------

def review_key(review):
    return f"review-code:{review.product_id}:{review.reviewer}"


def review_code(review, amount, now):
    """The single-use code thanking a review: once per product per reviewer (a rewritten
    review, or a second purchase of the product, earns none more), for the account or the
    guest's email, worth `amount` minor units off."""
    zone = shop_zone()
    customer = ({"customer_user_id": review.user_id} if review.user_id is not None
                else {"customer_email": review.email})
    return coupons.issue(review_key(review), source="review", kind="amount", value=amount,
                         now=now, ends_at=ends_at(now, REVIEW_CODE_DAYS, zone),
                         prefix=REVIEW_PREFIX, name=f"Thank you for a review of product "
                         f"{review.product_id}", **customer)


def review_offer(review, now, currency):
    """The review's thank-you code as its reviewer may still use it, or None. Reads only."""
    coupon = db.session.scalar(db.select(Coupon).where(Coupon.issue_key == review_key(review)))
    return offer_of(coupon, now, currency, shop_zone())


def birthday_on():
    """Whether birthday codes are sent (for the account page's words). Reads only."""
    row = loyalty_settings.peek()
    return bool(row and row.birthday_kind in ("amount", "percent") and row.birthday_value > 0)


# The settings page -------------------------------------------------------------------------

def current():
    """The codes' settings as plain values (defaults before anything was saved). Reads only."""
    row = loyalty_settings.peek()
    if row is None:
        row = LoyaltySettings(thank_you_kind="", thank_you_value=0, thank_you_days=30,
                              birthday_kind="", birthday_value=0, birthday_days=14,
                              birthday_days_before=0)
    return {name: getattr(row, name) for name in (
        "thank_you_kind", "thank_you_value", "thank_you_days", "birthday_kind",
        "birthday_value", "birthday_days", "birthday_days_before")}


def percent_from_text(text):
    """"12.5" -> 1250 basis points; ValueError for anything not a number."""
    cleaned = (text or "").strip().rstrip("%").strip().replace(",", ".")
    if not cleaned or cleaned.count(".") > 1 or not cleaned.replace(".", "").isdigit():
        raise ValueError(cleaned)
    whole, _dot, fraction = cleaned.partition(".")
    if len(fraction) > 2:
        raise ValueError(cleaned)
    return int(whole or "0") * 100 + int((fraction + "00")[:2])


def _value(kind, text, currency, locale, errors, field):
    if kind == "percent":
        try:
            value = percent_from_text(text)
        except ValueError:
            errors[field] = _("Enter a percentage from 1 to 100, such as 10.")
            return None
        if not 100 <= value <= 10000:
            errors[field] = _("Enter a percentage from 1 to 100, such as 10.")
            return None
        return value
    if kind == "amount":
        try:
            value = money_from_text(text, currency, locale)
        except ShopError as error:
            errors[field] = str(error)
            return None
        if not value or value <= 0:
            errors[field] = _("Enter the amount the code takes off.")
            return None
        if value > MAX_AMOUNT_MINOR:
            errors[field] = _("That amount is too large: check it.")
            return None
        return value
    return 0


def _days(value, low, high, errors, field, message):
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        errors[field] = message
        return None
    return value


def save(*, thank_you_kind, thank_you_value, thank_you_days, birthday_kind, birthday_value,
         birthday_days, birthday_days_before, currency, locale="en"):
    """Check and store the thank-you and birthday codes' settings; the values as typed (an
    amount in the shop's currency, a percentage). Raises InvalidSettings naming every wrong
    field; nothing changes then."""
    errors = {}
    for field, kind in (("thank_you_kind", thank_you_kind), ("birthday_kind", birthday_kind)):
        if kind not in KINDS:
            errors[field] = _("Please choose one of the listed kinds.")
    thank_value = _value(thank_you_kind, thank_you_value, currency, locale, errors,
                         "thank_you_value")
    birthday_value = _value(birthday_kind, birthday_value, currency, locale, errors,
                            "birthday_value")
    days_message = _("Enter a whole number of days from 1 to %(num)d.", num=MAX_DAYS)
    thank_days = _days(thank_you_days, 1, MAX_DAYS, errors, "thank_you_days", days_message)
    birth_days = _days(birthday_days, 1, MAX_DAYS, errors, "birthday_days", days_message)
    before = _days(birthday_days_before, 0, MAX_DAYS_BEFORE, errors, "birthday_days_before",
                   _("Enter a whole number of days from 0 (on the day) to %(num)d.",
                     num=MAX_DAYS_BEFORE))
    if errors:
        raise InvalidSettings(errors)
    row = loyalty_settings.get()
    row.thank_you_kind, row.thank_you_value, row.thank_you_days = (
        thank_you_kind, thank_value or 0, thank_days)
    row.birthday_kind, row.birthday_value, row.birthday_days = (
        birthday_kind, birthday_value or 0, birth_days)
    row.birthday_days_before = before
    db.session.flush()
    return row
