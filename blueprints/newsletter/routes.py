"""The newsletter: the footer's sign-up form (every storefront page, cached ones included: the
form carries the page's CSRF token hole, the anonymous token for visitors without a cookie),
the page the confirmation email links to, and the page the two-yearly reminder's "keep" link
opens.

Whatever the address, the sign-up answers the same: "check your inbox". A new address gets the
confirmation email, an address already subscribed an email saying so, so the page never tells
a stranger whether an address is on the list. The confirmation link's GET only shows a button
(mail scanners open links); its POST confirms.
"""
from flask import current_app, request, url_for
from flask_babel import get_locale

from domain import accounts, consent
from domain.errors import InvalidConsentLink
from domain.extensions import limiter

from ..htmx import render, see_other, wants_fragment
from ..templating import now
from . import bp
from .forms import ConfirmForm, SignupForm

# Per visitor (address of the request) and per email address typed: nobody can flood an
# inbox from many places, nor sign up a list of addresses from one. Counted in the shop's
# database (domain/ratelimit.py), so every worker process adds to the same counts.
VISITOR_LIMIT = "10 per hour"
EMAIL_LIMIT = "3 per hour"
LIMIT_MESSAGE = "Too many sign-ups. Please wait a while and try again."
PAGE = "newsletter/signup.html"


def _email_key():
    return "newsletter-email:" + accounts.normalize_email(
        request.form.get("newsletter_email", ""))


def _secret():
    return current_app.config["SECRET_KEY"]


@bp.route("/subscribe", methods=["GET", "POST"])
@limiter.limit(VISITOR_LIMIT, methods=["POST"], error_message=LIMIT_MESSAGE)
@limiter.limit(EMAIL_LIMIT, methods=["POST"], key_func=_email_key, error_message=LIMIT_MESSAGE)
def subscribe():
    form = SignupForm()
    if form.validate_on_submit():
        consent.request(now(), "newsletter_form", str(get_locale()),
                        email=form.newsletter_email.data)
        if wants_fragment():
            return render(PAGE, block="signup", signup_form=form, signup_sent=True)
        return see_other(url_for(".sent"))
    status = 422 if request.method == "POST" else 200
    return render(PAGE, block="signup", signup_form=form, status=status)


@bp.get("/sent")
def sent():
    return render("newsletter/sent.html")


def _invalid(error):
    return render("newsletter/confirm.html", problem=str(error), status=400)


@bp.route("/confirm/<token>", methods=["GET", "POST"])
def confirm(token):
    """The confirmation email's link: a page with one button, whose POST confirms."""
    form = ConfirmForm()
    try:
        record = consent.for_confirm_token(token, _secret(), now())
        if request.method == "POST":
            if not form.validate_on_submit():
                return render("newsletter/confirm.html", form=form, token=token,
                              record=record, problem_form=True, status=400)
            consent.confirm(token, _secret(), now())
            return see_other(url_for(".confirm", token=token))
    except InvalidConsentLink as error:
        return _invalid(error)
    return render("newsletter/confirm.html", form=form, token=token, record=record)


@bp.get("/keep")
def keep():
    """The reminder's "keep" link: staying subscribed needs nothing, so it changes nothing."""
    return render("newsletter/keep.html")
