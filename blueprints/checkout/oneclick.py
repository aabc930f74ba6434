"""The one-click "Buy now" button's POST, for signed-in customers (domain.oneclick decides
what the button offers and whether a press may place the order)."""
from flask import request
from flask_babel import get_locale, gettext as _
from flask_login import current_user, login_required

from domain import cart as carts
from domain import oneclick
from domain.errors import ShopError

from ..cart.context import cart_context
from ..common import campaign_visit, current_cart, shop, valid_token
from ..loyalty import pricing_context as loyalty
from ..htmx import render, see_other
from ..products.context import product_context
from ..templating import now
from . import bp
from .context import tracking_url
from .forms import BuyNowForm


@bp.post("/checkout/buy-now")
@login_required
def buy_now():
    """Place the one-click order at once, then show it (its page offers the undo)."""
    form = BuyNowForm()
    form.validate()
    from_product = form.source.data == "product"
    cart = _cart(form, from_product)
    config = shop()
    lines = carts.lines(cart, config.currency)
    if form.errors or not valid_token(form.checkout_token.data):
        return _again(from_product, form, _offer(from_product, lines, config),
                      _("This button had expired. Please check the total and press it again."))
    try:
        order, _created = oneclick.buy(config, current_user, cart, lines,
                                       form.checkout_token.data, form.expected_total.data, now(),
                                       str(get_locale()), single_item=from_product,
                                       # From the cart: its codes and points, as it shows them.
                                       codes=() if from_product else loyalty.applied_codes(),
                                       use_points=not from_product and loyalty.points_ticked(),
                                       campaign=campaign_visit())
    except oneclick.TotalChanged as error:
        return _again(from_product, form, error.offer, str(error))
    except ShopError as error:
        return _again(from_product, form, _offer(from_product, lines, config), str(error))
    # From a product page the cart's codes were not used: they stay for the cart.
    loyalty.forget_after_order(codes=not from_product)
    return see_other(tracking_url(order, placed=1))


def _offer(from_product, lines, config):
    if from_product:
        return oneclick.offer(current_user, lines, config)
    return oneclick.offer(current_user, lines, config, codes=loyalty.applied_codes(),
                          use_points=loyalty.points_ticked(), now=now())


def _cart(form, from_product):
    """From a product page: only that variant and quantity, in a cart of its own, so the rest
    of the customer's cart stays for later. From the cart page: the whole cart."""
    if not from_product:
        return carts.CustomerCart(current_user.id)
    if form.errors or form.variant_id.data is None:
        return carts.GuestCart({})
    return carts.GuestCart({str(form.variant_id.data): form.quantity.data or 1})


def _again(from_product, form, offer, problem):
    """The page the button was on, with the problem said and a fresh button to press."""
    if from_product:
        context = product_context(request.form.get("product", ""), form.variant_id.data)
        if offer is not None and context.get("one_click") is not None:
            context["one_click"] = offer
        return render("products/product.html", block="buybox", status=422, error=problem,
                      quantity=None if form.quantity.errors else form.quantity.data, **context)
    return render("cart/cart.html", block="cart_body", status=422,
                  **cart_context(current_cart(), error=problem))
