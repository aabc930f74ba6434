"""Back office: newsletter campaigns (the owner's: backoffice.py lists no staff area for them).
The list; writing a campaign (per language, its audience, an exclusive code); its preview in
both languages, as the email will arrive; a test to the signed-in owner only; sending after a
confirmation, which freezes the recipient list; then its progress (an htmx poll that stops once
the campaign is sent, or a plain reload) and its report. The rules are in
domain/newsletter/."""
from flask import abort, flash, make_response, redirect, request, url_for
from flask_babel import force_locale, get_locale, gettext as _
from flask_login import current_user

from domain.errors import ShopError
from domain.extensions import db
from domain.loyalty import settings as loyalty_settings
from domain.models import Campaign, Coupon, OutboxMessage
from domain.newsletter import campaigns
from domain.shopconfig import LANGUAGES

from ..common import number_locale, shop
from ..htmx import render
from ..mail import render_parts
from ..templating import now
from . import bp
from .campaign_forms import CampaignForm
from .forms import EmptyForm, add_domain_errors


def _form(form):
    return form.set_tiers(loyalty_settings.tiers(), str(get_locale()))


def _save_args():
    config = shop()
    return {"main_language": config.main_language, "currency": config.currency,
            "locale": number_locale()}


@bp.get("/campaigns")
def campaigns_list():
    return render("admin/campaigns.html", results=campaigns.listing(request.args.get("page", 1)))


def _previews(campaign):
    """Each language's email as it will arrive: (language, subject, HTML body)."""
    found = []
    for lang in LANGUAGES:
        message = OutboxMessage(kind="campaign", to_address=current_user.email, locale=lang,
                                data={"campaign_id": campaign.id})
        with force_locale(lang):
            subject, _text, _html = render_parts(message)
            _subject, body_html, _md = campaigns.content(campaign, lang, shop().main_language)
        found.append((lang, subject, body_html))
    return found


def _page(campaign, form=None, status=200):
    """A draft: its form, preview, test and send buttons. Sent or sending: progress + report."""
    if campaign is not None and campaign.status != "draft":
        return render("admin/campaign.html", block="progress", campaign=campaign,
                      report=campaigns.report(campaign),
                      page_only=lambda: {"previews": _previews(campaign),
                                         "coupon": db.session.get(Coupon, campaign.coupon_id)
                                         if campaign.coupon_id else None})
    if form is None:
        data = campaigns.form_values(campaign) if campaign else None
        form = _form(CampaignForm(formdata=None, data=data))
    return render("admin/campaign_form.html", form=form, campaign=campaign,
                  previews=_previews(campaign) if campaign else [],
                  action_form=EmptyForm(formdata=None), status=status)


@bp.get("/campaigns/new")
def campaign_new():
    return _page(None)


@bp.post("/campaigns/new")
def campaign_create():
    return _save(None)


@bp.route("/campaigns/<id:campaign_id>", methods=["GET", "POST"])
def campaign(campaign_id):
    found = db.get_or_404(Campaign, campaign_id)
    if request.method == "POST":
        return _save(found)
    return _page(found)


def _save(found):
    form = _form(CampaignForm())
    if not form.validate_on_submit():
        return _page(found, form, status=422)
    try:
        saved = campaigns.save(found, form.values(), now=now(), by=current_user.email,
                               **_save_args())
    except campaigns.InvalidCampaign as error:
        return _page(found, add_domain_errors(form, error), status=422)
    except ShopError as error:
        flash(str(error), "error")
        return redirect(url_for(".campaign", campaign_id=found.id), code=303)
    flash(_("The campaign “%(name)s” is saved. Check its preview, send yourself a test, then "
            "send it.", name=saved.name), "success")
    return redirect(url_for(".campaign", campaign_id=saved.id), code=303)


@bp.get("/campaigns/<id:campaign_id>/email/<lang>")
def campaign_email(campaign_id, lang):
    """The HTML email exactly as a reader of `lang` will get it (addressed to you)."""
    found = db.get_or_404(Campaign, campaign_id)
    if lang not in LANGUAGES:
        abort(404)
    message = OutboxMessage(kind="campaign", to_address=current_user.email, locale=lang,
                            data={"campaign_id": found.id})
    with force_locale(lang):
        _subject, _text, html = render_parts(message)
    response = make_response(html)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/campaigns/<id:campaign_id>/test")
def campaign_test(campaign_id):
    found = db.get_or_404(Campaign, campaign_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    campaigns.send_test(found, current_user.email, str(get_locale()), now())
    flash(_("A test is on its way to %(email)s, and to nobody else.", email=current_user.email),
          "success")
    return redirect(url_for(".campaign", campaign_id=found.id), code=303)


@bp.route("/campaigns/<id:campaign_id>/send", methods=["GET", "POST"])
def campaign_send(campaign_id):
    """GET asks for confirmation with the number of people; POST sends."""
    found = db.get_or_404(Campaign, campaign_id)
    if request.method == "GET":
        if found.status != "draft":
            return redirect(url_for(".campaign", campaign_id=found.id), code=303)
        return render("admin/campaign_send.html", campaign=found,
                      audience_size=campaigns.audience_size(found, now()),
                      rate=shop().campaign_rate, form=EmptyForm(formdata=None))
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        total = campaigns.start(found, now())
    except ShopError as error:
        return render("admin/campaign_send.html", campaign=found, problem=str(error),
                      audience_size=campaigns.audience_size(found, now()),
                      rate=shop().campaign_rate, form=EmptyForm(formdata=None), status=422)
    flash(_("Sending to %(num)d people: the worker sends it in the background.", num=total),
          "success")
    return redirect(url_for(".campaign", campaign_id=found.id), code=303)
