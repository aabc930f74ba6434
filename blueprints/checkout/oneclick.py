"""One-click buying for signed-in customers: what the button offers, and the button's POST.

The offer uses the customer's default address, preferred payment method and preferred
shipping method (else the cheapest for the address's region), and the button states the total
it will charge. Store credit, if any, always pays first, and the button's note says how much.
A posted button whose total no longer matches (the quantity or a price changed since the page
was drawn) places nothing and shows the new total to confirm.
"""
from dataclasses import dataclass, field

from flask import request
from flask_babel import get_locale, gettext as _, ngettext
from flask_login import current_user, login_required

from domain import cart as carts
from domain import credit, orders, preferences, pricing
from domain.errors import CheckoutInvalid, ShopError
from domain.extensions import db
from domain.money import Money
from domain.orders import ADDRESS_FIELDS

from ..common import current_cart, format_money, new_token, shop, valid_token
from ..htmx import render, see_other
from . import bp
from .forms import BuyNowForm
from .routes import now, tracking_url


@dataclass(frozen=True)
class OneClickOffer:
    """What pressing 'Buy now' would do: where to, how paid, how shipped, and the total."""

    address: dict
    place: str
    shipping_method_id: int
    payment_method: str
    payment_label: str
    breakdown: pricing.Breakdown
    # The part of the total the customer's store credit pays (zero without credit).
    credit: Money
    token: str = field(default_factory=new_token)

    @property
    def total(self):
        return self.breakdown.total

    @property
    def to_pay(self):
        return self.total - self.credit

    def checkout(self, token, user):
        return orders.Checkout(
            checkout_token=token, email=user.email, address=dict(self.address),
            shipping_method_id=self.shipping_method_id, payment_method=self.payment_method,
            locale=str(get_locale()), user_id=user.id, use_credit=bool(self.credit))


def one_click_offer(user, lines):
    """The one-click offer for buying `lines` (pricing.Line), or None when the visitor is not a
    signed-in customer or one-click is not ready for them (domain.preferences.one_click decides:
    default address, a payment settled after checkout, a shipping method for the region)."""
    if not getattr(user, "is_authenticated", False) or user.is_merchant:
        return None
    config = shop()
    plan = preferences.one_click(user, config)
    if not plan.ready:
        return None
    address, method = plan.address, plan.shipping
    breakdown = pricing.breakdown(config, lines, shipping_method_id=method.id, region=address.region)
    paid_by_credit = credit.applied(user.credit_balance, breakdown.total)
    return OneClickOffer(
        address={name: getattr(address, name) or "" for name in ADDRESS_FIELDS},
        place=plan.address_label, shipping_method_id=method.id,
        payment_method=user.preferred_payment_method, payment_label=str(plan.payment),
        breakdown=breakdown, credit=paid_by_credit)


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
    offer = one_click_offer(current_user, lines)
    problem = _problem(form, from_product, lines, offer)
    if problem:
        return _again(from_product, form, offer, problem)
    try:
        order, _created = orders.place_order(config, cart, offer.checkout(form.checkout_token.data,
                                                                          current_user), now())
    except ShopError as error:
        db.session.rollback()
        return _again(from_product, form, one_click_offer(current_user, lines), _explain(error))
    return see_other(tracking_url(order, placed=1))


def _cart(form, from_product):
    """From a product page: only that variant and quantity, in a cart of its own, so the rest
    of the customer's cart stays for later. From the cart page: the whole cart."""
    if not from_product:
        return carts.CustomerCart(current_user.id)
    if form.errors or form.variant_id.data is None:
        return carts.GuestCart({})
    return carts.GuestCart({str(form.variant_id.data): form.quantity.data or 1})


def _problem(form, from_product, lines, offer):
    """Why the button cannot place an order as posted, or None."""
    if form.errors or not valid_token(form.checkout_token.data):
        return _("This button had expired. Please check the total and press it again.")
    if offer is None:
        return _("One-click buying needs a default address and a payment method paid after "
                 "checkout (bank transfer or cash on delivery) in your account settings.")
    if from_product and not lines:
        return _("That product is no longer available.")
    # An emptied cart is left to place_order: it is how a retried button finds its order.
    if lines and str(offer.total.amount) != (form.expected_total.data or ""):
        items = sum(line.quantity for line in lines)
        return _("The total is now %(total)s for %(items)s. Nothing was ordered yet: press "
                 "“Buy now” again to buy at this total.", total=format_money(offer.total),
                 items=ngettext("%(num)d item", "%(num)d items", items))
    return None


def _explain(error):
    if isinstance(error, CheckoutInvalid):
        if "cart" in error.fields:
            return error.fields["cart"]
        return _("One-click buying could not use your saved details: %(problems)s Please "
                 "update them in your account settings.", problems=" ".join(error.fields.values()))
    return str(error)


def _again(from_product, form, offer, problem):
    """The page the button was on, with the problem said and a fresh button to press."""
    if from_product:
        from ..products import routes as product_pages
        context = product_pages.product_context(request.form.get("product", ""),
                                                form.variant_id.data)
        if offer is not None and context.get("one_click") is not None:
            context["one_click"] = offer
        return render("products/product.html", block="buybox", status=422, error=problem,
                      quantity=None if form.quantity.errors else form.quantity.data, **context)
    from ..cart import routes as cart_pages
    return render("cart/cart.html", block="cart_body", status=422,
                  **cart_pages.cart_context(current_cart(), error=problem))
