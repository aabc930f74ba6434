"""The review settings the merchant chooses: whether reviews are shown as they arrive, when the
review request and its reminder go, and the thank-you for any review.

The thank-you never depends on the rating (the FTC bans incentives tied to a positive review):
there is no setting that could make it. A thank-you is store credit ("credit", for account
holders), a single-use code of that amount off ("code", for account holders and guests; see
incentive.py), or nothing.
"""
from flask_babel import gettext as _

from ..extensions import db
from ..settings import InvalidSettings, money_from_text
from ..errors import ShopError
from ..shopconfig import get_settings_row

MAX_REQUEST_DAYS = 90
MAX_REMINDER_DAYS = 60
# The thank-yous the back office offers (see incentive.py).
OFFERED_INCENTIVES = ("", "credit", "code")
# A thank-you larger than this many minor units is refused as a likely typo (₩1,000,000 or
# $10,000.00): a thank-you that big stops being a thank-you.
MAX_INCENTIVE_MINOR = 1_000_000


def current():
    """The stored review settings as plain values."""
    row = get_settings_row()
    return {"auto_publish": bool(row.review_auto_publish),
            "request_days": row.review_request_days,
            "reminder_days": row.review_reminder_days,
            "incentive": row.review_incentive if row.review_incentive in OFFERED_INCENTIVES
            else "",
            "incentive_amount": row.review_incentive_amount,
            "currency": row.currency}


def _whole(value, low, high, errors, name, message):
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        errors[name] = message
        return None
    return value


def save(*, auto_publish, request_days, reminder_days, incentive, incentive_amount, locale="en"):
    """Check and store the review settings; `incentive_amount` is the amount as typed, in the
    shop's currency. Raises InvalidSettings naming every wrong field; nothing changes then."""
    row = get_settings_row()
    errors = {}
    request_days = _whole(request_days, 1, MAX_REQUEST_DAYS, errors, "request_days",
                          _("Enter a whole number of days from 1 to %(num)d.",
                            num=MAX_REQUEST_DAYS))
    reminder_days = _whole(reminder_days, 0, MAX_REMINDER_DAYS, errors, "reminder_days",
                           _("Enter a whole number of days from 0 (no reminder) to %(num)d.",
                             num=MAX_REMINDER_DAYS))
    if incentive not in OFFERED_INCENTIVES:
        errors["incentive"] = _("Please choose one of the listed thank-yous.")
    amount = 0
    if incentive in ("credit", "code"):
        try:
            amount = money_from_text(incentive_amount, row.currency, locale)
        except ShopError as error:
            errors["incentive_amount"] = str(error)
        else:
            if not amount or amount <= 0:
                errors["incentive_amount"] = (
                    _("Enter the amount of store credit each review earns.")
                    if incentive == "credit" else
                    _("Enter the amount each review's thank-you code takes off."))
            elif amount > MAX_INCENTIVE_MINOR:
                errors["incentive_amount"] = _("That thank-you is too large: check the amount.")
    if errors:
        raise InvalidSettings(errors)
    row.review_auto_publish = bool(auto_publish)
    row.review_request_days = request_days
    row.review_reminder_days = reminder_days
    row.review_incentive = incentive
    row.review_incentive_amount = amount or 0
    db.session.flush()
    return row
