"""Referrals: /r/<code> links, the newcomer's welcome discount, the referrer's reward when the
first order's return window closes, and the self-referral checks. Seams for the referral
slice."""


def welcome_code(referral_code, now):
    """Seam (referrals): the code of the newcomer's welcome discount for a valid referral code
    while referrals are on ("" otherwise); quote.py applies it like a typed code."""
    return ""


def order_placed(order, referral_code, now):
    """Seam (referrals): record the referral of a first order."""


def order_delivered(order, now):
    """Seam (referrals)."""


def order_released(order, now):
    """Seam (referrals)."""


def lines_returned(order, returned, now):
    """Seam (referrals)."""
