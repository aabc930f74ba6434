"""Sign in, register, sign out. Signing in moves the guest cart into the account's cart."""
from flask import flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from domain import accounts
from domain import cart as carts
from domain.errors import ShopError
from domain.extensions import db, limiter

from ..common import safe_next
from ..htmx import render
from . import bp
from .forms import EmptyForm, LoginForm, RegisterForm


def _sign_in(user):
    guest = carts.GuestCart(session.get("cart", {}))
    notices = carts.merge(guest, carts.CustomerCart(user.id))
    session.pop("cart", None)
    login_user(user)
    for notice in notices:
        flash(notice, "warning")


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
            _sign_in(user)
            db.session.commit()
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
            db.session.rollback()
            form.email.errors.append(str(error))
        else:
            _sign_in(user)
            db.session.commit()
            flash(_("Welcome! Your account is ready."), "success")
            return redirect(safe_next(form.next.data, url_for("products.home")), code=303)
    status = 422 if request.method == "POST" else 200
    return render("account/register.html", block="form", form=form, status=status)


@bp.post("/logout")
@login_required
def logout():
    if EmptyForm().validate_on_submit():
        logout_user()
        session.pop("cart", None)
    return redirect(url_for("products.home"), code=303)


@bp.get("/")
@login_required
def overview():
    return render("account/overview.html", form=EmptyForm(), user=current_user)
