"""Unsubscribing from marketing email, without signing in: the signed link in each marketing
email opens a page with one button, and mail programs may POST to the same link (RFC 8058
one-click, `List-Unsubscribe-Post`), which unsubscribes without a page.

A GET never unsubscribes, since mail scanners open links to inspect them. The one-click POST
comes from the mail program's servers with no session or form, so it cannot carry a CSRF token:
the signed token in the URL is what authorises it, and the body must be exactly RFC 8058's. The
page's own button sends a CSRF token like every other form.
"""
from flask import current_app, redirect, request, url_for

from domain import consent
from domain.ids import parse_id
from domain.newsletter import campaigns
from domain.errors import InvalidConsentLink

from ..csrf import csrf
from ..htmx import render
from ..templating import now
from . import bp
from .forms import UnsubscribeForm

ONE_CLICK = ("List-Unsubscribe", "One-Click")


def _secret():
    return current_app.config["SECRET_KEY"]


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(token):
    try:
        _purpose, email = consent.for_unsubscribe_token(token, _secret())
    except InvalidConsentLink as error:
        return render("privacy/unsubscribe.html", problem=str(error), status=400)
    if request.method == "POST":
        if request.form.get(ONE_CLICK[0]) == ONE_CLICK[1]:
            consent.unsubscribe(token, _secret(), now(), "one_click")
            _through_campaign(email)
            return current_app.response_class("Unsubscribed.\n", mimetype="text/plain")
        csrf.protect()
        consent.unsubscribe(token, _secret(), now(), "unsubscribe_link")
        _through_campaign(email)
        return redirect(url_for(".unsubscribe", token=token, done=1), code=303)
    return render("privacy/unsubscribe.html", email=email, form=UnsubscribeForm(),
                  subscribed=consent.may_market(email), done=request.args.get("done") == "1")


def _through_campaign(email):
    """A campaign's email names its campaign in the link (?c=): its report counts who left."""
    campaigns.record_unsubscribe(parse_id(request.args.get("c")), email, now())
