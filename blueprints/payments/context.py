"""Starting a card payment on the provider's page, for checkout (just after placing the order)
and for the order page's "Pay now" button."""
from flask import flash, make_response, redirect, request, url_for
from flask_babel import gettext as _

from domain import card_payments
from domain.errors import ShopError

from ..htmx import see_other
from ..orders.access import tracking_url_args


def return_urls(order):
    """The shop's addresses the provider sends the shopper back to, for one attempt."""
    args = tracking_url_args(order)

    def success(attempt):
        return url_for("payments.card_return", attempt=attempt, _external=True, **args)

    def cancel(attempt):
        return url_for("payments.card_cancelled", attempt=attempt, _external=True, **args)
    return success, cancel


def send_to_provider(order):
    """A new attempt: a 303 to Stripe Checkout, or to the shop's page that opens Toss's
    window. If the provider cannot be asked, back to the order page (still awaiting payment)
    with what happened and the "Pay now" button."""
    args = tracking_url_args(order)
    try:
        start = card_payments.start(order, *return_urls(order))
    except ShopError as error:
        flash(str(error), "warning")
        return see_other(url_for("orders.track_order", **args))
    except ValueError:  # the adapter cannot take this order (Toss: won only)
        flash(_("This card provider cannot take this order's currency. Please choose another "
                "payment method."), "warning")
        return see_other(url_for("orders.track_order", **args))
    return _leave(start.redirect_url
                  or url_for("payments.toss_window", attempt=order.card_attempt, **args))


def _leave(url):
    """A whole-page navigation: htmx (a boosted form) is told to go there itself, since an
    XMLHttpRequest cannot follow a redirect to the provider, nor run the Toss page's scripts."""
    if request.headers.get("HX-Request"):
        response = make_response("", 204)
        response.headers["HX-Redirect"] = url
        return response
    return redirect(url, code=303)
