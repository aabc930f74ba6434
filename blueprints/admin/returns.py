"""Back office: the returns queue, one return with its next step, and the products that come
back most. Every change goes through domain.returns (approve, reject, receive, complete),
which checks the transition, writes the return's event and queues the customer's email."""
from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _

from domain import payments, refund_accounts, returns
from domain.errors import ShopError
from domain.models import RETURN_STATUSES

from ..common import shop
from ..htmx import render
from ..returns.context import photo_urls
from ..templating import now, return_status_label
from . import bp
from .context import customer_url
from .forms import EmptyForm
from .orders import merchant_actor
from .return_forms import CompleteForm, ReceiveForm, RejectForm


def _return(number):
    ret = returns.by_number(number)
    if ret is None:
        abort(404)
    return ret


@bp.get("/returns", endpoint="returns")
def return_queue():
    status = request.args.get("status", "")
    status = status if status in RETURN_STATUSES else ""
    overdue = request.args.get("overdue") == "1"
    faults_only = request.args.get("fault") == "1"
    moment = now()
    rows = returns.queue(status=status or None, overdue=overdue, now=moment, fault=faults_only)
    return render("admin/returns.html", block="queue", rows=rows, status_filter=status,
                  overdue=overdue, faults_only=faults_only, fault_reasons=returns.FAULT_REASONS,
                  reasons=returns.REASONS, statuses=RETURN_STATUSES,
                  clocks={r.id: returns.refund_clock(r, moment, shop().timezone) for r in rows},
                  action_label=returns.action_label)


def _return_page(ret, error=None, status=200, reject_form=None, complete_form=None):
    provider = payments.PROVIDERS.get(ret.order.payment_method)
    response = render(
        "admin/return.html", ret=ret, order=ret.order, error=error, status=status,
        customer_url=customer_url(ret.order),
        refund_account=refund_accounts.stored(ret=ret), account_needed=returns.needs_account(ret),
        timeline=returns.timeline(ret), split=returns.refund_due(ret),
        clock=returns.refund_clock(ret, now(), shop().timezone),
        manual_refund=provider is None or provider.manual_refunds,
        provider=provider, failure=returns.last_failure(ret), reasons=returns.REASONS,
        fault=returns.is_fault(ret.reason), photos=photo_urls(ret),
        action_label=returns.action_label, seen=returns.seen_stamp(ret),
        form=EmptyForm(formdata=None), receive_form=ReceiveForm(formdata=None),
        reject_form=reject_form or RejectForm(formdata=None),
        complete_form=complete_form or CompleteForm(formdata=None))
    # The refund step shows the customer's full account number: keep it out of every cache.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/returns/<number>", endpoint="return_detail")
def return_detail(number):
    return _return_page(_return(number))


def _change(number, step, **forms):
    """Run one domain step on the return; 422 with the message and nothing changed if it is
    refused, else commit and go back to the return's page."""
    ret = _return(number)
    try:
        returns.ensure_unchanged(ret, request.form.get("seen", ""))
        step(ret)
    except ShopError as error:
        return _return_page(_return(number), error=str(error), status=422, **forms)
    # A refused refund is kept (as refund_failed, to retry), but it is not good news.
    flash(_("Return %(number)s is now “%(status)s”.", number=ret.number,
            status=return_status_label(ret.status)),
          "error" if ret.status == "refund_failed" else "success")
    return redirect(url_for(".return_detail", number=ret.number), code=303)


def _invalid(number, **forms):
    return _return_page(_return(number), status=422,
                        error=_("Nothing was changed: please correct the fields marked below."),
                        **forms)


@bp.post("/returns/<number>/approve")
def return_approve(number):
    if not EmptyForm().validate_on_submit():
        return _invalid(number)
    return _change(number, lambda ret: returns.approve(ret, merchant_actor(), now()))


@bp.post("/returns/<number>/reject")
def return_reject(number):
    form = RejectForm()
    if not form.validate_on_submit():
        return _invalid(number, reject_form=form)
    return _change(number, lambda ret: returns.reject(ret, merchant_actor(), now(),
                                                      form.reason.data.strip()),
                   reject_form=form)


@bp.post("/returns/<number>/receive")
def return_receive(number):
    form = ReceiveForm()
    if not form.validate_on_submit():
        return _invalid(number)
    return _change(number, lambda ret: returns.receive(ret, merchant_actor(), now(),
                                                       form.restock(ret.lines, request.form)))


@bp.post("/returns/<number>/complete")
def return_complete(number):
    form = CompleteForm()
    if not form.validate_on_submit():
        return _invalid(number, complete_form=form)
    return _change(number, lambda ret: returns.complete(ret, merchant_actor(), now(),
                                                        reference=form.value(),
                                                        as_credit=form.as_credit.data == "1"),
                   complete_form=form)


@bp.get("/returns/insights")
def return_insights():
    return render("admin/return_insights.html", rows=returns.disappointing_products(now=now()),
                  recent_days=returns.insights.RECENT_DAYS)
