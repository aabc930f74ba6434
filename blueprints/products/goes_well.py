""""Goes well with" and "Recently viewed" as the storefront draws them: the product page's
block (a part of the cached page drawn once per stored page for visitors and once per
customer, who never see what they already bought), the cart's, and the visitor's recently
viewed products, read from a first-party cookie the product page sets (nothing is written on
the server when a product is viewed)."""
import re

from flask import current_app, render_template, request
from flask_login import current_user

from domain.extensions import db
from domain.models import Product
from domain.recommend.suggest import LIMIT_SHOWN, bought_by, suggestions

from ..common import shop

PART = "products/_goes_well.html"
LIMIT = LIMIT_SHOWN
RECENT_COOKIE = "recent"
RECENT_KEPT = 8
RECENT_SHOWN = 4
_ID = re.compile(r"^[1-9][0-9]{0,17}$")


def _customer_id():
    return current_user.id if current_user.is_authenticated else None


def for_products(product_ids, limit=LIMIT):
    """The suggestions for these products, leaving out what the signed-in customer bought."""
    customer = _customer_id()
    return suggestions(product_ids, shop(), exclude_product_ids=bought_by(customer), limit=limit)


def for_order(order, limit=LIMIT):
    """What goes with an order's products (its confirmation page, its delivered email),
    leaving out everything its buyer ordered. Returns a callable for the block's template."""
    found = suggestions([line.product_id for line in order.lines], shop(),
                        exclude_product_ids=bought_by(order.user_id), limit=limit)
    return lambda: found


def _product_id(saved):
    return saved[0].product_id if saved else None


def draw(saved):
    """The product page's block, from what the stored page kept (its one pricing line)."""
    product_id = _product_id(saved)
    if product_id is None:
        return ""
    return render_template(PART, goes_well=lambda: for_products([product_id]))


def key(saved):
    """Drawn once per stored page for visitors, once per customer (what they bought)."""
    return ("customer", current_user.id) if current_user.is_authenticated else ("visitor",)


def page_context(product_id):
    """For a product page drawn for this request alone: the block's suggestions, read only if
    the block is drawn in place."""
    return {"goes_well": lambda: for_products([product_id])}


def cart_context(breakdown):
    """The cart's block: suggestions for its products, which one tap can add, and for each,
    what adding one does to free shipping: {product_id: amount still missing after it} (0:
    it completes free shipping), only while the cart has not reached it."""
    ids = [line.product_id for line in breakdown.lines]
    found = for_products(ids) if ids else suggestions([], None)
    remaining = breakdown.free_shipping_remaining
    free_after = {}
    if remaining is not None and remaining.amount > 0 and not breakdown.shipping_made_free:
        free_after = {item.product.id: max(0, remaining.amount - (
            item.variant.price if item.variant is not None else item.product.price_min))
            for item in found.items}
    return {"goes_well_cart": found, "free_after": free_after}


# Recently viewed --------------------------------------------------------------------------

def recent_ids():
    """The visitor's recently viewed products' ids, newest first, from their cookie."""
    ids = []
    for word in request.cookies.get(RECENT_COOKIE, "").split("."):
        if _ID.match(word) and int(word) not in ids:
            ids.append(int(word))
    return tuple(ids[:RECENT_KEPT])


def remember_view(response, product_id):
    """Put the product first in the visitor's cookie (set with the session cookie's flags, and
    like it gone when the browser closes)."""
    ids = [product_id] + [i for i in recent_ids() if i != product_id]
    value = ".".join(str(i) for i in ids[:RECENT_KEPT])
    if value == request.cookies.get(RECENT_COOKIE):
        return response
    config = current_app.config
    response.set_cookie(RECENT_COOKIE, value, path="/",
                        httponly=bool(config.get("SESSION_COOKIE_HTTPONLY", True)),
                        samesite=config.get("SESSION_COOKIE_SAMESITE") or "Lax",
                        secure=bool(config.get("SESSION_COOKIE_SECURE")))
    return response


def parse_seen(text):
    """The product id a product page says was seen, or None."""
    return int(text) if _ID.match(text or "") else None


def recently_viewed(leave_out=(), limit=RECENT_SHOWN):
    """The recently viewed products still for sale, newest first, without the products
    `leave_out` (ids: the one on the page, or what the cart holds). One query; none without a
    cookie."""
    skip = set(leave_out)
    ids = [i for i in recent_ids() if i not in skip][:limit]
    if not ids:
        return []
    found = {p.id: p for p in db.session.scalars(
        db.select(Product).where(Product.id.in_(ids), Product.status == "active"))}
    return [found[i] for i in ids if i in found]
