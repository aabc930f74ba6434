"""Back office: the shop's settings and its shipping methods."""
from flask import flash, redirect, request, url_for
from flask_babel import gettext as _

from domain import alerts, payments
from domain import settings as shop_settings
from domain.errors import ShopError
from domain.extensions import db
from domain.models import ShippingMethod
from domain.money import amount_example

from ..common import number_locale, shop
from ..htmx import render
from . import bp
from .forms import EmptyForm, add_domain_errors
from .settings_forms import AlertsForm, CarriersForm, CheckoutHelpForm, SettingsForm, ShippingForm

PAGE = "admin/settings.html"


def _page(settings_form=None, new_method_form=None, failed=None, status=200, carriers_form=None,
          alerts_form=None, checkout_help_form=None):
    """The settings page; `failed` is (shipping method id, form) to show as it was sent."""
    config = shop()
    methods = []
    for method in shop_settings.shipping_methods():
        if failed and failed[0] == method.id:
            methods.append((method, failed[1]))
        else:
            methods.append((method, ShippingForm.from_method(method, config.currency)))
    new_method_form = new_method_form or ShippingForm(
        formdata=None, data={"region": config.default_region, "days_min": 1, "days_max": 3})
    return render(PAGE, form=settings_form or SettingsForm.from_config(config),
                  methods=methods, new_method_form=new_method_form,
                  failed_id=failed[0] if failed else None, empty_form=EmptyForm(formdata=None),
                  carriers_form=carriers_form or CarriersForm.from_config(config),
                  alerts_form=alerts_form or AlertsForm.from_config(config),
                  checkout_help_form=checkout_help_form or CheckoutHelpForm.from_config(config),
                  alert_recipients=[address for address, _locale in alerts.recipients(config)],
                  card_methods=[p for p in payments.selectable(config)
                                if p.pays_at_checkout and p.key != payments.TestCard.key],
                  status=status, amount_example=amount_example(config.currency, number_locale()))


def _saved(message):
    flash(message, "success")
    return redirect(url_for(".settings"), code=303)


@bp.get("/settings")
def settings():
    return _page()


@bp.post("/settings")
def settings_save():
    form = SettingsForm(current_currency=shop().currency)
    if form.validate_on_submit():
        try:
            shop_settings.save_settings(locale=number_locale(), **form.values())
        except ShopError as error:
            return _page(settings_form=add_domain_errors(form, error), status=422)
        return _saved(_("Settings saved."))
    return _page(settings_form=form, status=422)


@bp.post("/settings/carriers")
def carriers_save():
    form = CarriersForm()
    if form.validate_on_submit():
        try:
            shop_settings.save_carriers(form.rows())
        except ShopError as error:
            return _page(carriers_form=_carrier_errors(form, error), status=422)
        return _saved(_("Carriers saved."))
    return _page(carriers_form=form, status=422)


@bp.post("/settings/alerts")
def alerts_save():
    form = AlertsForm()
    if form.validate_on_submit():
        shop_settings.save_alerts(form.switched_on())
        return _saved(_("Alerts saved."))
    return _page(alerts_form=form, status=422)


@bp.post("/settings/checkouts")
def checkout_help_save():
    form = CheckoutHelpForm()
    if form.validate_on_submit():
        try:
            shop_settings.save_checkout_help(**form.values())
        except ShopError as error:
            return _page(checkout_help_form=add_domain_errors(form, error), status=422)
        return _saved(_("Checkout help saved."))
    return _page(checkout_help_form=form, status=422)


def _carrier_errors(form, error):
    """Put save_carriers' "carriers-<row>-<field>" messages next to those fields."""
    messages = dict(getattr(error, "errors", {}))
    for row in form.carriers:
        for field in row.form:
            if field.name in messages:
                field.errors = list(field.errors) + [messages.pop(field.name)]
    form.form_errors = list(form.form_errors) + list(messages.values())
    return form


@bp.post("/settings/shipping")
def shipping_create():
    form = ShippingForm()
    if form.validate_on_submit():
        try:
            shop_settings.save_shipping_method(None, currency=shop().currency,
                                               locale=number_locale(), **form.values())
        except ShopError as error:
            return _page(new_method_form=add_domain_errors(form, error), status=422)
        return _saved(_("Shipping method “%(name)s” was added.", name=form.name.data.strip()))
    return _page(new_method_form=form, status=422)


@bp.post("/settings/shipping/<id:method_id>")
def shipping_update(method_id):
    method = db.get_or_404(ShippingMethod, method_id)
    form = ShippingForm()
    if form.validate_on_submit():
        try:
            shop_settings.save_shipping_method(method, currency=shop().currency,
                                               locale=number_locale(), **form.values())
        except ShopError as error:
            return _page(failed=(method_id, add_domain_errors(form, error)), status=422)
        return _saved(_("Shipping method “%(name)s” was saved.", name=method.name))
    return _page(failed=(method_id, form), status=422)


@bp.post("/settings/shipping/<id:method_id>/active")
def shipping_active(method_id):
    """Deactivate (active=0) or offer again (active=1) a shipping method."""
    method = db.get_or_404(ShippingMethod, method_id)
    if not EmptyForm().validate_on_submit():
        return redirect(url_for(".settings"), code=303)
    active = request.form.get("active") == "1"
    shop_settings.set_shipping_active(method, active)
    if active:
        return _saved(_("“%(name)s” is offered at checkout again.", name=method.name))
    return _saved(_("“%(name)s” is no longer offered at checkout.", name=method.name))
