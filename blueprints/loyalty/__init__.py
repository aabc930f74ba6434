"""Loyalty on the storefront: coupon codes in the cart and at checkout, the rewards page,
referral links (/r/<code>) and the guest's account claim. The rules are in domain/loyalty/."""
from flask import Blueprint

bp = Blueprint("loyalty", __name__)

from . import claim, referrals, rewards  # noqa: E402,F401
