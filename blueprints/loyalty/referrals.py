"""Referral links: /r/<code> remembers whose link a visitor came through, and the customer's
own referrals page with their link, what a friend gets and what they get."""
from flask import abort, flash, redirect, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from domain.loyalty import referrals
from domain.loyalty import settings as loyalty_settings
from domain.money import Money

from ..common import REFERRAL_KEY, shop
from ..htmx import render
from . import bp
from .forms import MakeLinkForm


@bp.get("/r/<code>")
def referral_link(code):
    """Keeps a live code in the session (nothing in the database) and goes to the home page;
    an unknown code, or any code while referrals are off, is simply ignored."""
    found = referrals.link_code(code)
    if found:
        session[REFERRAL_KEY] = found
    return redirect(url_for("products.home"), code=302)


def offer_words(row, currency):
    """What a friend gets and what the referrer gets, from the live settings."""
    if row.referral_welcome_kind == "percent":
        welcome = _("%(percent)s%% off their first order", percent=row.referral_welcome_value // 100)
    else:
        welcome = _("%(amount)s off their first order",
                    amount=Money(row.referral_welcome_value, currency).format())
    if row.referral_reward_kind == "credit":
        reward = _("%(amount)s in store credit", amount=Money(row.referral_reward_amount,
                                                                currency).format())
    else:
        reward = _("%(num)s points", num=f"{row.referral_reward_amount:,}")
    return welcome if referrals.welcome_on(row) else "", reward


@bp.get("/account/referrals")
@login_required
def account_referrals():
    row = loyalty_settings.peek()
    if not referrals.is_on(row):
        abort(404)
    config = shop()
    welcome, reward = offer_words(row, config.currency)
    code = current_user.referral_code
    rows = [{"date": ref.created_at, "email": referrals.mask_email(ref.referred_email),
             "status": ref.status, "status_label": referrals.status_label(ref.status),
             "reason": referrals.reason_label(ref.reason) if ref.status == "refused" else "",
             "vests_at": ref.vests_at}
            for ref in referrals.of_referrer(current_user.id)]
    return render("loyalty/referrals.html", form=MakeLinkForm(), welcome=welcome, reward=reward,
                  link=url_for(".referral_link", code=code, _external=True) if code else "",
                  referrals=rows, cap=row.referral_monthly_cap)


@bp.post("/account/referrals/link")
@login_required
def make_referral_link():
    if MakeLinkForm().validate_on_submit() and referrals.is_on():
        referrals.code_for(current_user._get_current_object())
        flash(_("Your link is ready to share."), "success")
    return redirect(url_for(".account_referrals"), code=303)
