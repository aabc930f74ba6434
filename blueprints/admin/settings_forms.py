"""The settings page's forms: the shop's settings, its carriers and its shipping methods. The
rules about their values live in domain/settings.py."""
from babel.numbers import get_currency_name
from flask_babel import get_locale, gettext as _, lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, FieldList, Form, FormField, IntegerField, SelectChoice,
                     SelectField, StringField, TextAreaField)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, \
    StopValidation

from domain.money import COMMON_CURRENCIES, currencies, to_input
from domain import alerts
from domain.settings import (BUSINESS_FIELDS, MAX_BANK_TRANSFER_DAYS, MAX_CARD_PAYMENT_MINUTES,
                             MAX_HANDLING_DAYS,
                             MAX_HELP_OFFER_MINUTES, MAX_REMINDER_HOURS, MAX_UNDO_MINUTES,
                             bp_to_percent)
from domain.shopconfig import LANGUAGE_NAMES, LANGUAGES

from ..common import number_locale
from .forms import typed_text


def currency_choices(current=None):
    """Every currency in use, named in the page's language: the common ones in a group of
    their own at the top, then the rest by code. `current` is kept even if it has gone out of
    use since the merchant chose it."""
    locale = str(get_locale())
    codes = list(currencies())
    if current and current not in codes:
        codes.append(current)
    common, everything = _("Most used"), _("All currencies")
    return [SelectChoice(code, f"{code} · {get_currency_name(code, locale=locale)}",
                         optgroup=common if code in COMMON_CURRENCIES else everything)
            for code in codes]


class RequiredIfSent:
    """A number field that may be left out of a submission, but not sent blank."""

    field_flags = {"required": True}

    def __call__(self, form, field):
        if not field.raw_data:
            raise StopValidation()
        if not typed_text(field):
            # In place of WTForms' "Not a valid integer value."
            field.errors = []
            raise StopValidation(_("Enter a whole number."))


class CarrierRowForm(Form):
    """One carrier: its name and the address of its tracking page; blank rows are ignored."""

    name = StringField(_l("Carrier name"), validators=[Length(max=60)])
    url = StringField(_l("Tracking page address"), validators=[Length(max=500)],
                      description=_l("e.g. https://carrier.example/track?no={number}"))


class CarriersForm(FlaskForm):
    carriers = FieldList(FormField(CarrierRowForm), min_entries=1, max_entries=40)

    @classmethod
    def from_config(cls, config, blank_rows=2):
        form = cls(formdata=None, data={"carriers": [{"name": n, "url": u} for n, u in config.carriers]})
        if not config.carriers:
            form.carriers.entries.clear()
        for _row in range(blank_rows):
            form.carriers.append_entry()
        return form

    def rows(self):
        return [{"name": row.form.name.data or "", "url": row.form.url.data or ""}
                for row in self.carriers]


