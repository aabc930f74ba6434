"""The customer's privacy page: download everything the shop holds about them, and delete the
account after typing the password again."""
from flask import flash, redirect, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from domain import privacy
from domain.errors import InvalidCredentials, ShopError
from domain.extensions import limiter

from ..common import json_attachment
from ..htmx import render
from ..templating import now
from . import bp
from .forms import DeleteAccountForm


def _show(form, status=200):
    user = current_user._get_current_object()
    return render("account/privacy.html", block="delete", form=form, status=status,
                  blockers=privacy.blockers(privacy.account_subject(user)),
                  credit_balance=user.credit_balance, is_merchant=user.is_merchant)


@bp.get("/privacy")
@login_required
def privacy_page():
    return _show(DeleteAccountForm(formdata=None))


@bp.get("/privacy/download")
@login_required
def privacy_download():
    """Everything about the signed-in customer, and nobody else, as a JSON file."""
    moment = now()
    data = privacy.download(privacy.account_subject(current_user._get_current_object()), moment)
    return json_attachment(data, f"my-data-{moment.date().isoformat()}.json")


@bp.post("/privacy/delete")
@login_required
@limiter.limit("10 per hour", error_message="Too many attempts. Please wait and try again.")
def privacy_delete():
    form = DeleteAccountForm()
    if form.validate_on_submit():
        try:
            entry = privacy.delete_account(current_user._get_current_object(),
                                           form.password.data, now())
        except InvalidCredentials as error:
            form.password.errors.append(str(error))
        except ShopError as error:
            form.form_errors.append(str(error))
        else:
            # The erasure ended every session of the account; this browser forgets it too.
            logout_user()
            session.clear()
            flash(_("Your account and your personal data are deleted, and you are signed out "
                    "everywhere. Reference: %(reference)s.", reference=entry.reference),
                  "success")
            return redirect(url_for("products.home"), code=303)
    return _show(form, status=422)
