"""Back office: business hours, holidays, reply targets and who answers (the persona). The
storefront's footer, the reply promise and the inbox's due times are all drawn from these."""
from flask import flash, redirect, url_for
from flask_babel import gettext as _

from domain.errors import ShopError
from domain.extensions import db
from domain.helpdesk import hours
from domain.helpdesk import settings as helpdesk_settings
from domain.models import Holiday
from domain.shopconfig import LANGUAGE_NAMES, LANGUAGES

from ..common import shop
from ..htmx import render
from ..templating import format_day, now
from . import bp
from .forms import EmptyForm, add_domain_errors
from .hours_forms import HolidayForm, PersonaForm, RepliesForm, WeekForm

PAGE = "admin/hours.html"


def _today():
    return hours.local(shop().schedule, now()).date()


def _page(status=200, week_form=None, holiday_form=None, replies_form=None, persona_form=None):
    """The page; a form passed in is shown as the merchant sent it, with its errors."""
    config = shop()
    return render(PAGE, status=status,
                  week_form=week_form or WeekForm.from_schedule(config.schedule),
                  holiday_form=holiday_form or HolidayForm(formdata=None),
                  replies_form=replies_form or RepliesForm.from_config(config),
                  persona_form=persona_form or PersonaForm.from_config(config),
                  holidays=helpdesk_settings.holidays(_today()), today=_today(),
                  empty_form=EmptyForm(formdata=None), languages=LANGUAGES,
                  language_names=LANGUAGE_NAMES)


def _saved(message, anchor):
    flash(message, "success")
    return redirect(url_for(".settings_hours", _anchor=anchor), code=303)


@bp.get("/settings/hours")
def settings_hours():
    return _page()


@bp.post("/settings/hours")
def settings_hours_save():
    form = WeekForm()
    if form.validate_on_submit():
        try:
            helpdesk_settings.save_hours(form.days())
        except ShopError as error:
            return _page(week_form=add_domain_errors(form, error), status=422)
        return _saved(_("Business hours saved."), "week")
    return _page(week_form=form, status=422)


@bp.post("/settings/hours/holidays")
def settings_holiday_add():
    form = HolidayForm()
    if form.validate_on_submit():
        try:
            holiday = helpdesk_settings.add_holiday(form.parsed_day, form.label.data, _today())
        except ShopError as error:
            return _page(holiday_form=add_domain_errors(form, error), status=422)
        return _saved(_("The shop is closed on %(date)s.", date=format_day(holiday.day)),
                      "holidays")
    return _page(holiday_form=form, status=422)


@bp.post("/settings/hours/holidays/<id:holiday_id>/delete")
def settings_holiday_delete(holiday_id):
    holiday = db.get_or_404(Holiday, holiday_id)
    if not EmptyForm().validate_on_submit():
        return redirect(url_for(".settings_hours"), code=303)
    day = holiday.day
    helpdesk_settings.delete_holiday(holiday)
    return _saved(_("%(date)s is no longer a holiday.", date=format_day(day)), "holidays")


@bp.post("/settings/hours/replies")
def settings_replies_save():
    form = RepliesForm()
    if form.validate_on_submit():
        try:
            helpdesk_settings.save_reply_targets(**form.values())
        except ShopError as error:
            return _page(replies_form=add_domain_errors(form, error), status=422)
        return _saved(_("Reply times saved."), "replies")
    return _page(replies_form=form, status=422)


@bp.post("/settings/hours/persona")
def settings_persona_save():
    form = PersonaForm()
    if form.validate_on_submit():
        try:
            helpdesk_settings.save_persona(form.values())
        except ShopError as error:
            return _page(persona_form=add_domain_errors(form, error), status=422)
        return _saved(_("Who answers saved."), "persona")
    return _page(persona_form=form, status=422)
