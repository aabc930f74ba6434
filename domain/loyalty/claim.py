"""A guest's account in one click: after a guest's first order, its confirmation page and email
carry a signed link (CLAIM_DAYS days) for the order's email address. Opening it proves the
address is theirs; choosing a password makes the account with that address and attaches every
guest order placed with it (case-insensitive), so their points and history are kept.

The link names only the email address, signed with the app secret under its own salt. Once the
account exists the link is spent: a second use is refused and offered the sign-in instead.
"""
from datetime import timedelta

from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import func

from .. import accounts, email_address
from ..errors import ShopError
from ..extensions import db
from ..models import Order
from . import hooks

CLAIM_SALT = "guest-order-claim"
CLAIM_DAYS = 7


class InvalidClaimLink(ShopError):
    """A claim link that was changed, has expired, or names no guest order."""


class AccountExists(ShopError):
    """The link's address has an account already: sign in instead."""


def _serializer(secret, now=None):
    return URLSafeTimedSerializer(secret, salt=CLAIM_SALT, signer=accounts.ClockedSigner,
                                  signer_kwargs={"now": now})


def _email(order):
    return email_address.normalize(order.email)


def guest_orders(email):
    """The guest orders (no account) placed with this address, in any letter case."""
    email = email_address.normalize(email)
    if not email:
        return []
    return db.session.scalars(db.select(Order).where(
        Order.user_id.is_(None), func.lower(Order.email) == email)
        .order_by(Order.placed_at, Order.id)).all()


def invites(order):
    """Whether this order's confirmation invites its buyer to make an account: a guest's first
    order, with no account for its address yet."""
    email = _email(order)
    if order.user_id is not None or not email_address.is_valid(email):
        return False
    if accounts.find_by_email(email) is not None:
        return False
    earlier = db.session.scalar(db.select(Order.id).where(
        func.lower(Order.email) == email, Order.id < order.id).limit(1))
    return earlier is None


def token(order, secret, now):
    """The signed link's token for the order's address."""
    return _serializer(secret, now).dumps({"e": _email(order)})


def email_for(token_text, secret, now):
    """The address a claim link is for; InvalidClaimLink if it was changed or has expired."""
    try:
        payload, signed_at = _serializer(secret).loads(token_text or "", return_timestamp=True)
        email = payload["e"]
    except (BadSignature, TypeError, KeyError, ValueError):
        raise InvalidClaimLink(_("This link is not valid. Please use the link in your order "
                                 "confirmation email."))
    if now - signed_at > timedelta(days=CLAIM_DAYS) or signed_at - now > timedelta(minutes=5):
        raise InvalidClaimLink(_("This link has expired: links work for %(num)d days. You can "
                                 "still create an account with the same email address.",
                                 num=CLAIM_DAYS))
    if not isinstance(email, str) or not email_address.is_valid(email):
        raise InvalidClaimLink(_("This link is not valid. Please use the link in your order "
                                 "confirmation email."))
    return email


def check(token_text, secret, now):
    """(email, guest orders) the link would claim; InvalidClaimLink or AccountExists."""
    email = email_for(token_text, secret, now)
    if accounts.find_by_email(email) is not None:
        raise AccountExists(_("An account with this email address already exists. Please sign "
                              "in to it."))
    return email, guest_orders(email)


def claim(token_text, password, secret, now, locale="en"):
    """Make the account for the link's address with `password` and attach every guest order
    of that address to it; the loyalty hooks earn their points. Returns (user, orders).
    InvalidClaimLink, AccountExists, or ShopError for a password the rules refuse: nothing
    changes then."""
    email, _orders = check(token_text, secret, now)
    user = accounts.register(email, password)
    user.locale = locale or None
    ids = [order.id for order in _orders]
    if ids:
        db.session.execute(db.update(Order).where(Order.id.in_(ids), Order.user_id.is_(None))
                           .values(user_id=user.id).execution_options(synchronize_session="fetch"))
    db.session.flush()
    claimed = db.session.scalars(db.select(Order).where(Order.id.in_(ids), Order.user_id == user.id)
                                 .order_by(Order.placed_at, Order.id)).all() if ids else []
    hooks.orders_claimed(user, claimed, now)
    return user, claimed
