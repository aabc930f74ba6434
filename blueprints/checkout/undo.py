"""The customer's undo window: cancelling the order or changing its address, from the order's
page, until the window closes and the order is the merchant's to fulfil.

Whoever may see the order may act on it (blueprints.orders.access.viewable_order): its
signed-in owner, or a guest holding the tracking link's token, posted back as `t`.
"""
from flask import flash, redirect, request
from flask_babel import gettext as _

from domain import order_refunds, orders
from domain.errors import CheckoutInvalid, InvalidRefundAccount, ShopError

from ..common import shop
from ..htmx import render
from ..orders.access import link_token, viewable_order
from ..returns.forms import RefundAccountForm
from ..templating import format_order_money, now
from . import bp
from .context import current_address, tracking_url
from .forms import AddressChangeForm


@bp.post("/orders/<number>/cancel")
def cancel_order(number):
    """Cancel during the undo window. An order already paid by bank transfer sends the account
    its refund goes to with the button; a wrong or missing one comes back on its own page (422)
    with the order left as it was."""
    order = viewable_order(number)
    form = RefundAccountForm()
    if not form.validate_on_submit():
        flash(_("This form had expired. Please try again."), "error")
        return redirect(tracking_url(order), code=303)
    refund = order_refunds.due_on_cancel(order)
    try:
        orders.cancel_by_customer(order, now(), refund_account=form.account_values())
    except InvalidRefundAccount as error:
        form.add_account_errors(error.fields)
        field_errors = [(f.id, message) for f in form for message in f.errors]
        return render("checkout/cancel.html", status=422, order=order, form=form, refund=refund,
                      problem=str(error), field_errors=field_errors, tracking_token=link_token(),
                      back_url=tracking_url(order))
    except ShopError as error:
        flash(str(error), "error")
    else:
        flash(_("Your order is cancelled. We will transfer %(amount)s back to your bank account "
                "and email you when it is sent.", amount=format_order_money(refund, order.currency))
              if refund else
              _("Your order is cancelled. Nothing will be sent, and any payment is refunded."),
              "success")
    return redirect(tracking_url(order), code=303)


@bp.route("/orders/<number>/address", methods=["GET", "POST"])
def change_address(number):
    """The new address form (also inline on the order's page); errors come back here (422)."""
    order = viewable_order(number)
    form = AddressChangeForm(data=current_address(order))
    problem = None
    if request.method == "GET" and not orders.can_undo(order, now()):
        flash(_("This order can no longer be changed online. Please contact us."), "error")
        return redirect(tracking_url(order), code=303)
    if form.validate_on_submit():
        try:
            orders.change_address_by_customer(order, form.address(), now(), shop())
        except CheckoutInvalid as error:
            form.add_errors(error.fields)
            problem = " ".join([str(error)] + [m for f, m in error.fields.items() if f not in form])
        except ShopError as error:
            flash(str(error), "error")
            return redirect(tracking_url(order), code=303)
        else:
            flash(_("The delivery address is changed."), "success")
            return redirect(tracking_url(order), code=303)
    elif request.method == "POST":
        problem = _("Please check the fields marked below.")
    return render("checkout/change_address.html", status=422 if problem else 200, order=order,
                  form=form, problem=problem, tracking_token=link_token(),
                  back_url=tracking_url(order))
