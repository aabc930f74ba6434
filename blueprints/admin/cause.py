"""Back office: the shop's cause (its name, link and share) and the donations made. Owner only."""
from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _

from domain import cause
from domain.errors import ShopError
from domain.extensions import db
from domain.models import CauseDonation
from domain.settings import money_from_text
from domain.shopconfig import LANGUAGES

from ..common import number_locale, shop
from ..htmx import render
from ..templating import now
from . import bp
from .brand_forms import CauseForm, DonationForm
from .forms import EmptyForm, add_domain_errors, typed_text

PAGE = "admin/cause.html"


def _page(form=None, donation_form=None, editing=None, status=200):
    config = shop()
    if donation_form is None:
        donation_form = DonationForm(formdata=None, obj=editing) if editing else \
            DonationForm(formdata=None, data={"donated_on": now().astimezone(config.zone).date()})
        if editing:
            from domain.money import to_input
            donation_form.amount.data = to_input(editing.amount, editing.currency, number_locale())
    return render(PAGE, form=form or CauseForm.from_config(config, number_locale()),
                  donation_form=donation_form, editing=editing,
                  totals=cause.totals(config.zone), empty_form=EmptyForm(formdata=None),
                  status=status)


@bp.get("/cause")
def cause_settings():
    editing = None
    if request.args.get("edit"):
        from domain.ids import parse_id
        editing = db.get_or_404(CauseDonation, parse_id(request.args["edit"]) or 0)
    return _page(editing=editing)


@bp.post("/cause")
def cause_save():
    form = CauseForm()
    if form.validate_on_submit():
        config = shop()
        try:
            percent = cause.parse_percent(form.percent.data)
        except ShopError as error:
            form.percent.errors = [str(error)]
            return _page(form=form, status=422)
        try:
            fixed = money_from_text(typed_text(form.fixed), config.currency, number_locale())
        except ShopError as error:
            form.fixed.errors = [str(error)]
            return _page(form=form, status=422)
        try:
            cause.save_settings(names={lang: form[f"name_{lang}"].data for lang in LANGUAGES},
                                url=form.url.data, percent=percent, fixed=fixed)
        except ShopError as error:
            return _page(form=add_domain_errors(form, error), status=422)
        flash(_("The cause was saved. Orders placed from now on give this share."), "success")
        return redirect(url_for(".cause_settings"), code=303)
    return _page(form=form, status=422)


def _save_donation(donation):
    form = DonationForm()
    if not form.validate_on_submit():
        return _page(donation_form=form, editing=donation, status=422)
    currency = donation.currency if donation else shop().currency
    try:
        amount = money_from_text(typed_text(form.amount), currency, number_locale())
        cause.save_donation(donation, donated_on=form.donated_on.data, amount=amount,
                            currency=currency, note=form.note.data, proof_url=form.proof_url.data,
                            today=now().astimezone(shop().zone).date())
    except ShopError as error:
        messages = getattr(error, "errors", None) or {"amount": str(error)}
        for name, message in messages.items():
            form[name].errors = list(form[name].errors) + [message]
        return _page(donation_form=form, editing=donation, status=422)
    flash(_("The donation was saved."), "success")
    return redirect(url_for(".cause_settings", _anchor="donations"), code=303)


@bp.post("/cause/donations")
def cause_donation_add():
    return _save_donation(None)


@bp.post("/cause/donations/<id:donation_id>")
def cause_donation_edit(donation_id):
    return _save_donation(db.get_or_404(CauseDonation, donation_id))


@bp.post("/cause/donations/<id:donation_id>/delete")
def cause_donation_delete(donation_id):
    donation = db.get_or_404(CauseDonation, donation_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    cause.delete_donation(donation)
    flash(_("The donation was deleted."), "success")
    return redirect(url_for(".cause_settings", _anchor="donations"), code=303)
