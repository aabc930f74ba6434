"""The guest's account in one click, from the signed link after their first order: a password,
and their guest orders are theirs."""
from flask import current_app, flash, redirect, request, url_for
from flask_babel import get_locale, gettext as _
from flask_login import current_user

from domain.errors import ShopError
from domain.extensions import limiter
from domain.loyalty import claim

from ..account.context import sign_in
from ..htmx import render
from ..templating import now
from . import bp
from .forms import ClaimForm


@bp.route("/account/claim/<token>", methods=["GET", "POST"])
@limiter.limit("10 per minute; 50 per hour", methods=["POST"],
               error_message="Too many attempts. Please wait a minute and try again.")
def claim_account(token):
    secret = current_app.config["SECRET_KEY"]
    try:
        email, orders = claim.check(token, secret, now())
    except claim.AccountExists as error:
        return render("loyalty/claim_invalid.html", message=str(error), sign_in=True, status=409)
    except claim.InvalidClaimLink as error:
        return render("loyalty/claim_invalid.html", message=str(error), sign_in=False, status=400)
    form = ClaimForm()
    if form.validate_on_submit() and not current_user.is_authenticated:
        try:
            user, claimed = claim.claim(token, form.password.data, secret, now(),
                                        locale=str(get_locale()))
        except ShopError as error:
            form.password.errors.append(str(error))
        else:
            sign_in(user)
            flash(_("Your account is ready, with your %(num)d orders.", num=len(claimed))
                  if len(claimed) != 1 else _("Your account is ready, with your order."),
                  "success")
            return redirect(url_for("account.overview"), code=303)
    status = 422 if request.method == "POST" else 200
    return render("loyalty/claim.html", block="form", form=form, token=token, email=email,
                  orders=orders, signed_in=current_user.is_authenticated, status=status)
