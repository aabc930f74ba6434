"""Back office: the newsletter (/admin/newsletter, the owner's): subscribers and their growth,
the list with each consent's details (CSV too), and the quiet-hours and campaign-rate settings.
The rules are in domain/newsletter/subscribers.py."""
from flask import flash, redirect, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField

from domain.newsletter import subscribers
from domain.settings import InvalidSettings

from ..common import shop
from ..htmx import render
from ..templating import now
from . import bp
from .downloads import csv_download
from .forms import add_domain_errors

PAGE = "admin/newsletter.html"


class NewsletterSettingsForm(FlaskForm):
    quiet_hours = BooleanField(
        _l("Quiet hours: no marketing email between 21:00 and 08:00 (shop time)"),
        description=_l("Korean law asks for separate consent to advertise in those hours. "
                       "Emails queued then wait until 08:00. Order emails are never held."))
    campaign_rate = StringField(_l("Campaign emails a second"),
                                description=_l("From 1 to 1000. Campaigns are sent at most "
                                               "this fast."))


def _whole(text):
    cleaned = (text or "").strip()
    return int(cleaned) if cleaned.isdigit() and len(cleaned) < 6 else cleaned


def _page(form=None, status=200):
    config = shop()
    form = form or NewsletterSettingsForm(formdata=None, data={
        "quiet_hours": config.quiet_hours, "campaign_rate": str(config.campaign_rate)})
    return render(PAGE, block="subscribers", status=status, form=form,
                  results=subscribers.page(request.args.get("page", 1)),
                  page_only=lambda: {"total": subscribers.count(),
                                     "pending": subscribers.pending_count(),
                                     "growth": subscribers.growth(now(), config.zone)})


@bp.get("/newsletter")
def newsletter():
    return _page()


@bp.get("/newsletter/subscribers.csv")
def newsletter_csv():
    return csv_download(f"subscribers-{now().date().isoformat()}.csv", subscribers.CSV_HEADER,
                        subscribers.csv_rows())


@bp.post("/newsletter/settings")
def newsletter_settings():
    form = NewsletterSettingsForm()
    if form.validate_on_submit():
        try:
            subscribers.save_settings(quiet_hours=form.quiet_hours.data,
                                      campaign_rate=_whole(form.campaign_rate.data))
        except InvalidSettings as error:
            return _page(add_domain_errors(form, error), status=422)
        flash(_("Newsletter settings saved."), "success")
        return redirect(url_for(".newsletter"), code=303)
    return _page(form, status=422)
