"""What the cart page shows, for the cart's own views and for a one-click purchase from the
cart that needs confirming."""
from flask import session, url_for
from flask_login import current_user

from domain import cart as carts
from domain import oneclick, preferences, pricing, storefront_version
from domain.loyalty import coupons

from ..common import current_cart, shop
from ..csrf import cookieless
from ..loyalty import pricing_context as loyalty
from ..products import goes_well
from ..templating import now


def cart_context(cart, coupon_error=None, coupon_typed="", **extra):
    """The cart priced with the codes applied in this browser (and the points, if ticked)."""
    config = shop()
    lines = carts.lines(cart, config.currency)
    # What the visitor viewed and has not put in the cart.
    recent = {"recent": goes_well.recently_viewed(leave_out=[line.product_id for line in lines])}
    if not lines:
        return {"breakdown": pricing.breakdown(config, lines), "one_click": None, **recent,
                **extra}
    ticked = loyalty.points_ticked()
    quote = loyalty.quote_for(config, lines, use_points=ticked)
    return {"breakdown": quote.breakdown, **recent, **goes_well.cart_context(quote.breakdown),
            "one_click": oneclick.offer(current_user, lines, config,
                                        codes=loyalty.applied_codes(), use_points=ticked,
                                        now=now()),
            "points_offer": loyalty.points_offer(quote), "points_ticked": ticked,
            "coupon_action": url_for("cart.coupon"), "coupon_target": "#cart-body",
            "coupon_include": "",
            **loyalty.field_context(quote, coupon_error, coupon_typed), **extra}


def cart_page_key():
    """Everything of the visitor's that the cart page shows (blueprints/pagecache.py keeps a
    copy per key): the cart's lines and, for a customer, what their one-click offer is made of.
    The products' prices and stock are the storefront version's part of the key."""
    # The codes applied and whether a coupon is active change the page too. The version is read
    # here (the page cache's key reads it next anyway, once per request): any_active is kept
    # per version.
    storefront_version.current()
    codes = (loyalty.applied_codes(), loyalty.points_ticked(), coupons.any_active(now()))
    if current_user.is_authenticated:
        # Their points and tier (free shipping) change the totals too.
        # Their own "Goes well with" leaves out what they bought: a copy per customer.
        return (tuple(sorted(current_cart().items().items())),
                preferences.one_click_inputs(current_user), codes,
                current_user.points_balance, current_user.tier_id, current_user.id,
                goes_well.recent_ids())
    data = None if cookieless() else session.get("cart")
    return (tuple(sorted(carts.GuestCart(data or {}).items().items())), codes,
            goes_well.recent_ids())
