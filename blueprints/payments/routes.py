"""Card payments on the provider's page: the way back from it, "Pay now" and another method for
an order still awaiting payment, Toss's payment window, and the providers' webhooks.

The webhooks are CSRF-exempt: they come from the providers' servers, with no session or form,
and the adapters verify them (Stripe's signature; Toss's payment read back with the secret
key). One that fails verification changes nothing and gets a 400; the providers retry.
"""
from flask import current_app, flash, make_response, request, url_for
from flask_babel import gettext as _

from domain import card_payments, payments
from domain.errors import PaymentDeclined, ProviderUnavailable, ShopError, WebhookRejected
from domain.extensions import limiter

from ..common import shop
from ..csrf import csrf
from ..htmx import render, see_other
from ..orders.access import tracking_url_args, viewable_order
from ..templating import now
from . import bp
from .context import return_urls, send_to_provider

# What Toss's SDK v2 needs on the page that opens its window (docs.tosspayments.com/sdk/v2/js
# and its CSP note): its script from js.tosspayments.com, its window in frames and its API
# calls under tosspayments.com. Only this page gets them.
TOSS_CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; "
            "script-src 'self' https://js.tosspayments.com; "
            "connect-src 'self' https://*.tosspayments.com; frame-src https://*.tosspayments.com; "
            "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")


def _order_page(order):
    return see_other(url_for("orders.track_order", **tracking_url_args(order)))


@bp.get("/<number>/return")
def card_return(number):
    """Back from the provider's page after paying: confirmed with the provider, never taken
    from the address."""
    order = viewable_order(number)
    try:
        outcome = card_payments.complete(order, request.args.get("attempt", type=int),
                                         request.args.to_dict(), now())
    except (ProviderUnavailable, PaymentDeclined, ShopError) as error:
        flash(str(error), "warning")
    else:
        if outcome in ("paid", "duplicate"):
            flash(_("Thank you: your card payment was received."), "success")
        elif outcome == "late":
            flash(_("This order was no longer waiting for a payment, so your card payment was "
                    "refunded in full."), "warning")
        else:
            flash(_("Your card payment has not gone through. Nothing was charged: you can pay "
                    "now or choose another payment method."), "warning")
    return _order_page(order)


@bp.get("/<number>/cancelled")
def card_cancelled(number):
    """The shopper closed the provider's page, or the payment failed there."""
    order = viewable_order(number)
    if order.status == card_payments.AWAITING:
        flash(_("The card payment was not completed, so nothing was charged. Your order is "
                "waiting: pay now, or choose another payment method."), "warning")
    return _order_page(order)


@bp.post("/<number>/pay")
def pay_now(number):
    """A new attempt to pay on the provider's page (with a new idempotency key)."""
    order = viewable_order(number)
    if order.status != card_payments.AWAITING:
        flash(_("This order is not waiting for a card payment."), "warning")
        return _order_page(order)
    return send_to_provider(order)


@bp.post("/<number>/method")
def switch_method(number):
    """Pay an order still awaiting its card payment by bank transfer or cash on delivery."""
    order = viewable_order(number)
    try:
        card_payments.switch_method(order, request.form.get("payment_method", ""), shop(),
                                    now())
    except ShopError as error:
        flash(str(error), "warning")
        return _order_page(order)
    flash(_("Your order will be paid by %(method)s.",
            method=payments.PROVIDERS[order.payment_method].label), "success")
    return _order_page(order)


@bp.get("/<number>/toss")
def toss_window(number):
    """The page that opens Toss's payment window with its SDK (it needs JavaScript; without it
    the page says so and offers the other methods on the order page)."""
    order = viewable_order(number)
    attempt = request.args.get("attempt", type=int)
    if order.status != card_payments.AWAITING or order.payment_method != "toss" \
            or attempt != order.card_attempt:
        return _order_page(order)
    try:
        sdk = card_payments.sdk_values(order, attempt, *return_urls(order))
    except ShopError as error:
        flash(str(error), "warning")
        return _order_page(order)
    response = make_response(render("payments/toss.html", order=order, sdk=sdk,
                                    link_args=tracking_url_args(order)))
    response.headers["Content-Security-Policy"] = TOSS_CSP
    return response


@bp.post("/webhooks/<provider>")
@csrf.exempt
@limiter.exempt
def webhook(provider):
    try:
        outcome = card_payments.webhook(provider, request.get_data(), dict(request.headers),
                                        now())
    except ProviderUnavailable:
        current_app.logger.warning("%s webhook: the provider could not be asked; it will send "
                                   "it again", provider)
        return current_app.response_class("unavailable\n", status=503, mimetype="text/plain")
    except (WebhookRejected, ShopError) as error:
        current_app.logger.warning("%s webhook rejected from %s: %s", provider,
                                   request.remote_addr, type(error).__name__)
        return current_app.response_class("rejected\n", status=400, mimetype="text/plain")
    current_app.logger.info("%s webhook: %s", provider, outcome)
    return current_app.response_class("ok\n", mimetype="text/plain")
