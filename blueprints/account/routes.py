"""Sign in, register, sign out, and the account overview with the order history and the
store credit. Signing in moves the guest cart into the account's cart."""
from urllib.parse import quote

from babel.dates import format_date
from flask import current_app, flash, redirect, request, session, url_for
from flask_babel import get_locale, gettext as _
from flask_login import current_user, login_required, logout_user

from domain import accounts, credit
from domain.errors import ShopError
from domain.extensions import limiter
from domain.money import Money
from domain.orders import status_label

from ..common import safe_next, shop
from ..htmx import render
from ..returns.context import customer_returns
from . import bp
from .context import sign_in
from .forms import EmptyForm, LoginForm, RegisterForm

# The overview shows the latest few; the balance already sums them all.
CREDIT_ENTRIES = 10


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per minute; 50 per hour", methods=["POST"],
               error_message="Too many sign-in attempts. Please wait a minute and try again.")
def login():
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(form.email.data, form.password.data)
        except ShopError as error:
            form.password.errors.append(str(error))
        else:
            sign_in(user)
            default = url_for("admin.dashboard") if user.is_merchant else url_for("products.home")
            return redirect(safe_next(form.next.data, default), code=303)
    status = 422 if request.method == "POST" else 200
    return render("account/login.html", block="form", form=form, status=status)


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def register():
    form = RegisterForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        try:
            user = accounts.register(form.email.data, form.password.data, form.name.data)
        except ShopError as error:
            form.email.errors.append(str(error))
        else:
            sign_in(user)
            flash(_("Welcome! Your account is ready."), "success")
            return redirect(safe_next(form.next.data, url_for("products.home")), code=303)
    status = 422 if request.method == "POST" else 200
    return render("account/register.html", block="form", form=form, status=status)


@bp.post("/logout")
@login_required
def logout():
    if EmptyForm().validate_on_submit():
        _sign_out()
    return redirect(url_for("products.home"), code=303)


@bp.post("/sign-out-everywhere")
@login_required
def sign_out_everywhere():
    """Ends every session of the account: other browsers and devices, and this one."""
    if not EmptyForm().validate_on_submit():
        return redirect(url_for(".overview"), code=303)
    _sign_out()
    flash(_("You are signed out on every device."), "success")
    return redirect(url_for(".login"), code=303)


def _sign_out():
    """Moving the session version on ends this session and any copy of its cookie (and so
    every other session of the account), not only this browser's."""
    accounts.end_sessions(current_user._get_current_object())
    logout_user()
    session.pop("cart", None)


@bp.get("/")
@login_required
def overview():
    history = accounts.order_history(current_user.id, request.args.get("page", 1))
    return render("account/overview.html", block="orders", form=EmptyForm(), user=current_user,
                  history=history, orders=[_order_row(order) for order in history.items],
                  page_only=lambda: {
                      "credit_balance": current_user.credit_balance,
                      "credit_entries": credit.history(current_user.id, limit=CREDIT_ENTRIES),
                      "my_returns": customer_returns(current_user.id)})


def _order_row(order):
    """What the order history shows of an order: its date in the shop's zone, its total in
    the currency it was paid in."""
    placed = order.placed_at.astimezone(shop().zone)
    return {
        "number": order.number,
        "url": _tracking_url(order.number),
        "date": format_date(placed, "medium", locale=str(get_locale())),
        "iso_date": placed.date().isoformat(),
        "status": order.status,
        "status_label": status_label(order.status),
        "total": Money(order.total, order.currency).format(str(get_locale())),
    }


def _tracking_url(number):
    if "orders.track_order" in current_app.view_functions:
        return url_for("orders.track_order", number=number)
    return "/orders/" + quote(number, safe="")
