"""Back office: the order list, one order with its next steps, bulk packing and shipping, and
the packing slip. Every status change goes through domain.fulfilment, which calls set_status."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from domain import fulfilment, order_refunds, orders, payments, refund_accounts, returns
from domain.errors import GoodwillRefused, ShopError
from domain.models import ORDER_STATUSES
from domain.money import Money
from domain.returns import goodwill
from domain.settings import money_from_text

from ..htmx import render
from ..templating import now
from . import bp
from .context import customer_url
from .order_forms import BulkForm, GoodwillForm, RefundSentForm, StatusForm


def _order(number):
    order = orders.by_number(number)
    if order is None:
        abort(404)
    return order


def merchant_actor():
    """Who the order's and returns' events name for a change made in the back office."""
    return f"merchant:{current_user.email}"


def _filters(status, q):
    return (status if status in ORDER_STATUSES else ""), (q or "").strip()[:100]


def _list_url(status, q, page):
    """The order list as the merchant left it (url_for drops the empty arguments)."""
    status, q = _filters(status, q)
    page = int(page) if str(page or "").isdigit() and int(page) > 1 else None
    return url_for(".orders", status=status or None, q=q or None, page=page)


@bp.get("/orders", endpoint="orders")
def order_list():
    status, q = _filters(request.args.get("status", ""), request.args.get("q", ""))
    late = request.args.get("late") == "1"
    listing = fulfilment.order_list(status, q, request.args.get("page", 1), now=now(), late=late)
    bulk_form = BulkForm(formdata=None, data={"status": status, "q": q, "page": listing.page.page})
    return render("admin/orders.html", listing=listing, status_filter=status, q=q,
                  bulk_form=bulk_form, statuses=ORDER_STATUSES, status_label=orders.status_label,
                  late_filter=late)


@bp.post("/orders/bulk")
def orders_bulk():
    """Mark the ticked orders packed or shipped; report each one that was refused, and why."""
    form = BulkForm()
    back = _list_url(form.status.data, form.q.data, form.page.data)
    action = request.form.get("action", "")
    if not form.validate_on_submit() or action not in fulfilment.BULK_STATUSES:
        flash(_("Nothing was changed: please try again."), "error")
        return redirect(back, code=303)
    numbers, tracking_numbers = form.selection(request.form)
    if not numbers:
        flash(_("Tick the orders to change first."), "error")
        return redirect(back, code=303)
    outcomes = fulfilment.bulk_set_status(numbers, action, merchant_actor(), now(),
                                          carrier=form.carrier.data or "",
                                          tracking_numbers=tracking_numbers)
    _report(outcomes, action)
    return redirect(back, code=303)


def _report(outcomes, action):
    done = [o.number for o in outcomes if o.ok]
    if done:
        flash(_("Marked “%(status)s”: %(numbers)s.", status=orders.status_label(action),
                numbers=", ".join(done)), "success")
    refused = {}
    for outcome in outcomes:
        if not outcome.ok:
            refused.setdefault(outcome.message, []).append(outcome.number)
    for message, numbers in refused.items():
        flash(_("Not changed: %(numbers)s. %(reason)s", numbers=", ".join(numbers), reason=message),
              "error")


def _order_page(order, failed=None, error=None, status=200, refund_form=None, refund_error=None,
                goodwill_form=None, goodwill_error=None):
    """The order with its history and next steps; `failed` is the action form as it was sent,
    `refund_form` the cancelled order's refund sent by hand, `goodwill_form` "make it right"."""
    moment = now()
    waiting = order_refunds.waiting(order)
    provider = payments.PROVIDERS.get(order.payment_method)
    goodwill_form = goodwill_form or GoodwillForm(formdata=None)
    goodwill_form.seen.data = goodwill.seen_stamp(order)
    response = render(
        "admin/order.html", order=order, actions=fulfilment.actions(order, moment),
        customer_url=customer_url(order),
        can_undo=orders.can_undo(order, moment), failed=failed, error=error,
        status=status, form=StatusForm(formdata=None), status_label=orders.status_label,
        providers=payments.PROVIDERS, tracking_token=orders.tracking_token(order),
        refunded=returns.refunded(order), refund_waiting=waiting,
        refund_account=refund_accounts.stored(order=order) if waiting else None,
        refund_form=refund_form or RefundSentForm(formdata=None), refund_error=refund_error,
        goodwill_form=goodwill_form, goodwill_error=goodwill_error,
        goodwill_room=goodwill.room(order), manual_refund=provider is None or provider.manual_refunds)
    if waiting:
        # The refund step shows the customer's full account number: keep it out of every cache.
        response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/orders/<number>", endpoint="order")
def order_detail(number):
    return _order_page(_order(number))


@bp.post("/orders/<number>/status")
def order_status(number):
    order = _order(number)
    form = StatusForm()
    if not form.validate_on_submit():
        return _order_page(order, failed=form, status=422)
    values = form.values()
    try:
        fulfilment.apply(order, values["status"], merchant_actor(), now(), note=values["note"],
                         carrier=values["carrier"], tracking_number=values["tracking_number"])
    except ShopError as error:
        return _order_page(_order(number), failed=form, error=str(error), status=422)
    flash(_("Order %(number)s is now “%(status)s”.", number=order.number,
            status=orders.status_label(order.status)), "success")
    return redirect(url_for(".order", number=order.number), code=303)


@bp.post("/orders/<number>/refund-sent")
def order_refund_sent(number):
    """The merchant transferred a cancelled order's refund by hand: record its reference."""
    order = _order(number)
    form = RefundSentForm()
    if not form.validate_on_submit():
        return _order_page(order, status=422, refund_form=form,
                           refund_error=_("Nothing was changed: please correct the fields marked below."))
    try:
        order_refunds.record_sent(order, form.value(), merchant_actor(), now())
    except ShopError as error:
        return _order_page(_order(number), status=422, refund_form=form, refund_error=str(error))
    flash(_("The refund of order %(number)s is recorded as sent.", number=order.number), "success")
    return redirect(url_for(".order", number=order.number), code=303)


@bp.post("/orders/<number>/goodwill")
def order_goodwill(number):
    """Make it right: a goodwill refund or store credit outside a return, once per page."""
    order = _order(number)
    form = GoodwillForm()
    if not form.validate_on_submit():
        return _order_page(order, goodwill_form=form, status=422, goodwill_error=_(
            "Nothing was refunded: please correct the fields marked below."))
    values = form.values()
    try:
        amount = money_from_text(form.amount.data, order.currency, str(get_locale() or "en"))
        refused = goodwill.make_it_right(order, values["kind"], amount, values["reason"],
                                         merchant_actor(), now(), values["seen"],
                                         reference=values["reference"])
    except GoodwillRefused as error:
        form.add_errors(error.fields)
        return _order_page(_order(number), goodwill_form=form, status=422, goodwill_error=str(error))
    except ShopError as error:
        form.add_errors({"amount": str(error)})
        return _order_page(_order(number), goodwill_form=form, status=422, goodwill_error=str(error))
    if refused:
        # The failed attempt is kept in the payment operations: not an error page, bad news.
        flash(refused, "error")
    else:
        flash(_("%(amount)s given back to the customer, who was emailed.",
                amount=Money(amount, order.currency).format(str(get_locale() or "en"))), "success")
    return redirect(url_for(".order", number=order.number), code=303)


@bp.get("/orders/<number>/packing-slip")
def packing_slip(number):
    """A page to print on A4 and put in the parcel: what is in it and where it goes, no prices."""
    return render_template("admin/packing_slip.html", order=_order(number))
