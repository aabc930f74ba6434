"""Password reset by emailed link: ask for a link, then set a new password through it."""

from flask import current_app, flash, redirect, request, url_for
from flask_babel import get_locale, gettext as _

from domain import accounts
from domain.errors import InvalidResetLink, ShopError
from domain.extensions import limiter

from ..htmx import render
from ..templating import now
from . import bp
from .forms import ResetRequestForm, ResetPasswordForm
from .context import sign_in

LIMIT = "5 per hour"
LIMIT_MESSAGE = "Too many reset requests. Please wait a while and try again."


def _secret():
    return current_app.config["SECRET_KEY"]


def _email_key():
    """Counts requests per email address too, so nobody can flood one inbox from many places."""
    return "reset-email:" + accounts.normalize_email(request.form.get("email", ""))


def _reset_url(token):
    """The link for the email. SHOP_URL (the shop's public address, which the mail worker's
    links use too), when set, fixes the host: the request's Host header is the visitor's to
    choose, and a forged one must not send a real reset link elsewhere."""
    path = url_for("account.reset_password", token=token)
    base = current_app.config.get("SHOP_URL")
    return base.rstrip("/") + path if base else url_for("account.reset_password", token=token,
                                                         _external=True)


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(LIMIT, methods=["POST"], error_message=LIMIT_MESSAGE)
@limiter.limit(LIMIT, methods=["POST"], key_func=_email_key, error_message=LIMIT_MESSAGE)
def reset_request():
    """The same answer whether or not the email has an account."""
    form = ResetRequestForm()
    if form.validate_on_submit():
        accounts.request_password_reset(form.email.data, _reset_url, _secret(), now=now(),
                                        locale=str(get_locale()))
        return redirect(url_for(".reset_sent"), code=303)
    status = 422 if request.method == "POST" else 200
    return render("account/reset_request.html", block="form", form=form, status=status)


@bp.get("/reset/sent")
def reset_sent():
    return render("account/reset_sent.html", minutes=accounts.RESET_MINUTES)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token):
    form = ResetPasswordForm()
    try:
        if form.validate_on_submit():
            user = accounts.reset_password(token, form.password.data, _secret(), now())
            sign_in(user)
            flash(_("Your password is changed, and you are signed in."), "success")
            target = url_for("admin.dashboard") if user.is_merchant else url_for(".overview")
            return redirect(target, code=303)
        accounts.user_for_reset_token(token, _secret(), now())
    except InvalidResetLink as error:
        return render("account/reset_invalid.html", message=str(error), status=400)
    except ShopError as error:
        form.password.errors.append(str(error))
    status = 422 if request.method == "POST" else 200
    return render("account/reset_password.html", block="form", form=form, token=token,
                  minutes=accounts.RESET_MINUTES, status=status)
