"""What the cart, checkout and one-click pages need of coupons and points: the codes applied in
this browser (session[COUPON_CODES_KEY]), the quote that prices them, and the coupon field's
context (templates/loyalty/_coupon_field.html). Shared page context, no views."""
from flask import session
from flask_login import current_user

from domain.loyalty import coupons
from domain.loyalty import quote as loyalty_quote

from ..common import COUPON_CODES_KEY, REFERRAL_KEY
from ..templating import now


# The customer ticked "Use my points" in the cart: one-click from the cart and the checkout
# start with it.
USE_POINTS_KEY = "use_points"


def points_ticked():
    return bool(session.get(USE_POINTS_KEY)) and current_user.is_authenticated


def save_points_choice(ticked):
    if bool(ticked) != bool(session.get(USE_POINTS_KEY)):
        session[USE_POINTS_KEY] = bool(ticked)


def applied_codes():
    codes = session.get(COUPON_CODES_KEY) or []
    return tuple(str(code) for code in codes if isinstance(code, str))[:5]


def save_codes(codes):
    if tuple(codes) != applied_codes():
        session[COUPON_CODES_KEY] = list(codes)


def forget_after_order(codes=True):
    """An order was placed with this browser's codes, points choice and referral: they were
    used (a code kept would only be refused as used up on the next cart)."""
    if codes:
        for key in (COUPON_CODES_KEY, USE_POINTS_KEY):
            session.pop(key, None)
    session.pop(REFERRAL_KEY, None)


def shopper():
    return current_user._get_current_object() if current_user.is_authenticated else None


def choices(email="", use_points=False, region=None, shipping_method_id=None):
    """quote()'s keyword arguments for this visitor."""
    return {"user": shopper(), "email": email or "", "use_points": bool(use_points),
            "referral_code": session.get(REFERRAL_KEY) or "", "region": region,
            "shipping_method_id": shipping_method_id, "now": now()}


def quote_for(config, lines, **kwargs):
    return loyalty_quote.quote(config, lines, codes=applied_codes(), **choices(**kwargs))


def field_context(quote, error=None, typed=""):
    """The coupon field: shown while a coupon is active (or a code is applied: it can be
    removed), each applied code with its refusal if it no longer applies, the typed code's
    refusal."""
    codes = applied_codes()
    rows = []
    for code in codes:
        refusal = quote.refusal_for(code) if quote is not None else None
        rows.append((code, refusal.message if refusal is not None else None))
    return {"coupon_field": bool(codes) or coupons.any_active(now()), "coupon_rows": rows,
            "coupon_error": error, "coupon_typed": typed if error else ""}


def points_offer(quote):
    """The quote, when the customer has points to offer for the checkbox (else None)."""
    if quote is None or quote.points is None or not quote.points.available:
        return None
    return quote
