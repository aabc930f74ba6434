"""Back-office forms for the return rules, the return settings and the policy texts. They turn
what the merchant typed into plain values; domain/returns/rules.py decides what is allowed."""
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _, lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectChoice, SelectField, StringField, \
    TextAreaField
from wtforms.validators import Length, ValidationError

from domain.pricing import format_rate

from .forms import (MARKDOWN_HINT, MoneyField, add_translations, fill_translations,
                    translations_data)

# Where a domain message about a value belongs on the form.
DOMAIN_FIELDS = {"restocking_fee_bp": "restocking_fee"}


class PercentField(StringField):
    """A percentage typed as "10" or "7.5"; `data` is basis points (None when blank) once the
    form has been validated. The allowed range is the domain's to check."""

    def process_formdata(self, valuelist):
        self.data = None

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return format_rate(self.data) if self.data is not None else ""

    def pre_validate(self, form):
        typed = (self.raw_data[0] if self.raw_data else "").strip().rstrip("%").strip()
        if not typed:
            return
        try:
            basis_points = Decimal(typed.replace(",", ".")) * 100
            if not basis_points.is_finite() or basis_points != basis_points.to_integral_value():
                raise ValueError
        except (InvalidOperation, ValueError):
            raise ValidationError(_("Enter a percentage like 10 or 7.5, with at most two "
                                    "decimals."))
        self.data = int(basis_points)


class RuleForm(FlaskForm):
    window_days = IntegerField(_l("Return window (days)"),
                               description=_l("Counted from delivery. 0 means the day of "
                                              "delivery only."))
    allow_refund = BooleanField(_l("Refund"))
    allow_exchange = BooleanField(_l("Exchange"))
    allow_credit = BooleanField(_l("Store credit"))
    final_sale = BooleanField(_l("Final sale: cannot be returned"))
    restocking_fee = PercentField(_l("Restocking fee (%)"),
                                  description=_l("Kept from refunds only; 0 for none."))
    return_shipping = SelectField(_l("Return shipping"), choices=[
        SelectChoice("free", _l("Free: the shop pays")),
        SelectChoice("flat", _l("A flat fee, kept from refunds")),
        SelectChoice("customer", _l("The customer sends it back at their cost"))])
    return_shipping_fee = MoneyField(_l("Flat return shipping fee"),
                                     description=_l("Only for a flat fee."))
    conditions = StringField(_l("Conditions"), validators=[Length(max=500)],
                             description=_l("e.g. Unused, in the original box."))

    # Named as on the rule; the two fees are converted on the way in and out.
    FIELDS = ("window_days", "allow_refund", "allow_exchange", "allow_credit", "final_sale",
              "return_shipping", "conditions")

    @classmethod
    def from_rule(cls, rule, **extra):
        data = {name: getattr(rule, name) for name in cls.FIELDS}
        return cls(formdata=None, data=dict(data, restocking_fee=rule.restocking_fee_bp,
                                            return_shipping_fee=rule.return_shipping_fee or None,
                                            **extra))

    def values(self):
        """The rule as returns.save_rule() takes it."""
        return dict({name: self[name].data for name in self.FIELDS},
                    restocking_fee_bp=self.restocking_fee.data or 0,
                    return_shipping_fee=self.return_shipping_fee.data or 0,
                    conditions=self.conditions.data or "")


class CategoryRuleForm(RuleForm):
    category_id = SelectField(_l("Category"), coerce=int)

    def set_choices(self, categories):
        self.category_id.choices = [SelectChoice(c.id, c.name) for c in categories]
        return self


class ProductRuleForm(RuleForm):
    product = StringField(_l("Product SKU or address"), validators=[Length(max=200)],
                          description=_l("A SKU such as MJ-MUG01-CEL, or the end of the "
                                         "product's address, such as everyday-mug."))


class ProcessingForm(FlaskForm):
    transit_days = IntegerField(
        _l("Days in transit"),
        description=_l("When the carrier gives no delivery date, the return window starts "
                       "this many days after shipping."))
    pickup_enabled = BooleanField(_l("Offer courier pickup"))
    pickup_instructions = TextAreaField(_l("Pickup instructions"), validators=[Length(max=2000)])
    dropoff_enabled = BooleanField(_l("Offer drop-off"))
    dropoff_instructions = TextAreaField(_l("Drop-off instructions"),
                                         validators=[Length(max=2000)])
    refund_promise_days = IntegerField(
        _l("Refund within (days of receiving a return)"),
        description=_l("Shown on the policy page as your promise."))
    fault_window_days = IntegerField(
        _l("Damaged, wrong or not as described: days from delivery to send it back"),
        description=_l("Final sale, restocking fees and return shipping fees never apply to "
                       "these; the policy page says so."))
    general_md = TextAreaField(_l("General rules"), validators=[Length(max=20_000)],
                               description=MARKDOWN_HINT)

    FIELDS = ("transit_days", "pickup_enabled", "pickup_instructions", "dropoff_enabled",
              "dropoff_instructions", "refund_promise_days", "fault_window_days", "general_md")

    @classmethod
    def from_policy(cls, policy):
        form = cls(formdata=None, data={name: getattr(policy, name) for name in cls.FIELDS})
        fill_translations(form, policy)
        return form

    def values(self):
        return dict({name: self[name].data for name in self.FIELDS},
                    translations=translations_data(self))


add_translations(ProcessingForm, {
    "pickup_instructions": lambda: TextAreaField(validators=[Length(max=2000)]),
    "dropoff_instructions": lambda: TextAreaField(validators=[Length(max=2000)]),
    "general_md": lambda: TextAreaField(validators=[Length(max=20_000)]),
})


class PolicyPageForm(FlaskForm):
    body_md = TextAreaField(
        _l("Text"), validators=[Length(max=50_000)],
        description=_l("Markdown: # for headings, **bold**, lists with “- ”, links as "
                       "[text](https://…)."))


add_translations(PolicyPageForm, {
    "body_md": lambda: TextAreaField(validators=[Length(max=50_000)])})


def add_rule_errors(form, error):
    """Put an InvalidReturnRule's messages next to their fields (or on the form)."""
    for name, message in getattr(error, "fields", {}).items():
        name = DOMAIN_FIELDS.get(name, name)
        if name in form:
            form[name].errors = list(form[name].errors) + [str(message)]
        else:
            form.form_errors = list(form.form_errors) + [str(message)]
    if not getattr(error, "fields", None):
        form.form_errors = list(form.form_errors) + [str(error)]
    return form
