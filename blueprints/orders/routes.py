"""Order tracking for customers and guests: the tracking page and the lookup form."""
from flask import redirect, request, url_for
from flask_babel import gettext as _

from domain import orders, returns, tracking
from domain.extensions import limiter

from ..checkout.context import undo_address_form
from ..common import shop
from ..htmx import render
from ..returns.context import order_returns
from ..templating import now
from . import bp
from .access import tracking_url_args, viewable_order
from .forms import LookupForm


@bp.get("/<number>")
def track_order(number):
    """The order's progress; htmx polls just the timeline block while it is on its way."""
    order = viewable_order(number)
    link_args = tracking_url_args(order)
    view = tracking.tracking(order, shop(), now())
    return render("orders/track.html", block="timeline", order=order, view=view,
                  link_args=link_args, tracking_token=link_args.get("t", ""),
                  just_placed=request.args.get("placed") == "1",
                  page_only=lambda: {"returns_view": order_returns(order, now(), shop()),
                                "refunded": returns.refunded(order),
                                "undo_form": undo_address_form(order) if view.can_undo else None})


@bp.route("/track", methods=["GET", "POST"])
@limiter.limit("10 per minute; 30 per hour", methods=["POST"])
def lookup():
    """Find an order by its number and email; the same answer for a wrong one of either."""
    form = LookupForm()
    error = None
    if form.validate_on_submit():
        order = tracking.lookup(form.number.data, form.email.data)
        if order is not None:
            return redirect(url_for(".track_order", number=order.number,
                                    t=orders.tracking_token(order)), code=303)
        error = _("We could not find an order with that number and email.")
    elif request.method == "POST":
        error = _("We could not find an order with that number and email.")
    status = 422 if request.method == "POST" else 200
    return render("orders/lookup.html", block="form", form=form, error=error, status=status)
