"""Order tracking for customers and guests: the tracking page and the lookup form."""
from flask import flash, redirect, request, url_for
from flask_babel import gettext as _

from domain import order_refunds, orders, refund_accounts, returns, tracking
from domain.errors import InvalidRefundAccount, ShopError
from domain.loyalty import codes

from ..checkout.context import undo_address_form
from ..loyalty.context import claim_url
from ..common import shop
from ..htmx import render, see_other
from ..products import goes_well
from ..returns.context import order_returns
from ..returns.forms import RefundAccountForm
from ..reviews.context import review_link
from ..templating import now
from . import bp
from .limits import order_lookups
from .access import tracking_url_args, viewable_order
from .forms import LookupForm


@bp.get("/<number>")
def track_order(number):
    """The order's progress; htmx polls just the timeline block while it is on its way."""
    return _track_page(viewable_order(number))


@bp.post("/<number>/refund-account")
def refund_account(number):
    """Give (or give again) the bank account the refund of a cancelled order goes to."""
    order = viewable_order(number)
    form = RefundAccountForm()
    if not form.validate_on_submit():
        return _track_page(order, status=422, account_form=form,
                           account_problem=_("This form had expired. Please send it again."))
    try:
        order_refunds.give_account(order, form.account_values())
    except InvalidRefundAccount as error:
        form.add_account_errors(error.fields)
        return _track_page(order, status=422, account_form=form, account_problem=str(error))
    except ShopError as error:
        return _track_page(order, status=422, account_form=form, account_problem=str(error))
    flash(_("Thank you. We will transfer your refund to this account."), "success")
    return see_other(url_for(".track_order", **tracking_url_args(order)))


def _track_page(order, status=200, account_form=None, account_problem=None):
    link_args = tracking_url_args(order)
    view = tracking.tracking(order, shop(), now())

    def whole_page():
        waiting = order_refunds.waiting(order)
        return {"returns_view": order_returns(order, now(), shop()),
                "refunded": returns.refunded(order),
                "undo_form": undo_address_form(order) if view.can_undo else None,
                "cancel_refund": order_refunds.due_on_cancel(order) if view.can_undo else 0,
                "cancel_form": RefundAccountForm(formdata=None),
                # A cancelled order's refund the merchant still has to transfer.
                "refund_waiting": waiting,
                "refund_account": refund_accounts.stored(order=order) if waiting else None,
                "account_form": account_form or RefundAccountForm(formdata=None),
                "account_problem": account_problem,
                "review_url": review_link(order),
                # The order's thank-you code, while its buyer can still use it.
                "thank_you_offer": codes.thank_you_offer(order, now(), shop().zone),
                # A guest's first order invites them to make an account (a signed link).
                "claim_url": claim_url(order) if just_placed else None,
                # The order confirmation suggests what goes with what was just bought.
                "goes_well": goes_well.for_order(order) if just_placed else None}

    just_placed = request.args.get("placed") == "1"
    return render("orders/track.html", block="timeline", status=status, order=order, view=view,
                  link_args=link_args, tracking_token=link_args.get("t", ""),
                  just_placed=just_placed, page_only=whole_page)


@bp.route("/track", methods=["GET", "POST"])
@order_lookups
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
