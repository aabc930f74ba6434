"""Accounts: customers and merchants share one table; only merchants reach the back office.

Also the password reset by emailed link, changing the sign-in email, and the order history."""
import hashlib
import hmac
import secrets
from datetime import timedelta

from flask_babel import gettext as _, lazy_gettext as _l
from itsdangerous import BadSignature, TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import bindparam, func
from sqlalchemy.orm import undefer

from . import addresses, email_address, notify, personal_data
from .catalog import Page, clamp_page
from .errors import InvalidCredentials, InvalidResetLink, ShopError
from .extensions import db
from .ids import parse_id
from .models import Address, Order, ShippingMethod, User, utcnow

MIN_PASSWORD = 10
# Checked against when the email is unknown, so a wrong email costs as long as a wrong password.
_DUMMY = User(email="", password_hash="")
_DUMMY.set_password("not-a-real-password")


def normalize_email(email):
    return email_address.normalize(email)


def find_by_email(email):
    return db.session.scalar(db.select(User).where(func.lower(User.email) == normalize_email(email)))


def check_password_rules(password):
    if len(password or "") < MIN_PASSWORD:
        raise ShopError(_("Please choose a password of at least %(num)d characters.", num=MIN_PASSWORD))


def register(email, password, name="", merchant=False, role=None):
    """A new account; raises ShopError if the email is taken or the password too short.
    A merchant account is the shop's owner unless `role` says otherwise ("staff")."""
    email = normalize_email(email)
    if not email_address.is_valid(email):
        raise ShopError(_("Please enter a valid email address."))
    check_password_rules(password)
    if find_by_email(email) is not None:
        raise ShopError(_("An account with that email already exists. Try signing in."))
    user = User(email=email, name=(name or "").strip()[:120], is_merchant=merchant,
                staff_role=(role or "owner") if merchant else None)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(email, password):
    """The user with that email and password, or InvalidCredentials (same for either mistake)."""
    user = find_by_email(email)
    if user is None:
        _DUMMY.check_password(password or "")
        raise InvalidCredentials(_("That email and password do not match an account."))
    if not user.check_password(password or ""):
        raise InvalidCredentials(_("That email and password do not match an account."))
    return user


def change_email(user, new_email, current_password):
    """Move the account to another email; the current password proves it is the owner asking.

    Raises InvalidCredentials for a wrong password, ShopError for an unusable or taken email."""
    if not user.check_password(current_password or ""):
        raise InvalidCredentials(_("That is not your current password."))
    email = normalize_email(new_email)
    if not email_address.is_valid(email):
        raise ShopError(_("Please enter a valid email address."))
    other = find_by_email(email)
    if other is not None and other.id != user.id:
        raise ShopError(_("Another account already uses that email."))
    if email != user.email:
        user.email = email
        end_sessions(user)
    db.session.flush()
    return user


def change_password(user, current_password, new_password):
    """A new password for a signed-in account; the current one proves it is the owner asking.
    Every session of the account ends (the caller keeps the current browser signed in).

    Raises InvalidCredentials for a wrong current password, ShopError for a weak new one;
    nothing changes then."""
    if not user.check_password(current_password or ""):
        raise InvalidCredentials(_("That is not your current password."))
    check_password_rules(new_password)
    user.set_password(new_password)
    end_sessions(user)
    return user


def set_password(user, new_password):
    """A new password set by the shop's owner at the command line, for an account that cannot
    sign in any more (its password forgotten, no mail server for a reset link). Every session
    of the account ends. ShopError for a weak password; nothing changes then."""
    check_password_rules(new_password)
    user.set_password(new_password)
    end_sessions(user)
    return user


def merchants():
    """The back office's accounts, oldest first."""
    return db.session.scalars(db.select(User).where(User.is_merchant.is_(True))
                              .order_by(User.id)).all()


def end_sessions(user):
    """Sign the account out everywhere: every session names the session version it was signed
    in at, and moving the version on makes them all (copied cookies too) name a stale one. The
    caller signs the current browser in again if it should stay signed in."""
    user.session_version = (user.session_version or 0) + 1
    db.session.flush()


# A signed-in request's account, with the cart's item count and lines (the header of every page
# shows the count, the cart page is kept per lines: cart.customer_cart) and the default address (what a one-click button offers,
# preferences.one_click). Built once: only the id changes, and building the statement cost more
# than running it.
_SESSION_USER = (
    db.select(User, Address)
    .outerjoin(Address, (Address.user_id == User.id) & addresses.default_condition())
    .where(User.id == bindparam("user_id"))
    .options(undefer(User.cart_quantity), undefer(User.cart_lines))
    .order_by(Address.id).limit(1))


def session_user(session_id):
    """The account a session's id ("<user id>:<session version>", see User.get_id) names, or
    None when the session was ended (or the id is malformed or from before versions)."""
    user_id, _sep, version = str(session_id or "").partition(":")
    user_id, version = parse_id(user_id), _version(version)
    if user_id is None or version is None:
        return None
    row = db.session.execute(_SESSION_USER, {"user_id": user_id}).first()
    user = row[0] if row else None
    if user is None or user.erased_at is not None or (user.session_version or 0) != version:
        return None
    addresses.remember_default(user.id, row[1])
    return user


