"""Declining review requests without signing in: the signed link in each review request opens
a page with one button, and mail programs may POST to the same link (RFC 8058 one-click,
`List-Unsubscribe-Post`), which records the opt-out without a page.

A GET never records, since mail scanners open links to inspect them. The one-click POST comes
from the mail program's servers with no session or form, so it cannot carry a CSRF token: the
signed token in the URL is what authorises it, and the body must be exactly RFC 8058's. The
page's own button sends a CSRF token like every other form.
"""
from flask import current_app, redirect, request, url_for
from flask_wtf import FlaskForm

from domain.reviews import requests

from ..csrf import csrf
from ..htmx import render
from ..templating import now
from . import bp

ONE_CLICK = ("List-Unsubscribe", "One-Click")


class OptOutForm(FlaskForm):
    """The page's one button: the CSRF token only."""


def _secret():
    return current_app.config["SECRET_KEY"]


@bp.route("/reviews/no-requests/<token>", methods=["GET", "POST"])
@csrf.exempt
def opt_out(token):
    try:
        email = requests.email_for_opt_out(token, _secret())
    except requests.InvalidOptOutLink:
        return render("reviews/opt_out.html", invalid=True, status=400)
    if request.method == "POST":
        if request.form.get(ONE_CLICK[0]) == ONE_CLICK[1]:
            requests.opt_out(email, now(), "one_click")
            return current_app.response_class("Unsubscribed.\n", mimetype="text/plain")
        csrf.protect()
        requests.opt_out(email, now(), "link")
        return redirect(url_for(".opt_out", token=token, done=1), code=303)
    return render("reviews/opt_out.html", email=email, form=OptOutForm(),
                  declined=requests.opted_out(email), done=request.args.get("done") == "1")
