"""What other blueprints share of the account pages: signing someone in (the guest's account
claim signs its new account in the same way)."""
from flask import flash, session
from flask_login import login_user

from domain import cart as carts


def sign_in(user):
    """Sign `user` in on this browser, moving the guest cart into the account's cart."""
    guest = carts.GuestCart(session.get("cart", {}))
    notices = carts.merge(guest, carts.CustomerCart(user.id))
    session.pop("cart", None)
    login_user(user)
    for notice in notices:
        flash(notice, "warning")
