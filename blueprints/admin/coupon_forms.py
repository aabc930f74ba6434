"""Back-office forms of the coupons pages: a coupon with every condition, and a batch of
single-use codes sharing conditions. They only carry what was typed; the rules (code format,
ranges, dates in the shop's time zone) are in domain/loyalty/coupon_admin.py."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, RadioField, SelectChoice, SelectField, SelectMultipleField,
                     StringField)

KINDS = (("percent", _l("A percentage off the goods")),
         ("amount", _l("An amount off the goods")),
         ("free_shipping", _l("Free shipping")))


class ConditionsForm(FlaskForm):
    """What a coupon and a batch of codes share."""

    name = StringField(_l("Name (only you see it)"), description=_l("e.g. Spring sale"))
    kind = RadioField(_l("What the coupon gives"), default="percent", validate_choice=False,
                      choices=[SelectChoice(value, label) for value, label in KINDS])
    value = StringField(_l("Percentage or amount off"),
                        description=_l("A percentage from 1 to 100, or an amount in the shop's "
                                       "currency. Not used for free shipping."))
    max_discount = StringField(_l("Largest discount (percentage coupons, optional)"),
                               description=_l("Empty: no cap."))
    min_subtotal = StringField(_l("Minimum goods subtotal (optional)"))
    starts_on = StringField(_l("First day (optional)"),
                            description=_l("In the shop's time zone, from the start of the day."))
    ends_on = StringField(_l("Last day (optional)"),
                          description=_l("In the shop's time zone: the code works until the end "
                                         "of this day."))
    first_order_only = BooleanField(_l("Only for a customer's first order"))
    product_ids = SelectMultipleField(_l("Only these products (optional)"), coerce=str,
                                      validate_choice=False,
                                      description=_l("None chosen: every product."))
    category_ids = SelectMultipleField(_l("Only these categories (optional)"), coerce=str,
                                       validate_choice=False,
                                       description=_l("None chosen: every category."))
    tier_id = SelectField(_l("Only for customers of this tier (optional)"),
                          validate_choice=False)
    combine_coupons = BooleanField(_l("May be used together with other coupons"))
    combine_points = BooleanField(_l("May be used together with points"), default=True,
                                  description=_l("Both off: the coupon is used alone."))

    def set_choices(self, products, categories, tiers, locale):
        self.product_ids.choices = [SelectChoice(str(p.id), p.title) for p in products]
        self.category_ids.choices = [SelectChoice(str(c.id), c.name) for c in categories]
        self.tier_id.choices = [SelectChoice("", _l("Any customer"))] + [
            SelectChoice(str(t.id), (t.name_ko or t.name_en) if locale == "ko" else t.name_en)
            for t in tiers]
        return self

    def values(self):
        return {name: field.data for name, field in self._fields.items()
                if name != "csrf_token"}


class CouponForm(ConditionsForm):
    code = StringField(_l("Code"),
                       description=_l("3 to 40 letters, digits or dashes; customers may type it "
                                      "in any letter case."))
    usage_limit = StringField(_l("Uses in all (optional)"),
                              description=_l("Empty: no limit."))
    per_customer_limit = StringField(_l("Uses per customer (optional)"),
                                     description=_l("An account, or a guest's email address. "
                                                    "Empty: no limit."))
    customer_email = StringField(_l("Only for this customer (email, optional)"))
    paused = BooleanField(_l("Paused: checkout refuses the code until you resume it"))


class BatchForm(ConditionsForm):
    count = StringField(_l("How many codes"), description=_l("From 1 to 1,000; each works once."))
    prefix = StringField(_l("Prefix (optional)"), description=_l("e.g. FAIR gives FAIR-7Q4D2MXK."))
    batch = StringField(_l("Batch name"),
                        description=_l("Letters, digits or dashes, e.g. fair-2026; the CSV "
                                       "download is named after it."))
