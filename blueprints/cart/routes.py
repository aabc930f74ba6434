"""The cart: add from a product page, change quantities, remove. Works as plain forms; with
htmx the changed region and the header badge are swapped in place."""
from flask import redirect, request, url_for
from flask_babel import get_locale, gettext as _

from domain import cart as carts
from domain.errors import ShopError

from ..common import current_cart
from ..htmx import render, wants_fragment
from ..pagecache import cached_page
from ..products.context import product_context
from ..templating import now
from . import bp
from .context import cart_context, cart_page_key


@bp.get("/cart")
@cached_page(personal=cart_page_key)
def view():
    cart = current_cart()
    context = cart_context(cart)
    return render("cart/cart.html", block="cart_body", **context)


@bp.post("/cart/add")
def add():
    slug = request.form.get("product", "")
    variant_id = request.form.get("variant_id")
    try:
        variant = carts.add(current_cart(), variant_id, request.form.get("quantity", 1),
                            now=now(), locale=str(get_locale()))
    except ShopError as error:
        return render("products/product.html", block="buybox", status=422, error=str(error),
                      **product_context(slug, variant_id))
    if not wants_fragment():
        return redirect(url_for("cart.view"), code=303)
    return render("products/product.html", block="buybox", oob=("_cart_badge.html",),
                  added=_("Added to your cart."),
                  **product_context(variant.product.slug, variant.id))


def _change(action):
    cart = current_cart()
    try:
        action(cart)
    except ShopError as error:
        return render("cart/cart.html", block="cart_body", oob=("_cart_badge.html",),
                      status=422, **cart_context(current_cart(), error=str(error)))
    if not wants_fragment():
        return redirect(url_for("cart.view"), code=303)
    return render("cart/cart.html", block="cart_body", oob=("_cart_badge.html",),
                  **cart_context(cart))


@bp.post("/cart/update")
def update():
    return _change(lambda cart: carts.update(cart, request.form.get("variant_id"),
                                             request.form.get("quantity")))


@bp.post("/cart/remove")
def remove():
    return _change(lambda cart: carts.remove(cart, request.form.get("variant_id")))
