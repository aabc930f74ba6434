"""The cart: add from a product page, change quantities, remove. Works as plain forms; with
htmx the changed region and the header badge are swapped in place."""
from flask import redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from domain import cart as carts
from domain import pricing
from domain.errors import ShopError
from domain.extensions import db

from ..checkout.oneclick import one_click_offer
from ..common import current_cart, shop
from ..htmx import render, wants_fragment
from ..products.routes import product_context
from . import bp


def cart_context(cart, **extra):
    config = shop()
    lines = carts.lines(cart, config.currency)
    return {"breakdown": pricing.breakdown(config, lines),
            "one_click": one_click_offer(current_user, lines) if lines else None, **extra}


@bp.get("/cart")
def view():
    cart = current_cart()
    context = cart_context(cart)
    db.session.commit()  # lines of products taken off sale were dropped from a customer's cart
    return render("cart/cart.html", block="cart_body", **context)


@bp.post("/cart/add")
def add():
    slug = request.form.get("product", "")
    variant_id = request.form.get("variant_id")
    try:
        variant = carts.add(current_cart(), variant_id, request.form.get("quantity", 1))
    except ShopError as error:
        db.session.rollback()
        return render("products/product.html", block="buybox", status=422, error=str(error),
                      **product_context(slug, variant_id))
    db.session.commit()
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
        db.session.rollback()
        return render("cart/cart.html", block="cart_body", oob=("_cart_badge.html",),
                      status=422, **cart_context(current_cart(), error=str(error)))
    db.session.commit()
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
