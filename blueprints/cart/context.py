"""What the cart page shows, for the cart's own views and for a one-click purchase from the
cart that needs confirming."""
from flask import session
from flask_login import current_user

from domain import cart as carts
from domain import oneclick, preferences, pricing

from ..common import current_cart, shop
from ..csrf import cookieless


def cart_context(cart, **extra):
    config = shop()
    lines = carts.lines(cart, config.currency)
    return {"breakdown": pricing.breakdown(config, lines),
            "one_click": oneclick.offer(current_user, lines, config) if lines else None, **extra}


def cart_page_key():
    """Everything of the visitor's that the cart page shows (blueprints/pagecache.py keeps a
    copy per key): the cart's lines and, for a customer, what their one-click offer is made of.
    The products' prices and stock are the storefront version's part of the key."""
    if current_user.is_authenticated:
        return (tuple(sorted(current_cart().items().items())),
                preferences.one_click_inputs(current_user))
    data = None if cookieless() else session.get("cart")
    return tuple(sorted(carts.GuestCart(data or {}).items().items()))
