"""The cart: add from a product page, change quantities, remove. Works as plain forms; with
htmx the changed region and the header badge are swapped in place."""
from flask import redirect, request, url_for
from flask_babel import get_locale, gettext as _

from domain import cart as carts
from domain.errors import CouponRefused, ShopError
from domain.loyalty import quote as loyalty_quote

from ..common import current_cart, shop
from ..loyalty import pricing_context as loyalty
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


@bp.post("/cart/coupon")
def coupon():
    """Apply a coupon code, remove one (`remove`), or tick or untick the points (`points`).
    A refused code changes nothing; its message shows beside the field (422)."""
    cart = current_cart()
    config = shop()
    typed = (request.form.get("coupon_code") or "").strip()[:40]
    error = None
    if request.form.get("points") in ("0", "1"):
        loyalty.save_points_choice(request.form["points"] == "1")
    elif request.form.get("remove"):
        loyalty.save_codes(loyalty_quote.remove_code(loyalty.applied_codes(),
                                                     request.form["remove"]))
    else:
        try:
            loyalty.save_codes(loyalty_quote.add_code(
                config, carts.lines(cart, config.currency), loyalty.applied_codes(), typed,
                **loyalty.choices(use_points=loyalty.points_ticked())))
        except CouponRefused as refused:
            error = str(refused)
    if error is None and not wants_fragment():
        return redirect(url_for("cart.view"), code=303)
    return render("cart/cart.html", block="cart_body", status=422 if error else 200,
                  **cart_context(cart, coupon_error=error, coupon_typed=typed))
