"""The customer's undo window: cancelling the order or changing its address, from the order's
page, until the window closes and the order is the merchant's to fulfil.

Whoever may see the order may act on it (blueprints.orders.access.viewable_order): its
signed-in owner, or a guest holding the tracking link's token, posted back as `t`.
"""
from babel.dates import format_date, format_time
from flask import flash, redirect, request
from flask_babel import get_locale, gettext as _

from domain import orders
from domain.errors import CheckoutInvalid, ShopError
from domain.extensions import db

from ..common import shop
from ..htmx import render
from ..orders.access import link_token, viewable_order
from ..orders.timekeeping import shop_zone
from . import bp
from .forms import AddressChangeForm
from .routes import now, tracking_url


@bp.post("/orders/<number>/cancel")
def cancel_order(number):
    order = viewable_order(number)
    try:
        orders.cancel_by_customer(order, now())
    except ShopError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(_("Your order is cancelled. Nothing will be sent, and any payment is refunded."),
              "success")
    return redirect(tracking_url(order), code=303)


@bp.route("/orders/<number>/address", methods=["GET", "POST"])
def change_address(number):
    """The new address form (also inline on the order's page); errors come back here (422)."""
    order = viewable_order(number)
    form = AddressChangeForm(data=_current_address(order))
    problem = None
    if request.method == "GET" and not orders.can_undo(order, now()):
        flash(_("This order can no longer be changed online. Please contact us."), "error")
        return redirect(tracking_url(order), code=303)
    if form.validate_on_submit():
        try:
            orders.change_address_by_customer(order, form.address(), now(), shop())
        except CheckoutInvalid as error:
            db.session.rollback()
            form.add_errors(error.fields)
            problem = " ".join([str(error)] + [m for f, m in error.fields.items() if f not in form])
        except ShopError as error:
            db.session.rollback()
            flash(str(error), "error")
            return redirect(tracking_url(order), code=303)
        else:
            db.session.commit()
            flash(_("The delivery address is changed."), "success")
            return redirect(tracking_url(order), code=303)
    elif request.method == "POST":
        problem = _("Please check the fields marked below.")
    return render("checkout/change_address.html", status=422 if problem else 200, order=order,
                  form=form, problem=problem, tracking_token=link_token(),
                  back_url=tracking_url(order))


def _current_address(order):
    return {name: getattr(order, f"ship_{name}") for name in AddressChangeForm.ADDRESS_NAMES}


@bp.app_template_global("undo_address_form")
def undo_address_form(order):
    """The change-address form for the order's page, filled with where it goes now."""
    return AddressChangeForm(formdata=None, data=_current_address(order))


@bp.app_template_filter("undo_deadline")
def undo_deadline(value):
    """'14:32' in the shop's time zone, with the date too when it is not today there."""
    zone = shop_zone()
    local, today = value.astimezone(zone), now().astimezone(zone)
    locale = str(get_locale())
    time = format_time(local, "short", locale=locale)
    if local.date() == today.date():
        return time
    return f"{format_date(local, 'medium', locale=locale)} {time}"


@bp.app_template_global("undo_minutes_left")
def undo_minutes_left(order):
    """Whole minutes left in the order's undo window, rounded up (0 once closed)."""
    seconds = (order.undo_until - now()).total_seconds() if order.undo_until else 0
    return max(0, int(-(-seconds // 60)))
