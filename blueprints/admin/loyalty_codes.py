"""Back office: the thank-you code of an order confirmation and the birthday code
(/admin/loyalty/codes, owners only). The rules are in domain/loyalty/codes.py."""
from flask import flash, redirect, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, StringField

from domain.loyalty import codes
from domain.money import to_input
from domain.settings import InvalidSettings

from ..common import number_locale, shop
from ..htmx import render
from . import bp
from .forms import add_domain_errors

PAGE = "admin/loyalty_codes.html"


def _kind_field(label):
    return RadioField(label, choices=[
        SelectChoice("", _l("Off")),
        SelectChoice("amount", _l("An amount off")),
        SelectChoice("percent", _l("A percentage off"))], default="", validate_choice=False)


class CodesForm(FlaskForm):
    thank_you_kind = _kind_field(_l("Thank-you code after each order"))
    thank_you_value = StringField(
        _l("Amount or percentage off"),
        description=_l("An amount in the shop's currency, or a percentage such as 10."))
    thank_you_days = StringField(_l("Valid for (days)"),
                                 description=_l("From 1 to 365, until the end of the last day "
                                                 "in the shop's time zone."))
    birthday_kind = _kind_field(_l("Birthday code"))
    birthday_value = StringField(
        _l("Amount or percentage off"),
        description=_l("An amount in the shop's currency, or a percentage such as 10."))
    birthday_days = StringField(_l("Valid for (days)"),
                                description=_l("From 1 to 365, until the end of the last day "
                                                "in the shop's time zone."))
    birthday_days_before = StringField(
        _l("Days before the birthday to send it"),
        description=_l("0: on the day. At most 30."))

    @classmethod
    def from_values(cls, values, currency):
        def shown(kind, value):
            if not kind or not value:
                return ""
            if kind == "percent":
                return f"{value // 100}" + (f".{value % 100:02d}".rstrip("0") if value % 100
                                            else "")
            return to_input(value, currency, number_locale())
        return cls(formdata=None, data={
            **{name: str(value) for name, value in values.items() if name.endswith("days")
               or name.endswith("before")},
            "thank_you_kind": values["thank_you_kind"], "birthday_kind": values["birthday_kind"],
            "thank_you_value": shown(values["thank_you_kind"], values["thank_you_value"]),
            "birthday_value": shown(values["birthday_kind"], values["birthday_value"])})

    def values(self):
        return {"thank_you_kind": self.thank_you_kind.data or "",
                "thank_you_value": self.thank_you_value.data or "",
                "thank_you_days": _whole(self.thank_you_days.data),
                "birthday_kind": self.birthday_kind.data or "",
                "birthday_value": self.birthday_value.data or "",
                "birthday_days": _whole(self.birthday_days.data),
                "birthday_days_before": _whole(self.birthday_days_before.data)}


def _whole(text):
    """A whole number as typed, else the text itself (the domain says what is wrong)."""
    cleaned = (text or "").strip()
    return int(cleaned) if cleaned.isdigit() and len(cleaned) < 6 else cleaned


def _page(form=None, status=200):
    return render(PAGE, status=status,
                  form=form or CodesForm.from_values(codes.current(), shop().currency))


@bp.get("/loyalty/codes")
def loyalty_codes():
    return _page()


@bp.post("/loyalty/codes")
def loyalty_codes_save():
    form = CodesForm()
    if form.validate_on_submit():
        try:
            codes.save(currency=shop().currency, locale=number_locale(), **form.values())
        except InvalidSettings as error:
            return _page(add_domain_errors(form, error), status=422)
        flash(_("Code settings saved."), "success")
        return redirect(url_for(".loyalty_codes"), code=303)
    return _page(form, status=422)
