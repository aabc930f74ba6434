"""Referrals in the back office: the list with each one's status and reason, voiding a
pending one (the owner's), and the referral settings (the owner's)."""
from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from domain.errors import NotFound, ShopError
from domain.loyalty import referrals
from domain.loyalty import settings as loyalty_settings
from domain.models import LoyaltySettings

from ..common import number_locale, shop
from ..htmx import render
from ..templating import now
from . import bp
from .forms import add_domain_errors
from .referral_forms import ReferralSettingsForm, VoidForm


def _list(failed=None, status=200):
    """failed: (referral id, the VoidForm with its errors)."""
    chosen = request.args.get("status", "")
    rows = referrals.listing(chosen)
    forms = {ref.id: VoidForm(prefix=f"v{ref.id}", formdata=None)
             for ref in rows if ref.status == "pending"}
    if failed and failed[0] in forms:
        forms[failed[0]] = failed[1]
    return render("admin/referrals.html", status=status, rows=rows, forms=forms, chosen=chosen,
                  statuses=referrals.STATUS_LABELS, status_label=referrals.status_label,
                  reason_label=referrals.reason_label, mask=referrals.mask_email,
                  on=referrals.is_on())


@bp.get("/referrals")
def referrals_page():
    return _list()


@bp.post("/referrals/void/<id:referral_id>")
def referral_void(referral_id):
    form = VoidForm(prefix=f"v{referral_id}")
    if form.validate_on_submit():
        try:
            referrals.void(referral_id, form.reason.data, f"merchant:{current_user.email}",
                           now())
        except NotFound:
            raise
        except ShopError as error:
            for message in getattr(error, "errors", {"reason": str(error)}).values():
                form.reason.errors = list(form.reason.errors) + [message]
            return _list(failed=(referral_id, form), status=422)
        flash(_("The referral is voided: it earns nothing."), "success")
        return redirect(url_for(".referrals_page"), code=303)
    return _list(failed=(referral_id, form), status=422)


def _settings_page(form=None, status=200):
    row = loyalty_settings.peek() or LoyaltySettings(
        referrals_on=False, referral_welcome_kind="amount", referral_welcome_value=0,
        referral_reward_kind="points", referral_reward_amount=0, referral_monthly_cap=5)
    return render("admin/referral_settings.html", status=status,
                  form=form or ReferralSettingsForm.from_row(row, shop().currency))


@bp.get("/referrals/settings")
def referral_settings_page():
    return _settings_page()


@bp.post("/referrals/settings")
def referral_settings_save():
    form = ReferralSettingsForm()
    if form.validate_on_submit():
        try:
            referrals.save_settings(now=now(), locale=number_locale(), **form.values())
        except ShopError as error:
            return _settings_page(add_domain_errors(form, error), status=422)
        flash(_("Referral settings saved."), "success")
        return redirect(url_for(".referral_settings_page"), code=303)
    return _settings_page(form, status=422)
