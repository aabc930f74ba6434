"""Accounts: customers and merchants share one table; only merchants reach the back office."""
from flask_babel import gettext as _
from sqlalchemy import func

from .errors import InvalidCredentials, ShopError
from .extensions import db
from .models import User

MIN_PASSWORD = 10
# Checked against when the email is unknown, so a wrong email costs as long as a wrong password.
_DUMMY = User(email="", password_hash="")
_DUMMY.set_password("not-a-real-password")


def normalize_email(email):
    return (email or "").strip().lower()


def find_by_email(email):
    return db.session.scalar(db.select(User).where(func.lower(User.email) == normalize_email(email)))


def check_password_rules(password):
    if len(password or "") < MIN_PASSWORD:
        raise ShopError(_("Please choose a password of at least %(num)d characters.", num=MIN_PASSWORD))


def register(email, password, name="", merchant=False):
    """A new account; raises ShopError if the email is taken or the password too short."""
    email = normalize_email(email)
    if "@" not in email:
        raise ShopError(_("Please enter a valid email address."))
    check_password_rules(password)
    if find_by_email(email) is not None:
        raise ShopError(_("An account with that email already exists. Try signing in."))
    user = User(email=email, name=(name or "").strip()[:120], is_merchant=merchant)
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
