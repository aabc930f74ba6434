"""Accepting an invitation to the back office from its emailed link: a new account with a
name and password, or the existing account of that address after its password."""
from flask import current_app, flash, redirect, request, url_for
from flask_babel import gettext as _

from domain import accounts, staff
from domain.errors import InvalidInvitation, ShopError
from domain.extensions import limiter

from ..common import shop
from ..htmx import render
from ..templating import now
from . import bp
from .forms import InvitationForm
from .context import sign_in


@bp.route("/invitation/<token>", methods=["GET", "POST"], endpoint="staff_invitation")
@limiter.limit("10 per minute; 50 per hour", methods=["POST"],
               error_message="Too many attempts. Please wait a minute and try again.")
def staff_invitation(token):
    secret = current_app.config["SECRET_KEY"]
    try:
        invitation = staff.invitation_for(token, secret, now())
    except InvalidInvitation as error:
        return render("account/invitation_invalid.html", message=str(error), status=404)
    existing = staff.account_for(invitation) is not None
    form = InvitationForm()
    if form.validate_on_submit():
        try:
            user = staff.accept(token, secret, now(), form.password.data, name=form.name.data)
        except InvalidInvitation as error:
            return render("account/invitation_invalid.html", message=str(error), status=404)
        except ShopError as error:
            form.password.errors.append(str(error))
        else:
            sign_in(user)
            flash(_("Welcome to the back office of %(shop)s.", shop=shop().name), "success")
            return redirect(url_for("admin.dashboard"), code=303)
    status = 422 if request.method == "POST" else 200
    return render("account/invitation.html", block="form", form=form, token=token,
                  invitation=invitation, existing=existing, role_label=staff.role_label,
                  min_password=accounts.MIN_PASSWORD,
                  status=status)
