"""What the cart page shows, for the cart's own views and for a one-click purchase from the
cart that needs confirming."""
from flask_login import current_user

from domain import cart as carts
from domain import oneclick, pricing

from ..common import shop


def cart_context(cart, **extra):
    config = shop()
    lines = carts.lines(cart, config.currency)
    return {"breakdown": pricing.breakdown(config, lines),
            "one_click": oneclick.offer(current_user, lines, config) if lines else None, **extra}
