"""A guest's privacy requests: a link to download or delete the data of orders placed without an
account, emailed to the address they were placed with. The link is the key, and it expires."""
from flask import current_app, flash, redirect, request, url_for
from flask_babel import get_locale, gettext as _

from domain import accounts, privacy
from domain.errors import InvalidPrivacyLink, ShopError
from domain.extensions import limiter

from ..common import json_attachment
from ..htmx import render
from ..templating import now
from . import bp
from .forms import ConfirmErasureForm, LinkRequestForm

LIMIT = "5 per hour"
LIMIT_MESSAGE = "Too many requests. Please wait a while and try again."


def _secret():
    return current_app.config["SECRET_KEY"]


def _email_key():
    """Counts requests per address too, so nobody can flood one inbox from many places."""
    return "privacy-email:" + accounts.normalize_email(request.form.get("email", ""))


def _link_url(token):
    """The emailed link, on SHOP_URL when set: the request's Host header is the visitor's to
    choose, and a forged one must not send a real link elsewhere."""
    path = url_for("privacy.link", token=token)
    base = current_app.config.get("SHOP_URL")
    return base.rstrip("/") + path if base else url_for("privacy.link", token=token,
                                                         _external=True)


@bp.route("/request", methods=["GET", "POST"])
@limiter.limit(LIMIT, methods=["POST"], error_message=LIMIT_MESSAGE)
@limiter.limit(LIMIT, methods=["POST"], key_func=_email_key, error_message=LIMIT_MESSAGE)
def request_link():
    """The same answer whether or not the shop holds data for the address."""
    form = LinkRequestForm()
    if form.validate_on_submit():
        privacy.request_link(form.email.data, form.action.data, _link_url, _secret(), now(),
                             locale=str(get_locale()))
        return redirect(url_for(".link_sent"), code=303)
    status = 422 if request.method == "POST" else 200
    return render("privacy/request.html", block="form", form=form, status=status)


@bp.get("/request/sent")
def link_sent():
    return render("privacy/request_sent.html", hours=privacy.LINK_HOURS)


def _invalid(error):
    return render("privacy/link_invalid.html", message=str(error), status=400)


@bp.route("/link/<token>", methods=["GET", "POST"])
def link(token):
    """The emailed link: a download button, or what deleting means and a button to do it."""
    form = ConfirmErasureForm()
    try:
        subject, action = privacy.for_link(token, _secret(), now())
        if action == "erase" and form.validate_on_submit():
            entry = privacy.erase_guest(token, _secret(), now())
            flash(_("Your personal data is deleted. Reference: %(reference)s.",
                    reference=entry.reference), "success")
            return redirect(url_for("products.home"), code=303)
    except InvalidPrivacyLink as error:
        return _invalid(error)
    except ShopError as error:
        form.form_errors.append(str(error))
    status = 422 if request.method == "POST" else 200
    return render("privacy/link.html", block="erase", form=form, token=token, action=action,
                  email=subject.email, blockers=privacy.blockers(subject), status=status)


@bp.get("/link/<token>/download")
def link_download(token):
    moment = now()
    try:
        data = privacy.download_by_link(token, _secret(), moment)
    except InvalidPrivacyLink as error:
        return _invalid(error)
    return json_attachment(data, f"my-data-{moment.date().isoformat()}.json")