def _version(text):
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None


# Password reset. The link carries the user id and a fingerprint of the password hash, signed
# with the app secret: setting a new password changes the hash, so each link works only once.
RESET_MINUTES = 60
RESET_SALT = "password-reset"


class ClockedSigner(TimestampSigner):
    """Stamps tokens with the clock passed in, so tests can sign in the past."""

    def __init__(self, *args, now=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.now = now

    def get_timestamp(self):
        return int(self.now.timestamp()) if self.now else super().get_timestamp()


def _reset_serializer(secret, now=None):
    return URLSafeTimedSerializer(secret, salt=RESET_SALT, signer=ClockedSigner,
                                  signer_kwargs={"now": now})


def _fingerprint(user, secret):
    key = secret.encode() if isinstance(secret, str) else secret
    return hmac.new(key, user.password_hash.encode(), hashlib.sha256).hexdigest()[:20]


def reset_token(user, secret, now=None):
    return _reset_serializer(secret, now).dumps([user.id, _fingerprint(user, secret)])


def request_password_reset(email, make_url, secret, now=None, locale="en"):
    """Email a reset link if an account has that email. make_url(token) gives the link's
    absolute URL. Returns the queued message, or None for an unknown email (callers must
    answer the same either way, so nobody learns which emails have accounts)."""
    now = now or utcnow()
    user = find_by_email(email) if email_address.clean(email) else None
    if user is None:
        return None
    link = make_url(reset_token(user, secret, now))
    return notify.enqueue("password_reset", user.email, user.locale or locale or "en", now=now,
                          data={"url": link, "expires_minutes": RESET_MINUTES})


def user_for_reset_token(token, secret, now=None):
    """The account a reset link is for, or InvalidResetLink if it expired, was used or forged."""
    now = now or utcnow()
    used = InvalidResetLink(_("This reset link has already been used or is not valid. "
                              "Please ask for a new one."))
    try:
        payload, signed_at = _reset_serializer(secret).loads(token or "", return_timestamp=True)
        user_id, fingerprint = payload
    except (BadSignature, TypeError, ValueError):
        raise used
    if now - signed_at > timedelta(minutes=RESET_MINUTES) or signed_at - now > timedelta(minutes=5):
        raise InvalidResetLink(_("This reset link has expired: links work for %(num)d minutes. "
                                 "Please ask for a new one.", num=RESET_MINUTES))
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not hmac.compare_digest(str(fingerprint), _fingerprint(user, secret)):
        raise used
    return user


def reset_password(token, new_password, secret, now=None):
    """Set a new password through a reset link; the link stops working once it has been used."""
    user = user_for_reset_token(token, secret, now)
    check_password_rules(new_password)
    user.set_password(new_password)
    end_sessions(user)
    return user


ORDERS_PER_PAGE = 20


def order_history(user_id, page=1, per_page=ORDERS_PER_PAGE):
    """The customer's own orders, newest first, one page of them."""
    mine = Order.user_id == user_id
    total = db.session.scalar(db.select(func.count(Order.id)).where(mine)) or 0
    page = clamp_page(page, total, per_page)
    items = db.session.scalars(
        db.select(Order).where(mine).order_by(Order.placed_at.desc(), Order.id.desc())
        .limit(per_page).offset((page - 1) * per_page)).all()
    return Page(items=items, page=page, per_page=per_page, total=total)


# Personal data: the account itself. Erasing it empties the row instead of deleting it, so its
# id is never reused by a new account, and moves the session version on, so every browser
# still signed in to it is signed out.
def _account(subject):
    if subject.is_guest:
        return None
    user = db.session.get(User, subject.user_id)
    return None if user is None or user.erased_at is not None else user


def _export_profile(subject):
    user = _account(subject)
    if user is None:
        return None
    method = (db.session.get(ShippingMethod, user.preferred_shipping_method_id)
              if user.preferred_shipping_method_id else None)
    return {"email": user.email, "name": user.name, "language": user.locale,
            "created_at": personal_data.when(user.created_at),
            "preferred_shipping_method": method.name if method else None,
            "preferred_payment_method": user.preferred_payment_method}


def _erase_profile(subject, erasure):
    user = _account(subject)
    if user is None:
        return 0
    user.email = f"{erasure.reference.lower()}@erased.invalid"
    user.name = ""
    user.locale = None
    user.preferred_shipping_method_id = None
    user.preferred_payment_method = None
    # A password nobody knows: the row can never be signed in to again.
    user.set_password(secrets.token_urlsafe(32))
    user.erased_at = erasure.now
    end_sessions(user)
    return 1


personal_data.register("profile", _l("Account"), tables=("user",), export=_export_profile,
                       erase=_erase_profile)
