"""Back office: checkouts in progress and stalled ones, and "Start a chat" with a shopper still
on the checkout page (domain/checkouts.py). Staff may use it (blueprints/backoffice.py)."""
from flask import current_app, flash, redirect, url_for
from flask_babel import force_locale, gettext as _
from flask_login import current_user

from domain import checkouts
from domain.errors import NotFound
from domain.models import CheckoutRecord
from domain.extensions import db

from ..checkout.heartbeat import sightings
from ..common import shop
from ..htmx import render
from ..templating import now
from . import bp
from .forms import EmptyForm


@bp.get("/checkouts", endpoint="checkouts")
def checkout_list():
    rows = checkouts.in_progress(now(), shop().help_offer_minutes,
                                 pending=sightings(current_app._get_current_object()).pending())
    return render("admin/checkouts.html", rows=rows, codes=checkouts.CODES,
                  empty_form=EmptyForm(formdata=None))


@bp.post("/checkouts/<id:record_id>/chat", endpoint="checkout_chat")
def checkout_chat(record_id):
    """Start a chat with a shopper still on the checkout page; their page offers it next."""
    record = db.get_or_404(CheckoutRecord, record_id)
    if not EmptyForm().validate_on_submit():
        return redirect(url_for(".checkouts"), code=303)
    moment = now()
    pending = sightings(current_app._get_current_object()).pending()
    row = next((r for r in checkouts.in_progress(moment, shop().help_offer_minutes,
                                                 pending=pending)
                if r.record.id == record.id), None)
    if row is None or not row.on_page:
        flash(_("The shopper has left the checkout page, so no chat was started."), "warning")
        return redirect(url_for(".checkouts"), code=303)
    with force_locale(record.locale or "en"):
        greeting = _("Hello! I see you are checking out. Can I help with anything?")
    try:
        conversation = checkouts.start_chat(record, current_user._get_current_object(), moment,
                                            greeting)
    except NotFound:
        flash(_("A chat was already started for this checkout."), "warning")
        return redirect(url_for(".checkouts"), code=303)
    flash(_("Chat started: the shopper's page offers it within a minute."), "success")
    return redirect(url_for(".conversation", reference=conversation.reference), code=303)