class SettingsForm(FlaskForm):
    name = StringField(_l("Shop name"), validators=[DataRequired(), Length(max=120)])
    tagline = StringField(_l("Tagline"), validators=[Length(max=200)])
    email = StringField(_l("Contact email"), validators=[Length(max=200)])
    phone = StringField(_l("Phone"), validators=[Length(max=50)])
    address = TextAreaField(_l("Address"), validators=[Length(max=300)])
    currency = SelectField(_l("Currency"),
                           description=_l("Changing it does not convert prices you have "
                                          "already entered: check them afterwards."))
    tax_rate = StringField(_l("Tax rate (%)"), description=_l("e.g. 10 or 8.25"))
    prices_include_tax = BooleanField(_l("Prices include tax"))
    # Its hint, with an amount written the merchant's way, is in the template.
    free_shipping_threshold = StringField(_l("Free shipping from (order amount)"))
    default_region = StringField(_l("Default shipping region"), validators=[Length(max=60)])
    handling_days = IntegerField(
        _l("Handling days"),
        validators=[RequiredIfSent(), NumberRange(min=0, max=MAX_HANDLING_DAYS)],
        description=_l("Working days (Monday to Friday) an order takes to leave after it is paid, "
                       "or placed with cash on delivery. Each new order gets its ship-by day from "
                       "this; orders not shipped by then are flagged late. 0: the same day."))
    ship_countries = TextAreaField(
        _l("Countries you ship to"),
        description=_l("One a line. With just one, checkout does not ask for the country and "
                       "every order goes there. Leave empty to let customers type it."))
    timezone = StringField(_l("Time zone"), description=_l("e.g. Asia/Seoul, Europe/London or UTC"))
    low_stock_threshold = IntegerField(
        _l("Low-stock warning at (units)"),
        validators=[InputRequired(), NumberRange(min=0, max=100_000)])
    undo_minutes = IntegerField(
        _l("Minutes a customer may cancel or change an order"),
        validators=[RequiredIfSent(), NumberRange(min=0, max=MAX_UNDO_MINUTES)],
        description=_l("Orders are ready to pack once this time has passed. 0 turns it off."))
    bank_account = TextAreaField(
        _l("Bank account for transfers"), validators=[Length(max=300)],
        description=_l("Bank, account holder and account number, as customers should see them."))
    bank_transfer_days = IntegerField(
        _l("Days to pay by bank transfer"),
        validators=[RequiredIfSent(), NumberRange(min=1, max=MAX_BANK_TRANSFER_DAYS)],
        description=_l("Unpaid orders are cancelled after this and their stock goes back."))
    card_payment_minutes = IntegerField(
        _l("Minutes to pay by card"),
        validators=[RequiredIfSent(), NumberRange(min=5, max=MAX_CARD_PAYMENT_MINUTES)],
        description=_l("An order not paid on the card provider's page by then expires and its "
                       "stock goes back."))
    thank_you_note = TextAreaField(
        _l("Thank-you note"), validators=[Length(max=1000)],
        description=_l("Shown after checkout, on the order page and on packing slips."))
    business_name = StringField(_l("Business name"), validators=[Length(max=120)],
                                description=_l("As on your business registration certificate."))
    business_representative = StringField(_l("Representative"), validators=[Length(max=120)])
    business_registration_number = StringField(
        _l("Business registration number"), validators=[Length(max=20)],
        description=_l("10 digits, like 123-45-67890. Shoppers get a link to check it on the Fair "
                       "Trade Commission's site."))
    mail_order_number = StringField(
        _l("Mail-order business report number"), validators=[Length(max=60)],
        description=_l("As on your report certificate, with the office that took it, e.g. "
                       "제2024-서울종로-0123호."))
    hosting_provider = StringField(_l("Hosting provider"), validators=[Length(max=120)],
                                   description=_l("The company whose servers run this shop."))
    main_language = SelectField(
        _l("Main language of your catalogue"),
        choices=[SelectChoice(code, LANGUAGE_NAMES[code]) for code in LANGUAGES],
        # Left out of an older form it keeps its value (values()); a wrong one is refused by
        # the domain, with a message saying what to choose.
        validate_choice=False,
        description=_l("Products, categories and policies are written in this language first; "
                       "the others are optional. Changing it swaps the texts over, nothing is lost."))

    def __init__(self, *args, current_currency=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.currency.choices = currency_choices(current_currency)

    @classmethod
    def from_config(cls, config):
        return cls(formdata=None, current_currency=config.currency, data={
            "name": config.name, "tagline": config.tagline, "email": config.email,
            "phone": config.phone, "address": config.address,
            "currency": config.currency, "tax_rate": bp_to_percent(config.tax_rate_bp),
            "prices_include_tax": config.prices_include_tax,
            "free_shipping_threshold": to_input(config.free_shipping_threshold, config.currency,
                                                number_locale()),
            "default_region": config.default_region, "timezone": config.timezone,
            "ship_countries": "\n".join(config.ship_countries),
            "low_stock_threshold": config.low_stock_threshold,
            "undo_minutes": config.undo_minutes, "bank_account": config.bank_account,
            "bank_transfer_days": config.bank_transfer_days,
            "card_payment_minutes": config.card_payment_minutes,
            "handling_days": config.handling_days,
            "thank_you_note": config.thank_you_note, "main_language": config.main_language,
            "business_name": config.business.name,
            "business_representative": config.business.representative,
            "business_registration_number": config.business.registration_display,
            "mail_order_number": config.business.mail_order_number,
            "hosting_provider": config.business.hosting_provider,
        })

    def values(self):
        fields = ("name", "tagline", "email", "phone", "address", "currency",
                  "tax_rate", "prices_include_tax", "free_shipping_threshold", "default_region",
                  "timezone", "low_stock_threshold")
        values = {name: self[name].data for name in fields}
        # Order settings left out of a submission (an older form) keep their stored values.
        for name in ("undo_minutes", "bank_account", "bank_transfer_days", "card_payment_minutes",
                     "handling_days",
                     "thank_you_note", "main_language", "ship_countries", *BUSINESS_FIELDS):
            values[name] = self[name].data if self[name].raw_data else None
        return values


class AlertsForm(FlaskForm):
    """A checkbox per merchant alert (domain.alerts.SWITCHES), named alert_<switch>."""

    @classmethod
    def from_config(cls, config):
        return cls(formdata=None, data={f"alert_{name}": name not in config.alerts_off
                                        for name in alerts.SWITCHES})

    def fields(self):
        return [self[f"alert_{name}"] for name in alerts.SWITCHES]

    def switched_on(self):
        return [name for name in alerts.SWITCHES if self[f"alert_{name}"].data]


for _name, _label, _hint in (
        ("new_order", _l("A new order"), _l("Every order placed in the shop.")),
        ("transfer_to_confirm", _l("A bank transfer to confirm"),
         _l("An order to be paid by bank transfer: mark it paid when the money arrives. Sent "
            "instead of the new-order alert.")),
        ("return_requested", _l("A return request"),
         _l("A customer asks to return items; approve or reject it.")),
        ("refund_failed", _l("A refund that failed"),
         _l("The payment provider refused a refund you did not start yourself, such as a "
            "customer's cancellation. A refund you start shows its result on the page.")),
        ("payment_expired", _l("A payment that expired"),
         _l("No bank transfer arrived in time, so the order was cancelled.")),
        ("low_stock", _l("Low stock"),
         _l("A sale takes a variant to the low-stock level or below: once each time.")),
        ("mail_failing", _l("Emails failing"),
         _l("The shop's emails have not gone out for over an hour.")),
        ("new_question", _l("A new question"),
         _l("A customer asks something through the contact form.")),
):
    assert _name in alerts.SWITCHES, _name
    setattr(AlertsForm, f"alert_{_name}", BooleanField(_label, description=_hint))


class CheckoutHelpForm(FlaskForm):
    """Stalled and abandoned checkouts: when help is offered, when the reminder goes."""

    help_offer_minutes = IntegerField(
        _l("Minutes at checkout before help is offered"),
        validators=[InputRequired(), NumberRange(min=0, max=MAX_HELP_OFFER_MINUTES)],
        description=_l("Shoppers on the checkout page this long without ordering are offered a "
                       "chat, once. An error (a declined card, say) offers it at once. 0: only "
                       "after an error."))
    reminder_on = BooleanField(
        _l("Send a reminder to shoppers who leave checkout"),
        description=_l("Only to shoppers who agreed to offers by email: one per checkout, with "
                       "a link back to their cart. In Korean its subject starts with (광고), as "
                       "the law asks of advertising."))
    reminder_hours = IntegerField(
        _l("Hours after leaving before the reminder"),
        validators=[InputRequired(), NumberRange(min=1, max=MAX_REMINDER_HOURS)])

    @classmethod
    def from_config(cls, config):
        return cls(formdata=None, data={"help_offer_minutes": config.help_offer_minutes,
                                        "reminder_hours": config.reminder_hours,
                                        "reminder_on": config.reminder_on})

    def values(self):
        return {name: self[name].data
                for name in ("help_offer_minutes", "reminder_hours", "reminder_on")}


class ShippingForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    region = StringField(_l("Region"), validators=[DataRequired(), Length(max=60)])
    price = StringField(_l("Price"))
    days_min = IntegerField(_l("Delivery days, at least"), default=1,
                            validators=[InputRequired(), NumberRange(min=0, max=365)])
    days_max = IntegerField(_l("Delivery days, at most"), default=3,
                            validators=[InputRequired(), NumberRange(min=0, max=365)])

    @classmethod
    def from_method(cls, method, currency):
        return cls(formdata=None, data={
            "name": method.name, "region": method.region,
            "price": to_input(method.price, currency, number_locale()),
            "days_min": method.days_min, "days_max": method.days_max,
        })

    def values(self):
        return {name: self[name].data for name in ("name", "region", "price", "days_min", "days_max")}
