"""Self-service returns for customers and guests: the return form of an order, and a return's
own page with its progress.

Who may ask and see is decided exactly as for the order's tracking page (viewable_order): the
signed-in owner, a merchant, or whoever holds the order's signed link (?t=..., carried through
the form as a hidden field). The estimate is recomputed by htmx when the choices change (a POST
marked "recalculate", which never touches the request token) and by the "Update estimate"
button without JavaScript. Asking is one call to domain.returns.request_return, idempotent
through the form's one-time request token.
"""
from flask import abort, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from domain import refund_accounts, returns, storage
from domain.errors import (InvalidRefundAccount, ReturnNotAllowed, ShopError,
                           StorageUnavailable)
from domain.returns import offer

from ..common import new_token, shop, valid_token
from ..htmx import render, see_other
from ..orders.access import link_token, tracking_url_args, viewable_order
from ..stored_files import send_stored
from ..templating import now
from . import bp
from .context import photo_urls, return_url
from .forms import (RefundAccountForm, ReturnForm, chosen_quantities, chosen_variants,
                    selections, sent_photos)
from .page import form_context

PAGE = "returns/request.html"
ACTIONS_PARTIAL = "returns/_actions.html"
ACCOUNT_PARTIAL = "returns/_refund_account.html"


@bp.get("/orders/<number>/return")
def request_form(number):
    """The return form, with the estimate for its first state."""
    order = viewable_order(number)
    form = ReturnForm(formdata=None, request_token=new_token())
    eligibility = returns.order_eligibility(order, now(), shop())
    return _page(order, form, offer.default_quantities(order, eligibility), {},
                 eligibility=eligibility)


@bp.post("/orders/<number>/return")
def create_return(number):
    """Ask for the return, or show the form again with what to fix (422). "recalculate" only
    redraws the estimate (and, for htmx, the actions the chosen lines allow)."""
    order = viewable_order(number)
    form = ReturnForm()
    quantities = chosen_quantities(request.form, order)
    variants = chosen_variants(request.form, order)
    if request.form.get("recalculate") == "form":
        # A new reason may open lines (a final-sale item that arrived damaged): the whole form.
        return _page(order, form, quantities, variants)
    if "recalculate" in request.form:
        return _page(order, form, quantities, variants, block="estimate",
                     oob=(ACTIONS_PARTIAL, ACCOUNT_PARTIAL))
    if not valid_token(form.request_token.data):
        form.request_token.data = new_token()
        return _page(order, form, quantities, variants, status=422,
                     problem=_("This form had expired. Please check it and send it again."))
    if not form.validate_on_submit():
        return _page(order, form, quantities, variants, status=422,
                     problem=_("Please check the fields marked below."))
    try:
        ret, _created = returns.request_return(
            order, selections(quantities, variants, form.action.data), form.action.data,
            form.reason.data, form.reason_text.data or "", form.method.data,
            form.request_token.data, now(), shop(), asker_id=asker_id(),
            refund_account=form.account_values(),
            photos=sent_photos(request.files, returns.photos.MAX_BYTES))
    except ReturnNotAllowed as error:
        rest = form.add_errors(error.fields)
        return _page(order, form, quantities, variants, status=422, problem=str(error), errors=rest)
    except StorageUnavailable as error:
        return _page(order, form, quantities, variants, status=422, problem=str(error))
    return see_other(return_url(ret.number, ret.order))


@bp.get("/returns/<number>")
def view_return(number):
    """A return's progress; htmx polls the timeline block while the return is open."""
    ret = _viewable_return(number)
    return _return_page(ret, ret.order)


@bp.post("/returns/<number>/refund-account")
def refund_account(number):
    """Give (or give again) the bank account a refund sent by hand goes to."""
    ret = _viewable_return(number)
    form = RefundAccountForm()
    if not form.validate_on_submit():
        return _return_page(ret, ret.order, status=422, account_form=form,
                            problem=_("This form had expired. Please send it again."))
    try:
        returns.give_account(ret, form.account_values())
    except InvalidRefundAccount as error:
        form.add_account_errors(error.fields)
        return _return_page(ret, ret.order, status=422, account_form=form, problem=str(error))
    except ShopError as error:
        return _return_page(ret, ret.order, status=422, account_form=form, problem=str(error))
    flash(_("Thank you. We will transfer your refund to this account."), "success")
    return see_other(return_url(ret.number, ret.order))


def _viewable_return(number):
    ret = returns.by_number(number)
    if ret is None:
        abort(404)
    # The same door as the order's page: the owner, a merchant, or the order's signed link.
    viewable_order(ret.order.number)
    return ret


def _return_page(ret, order, status=200, account_form=None, problem=None):
    def account_section():
        kept = refund_accounts.stored(ret=ret)
        needed = returns.needs_account(ret)
        return {"refund_account": kept, "account_needed": needed,
                "account_amount": returns.money_by_hand(ret.order, ret.refund_amount)
                if needed else 0,
                "account_form": account_form or RefundAccountForm(formdata=None),
                "account_problem": problem}

    return render("returns/return.html", block="timeline", status=status, ret=ret, order=order,
                  stages=returns.timeline(ret), status_label=returns.status_label(ret.status),
                  clock=returns.refund_clock(ret, now(), shop().timezone),
                  method=offer.method_of(ret), link_token=link_token(),
                  polling=ret.closed_at is None, reasons=returns.REASONS,
                  fault=returns.is_fault(ret.reason), photos=photo_urls(ret),
                  order_url=url_for("orders.track_order", **tracking_url_args(order)),
                  replacement_url=url_for("orders.track_order",
                                          **tracking_url_args(ret.exchange_order))
                  if ret.exchange_order else None,
                  page_only=account_section)


@bp.get("/returns/<number>/photos/<id:photo_id>.webp")
def return_photo(number, photo_id):
    """A photo sent with a return, behind the same door as the return's page: the order's
    owner, a merchant, or the order's signed link. Never cached by a shared cache."""
    ret = returns.by_number(number)
    if ret is None:
        abort(404)
    viewable_order(ret.order.number)
    photo = returns.photos.by_id(ret, photo_id)
    if photo is None:
        abort(404)
    return send_stored(storage.return_photos(), returns.photos.file_name(photo), 3600,
                       private=True, mimetype="image/webp")


def asker_id():
    """The signed-in account asking for a return (None for a guest with the order's link)."""
    return current_user.id if current_user.is_authenticated else None


def _page(order, form, quantities, variants, status=200, problem=None, block="form", oob=(),
          **extra):
    context = form_context(order, form, quantities, variants, now(), shop(), asker_id(), **extra)
    # A file input cannot be filled again: when the form comes back, say to choose them again.
    photos_dropped = status >= 400 and any(f.filename for f in request.files.getlist("photos"))
    return render(PAGE, block=block, oob=oob, status=status, problem=problem,
                  photos_dropped=photos_dropped,
                  link_token=link_token(),
                  order_url=url_for("orders.track_order", **tracking_url_args(order)),
                  **context)

