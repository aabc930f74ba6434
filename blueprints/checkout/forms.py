"""The checkout forms. They check what a form can (lengths, the card number for card payments)
and hand plain values to domain.orders, which checks the rest."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, IntegerField, StringField, TelField
from wtforms.validators import Length, NumberRange, Optional, ValidationError

from domain import payments
from domain.orders import ADDRESS_FIELDS

from ..common import shop


def _strip(value):
    # Phone keyboards add a space after an autocompleted word.
    return value.strip() if isinstance(value, str) else value


class AddressForm(FlaskForm):
    """The delivery address fields, limited to what an order row stores."""

    name = StringField(_l("Full name"), filters=[_strip], validators=[Length(max=120)])
    phone = TelField(_l("Phone (for the courier)"), filters=[_strip], validators=[Length(max=50)])
    line1 = StringField(_l("Street address"), filters=[_strip], validators=[Length(max=200)])
    line2 = StringField(_l("Apartment, floor, building (optional)"), filters=[_strip],
                        validators=[Length(max=200)])
    city = StringField(_l("City"), filters=[_strip], validators=[Length(max=120)])
    postcode = StringField(_l("Postcode"), filters=[_strip], validators=[Length(max=20)])
    country = StringField(_l("Country"), filters=[_strip], validators=[Length(max=60)])

    def address(self):
        return {name: self[name].data or "" for name in ADDRESS_FIELDS if name in self}

    def add_errors(self, fields):
        """Show the domain's messages (CheckoutInvalid.fields) next to their fields."""
        for name, message in fields.items():
            if name in self:
                self[name].errors = [*self[name].errors, message]


class CheckoutForm(AddressForm):
    """The guest (or signed-in) checkout page."""

    checkout_token = HiddenField()
    email = EmailField(_l("Email for your receipt"), filters=[_strip], validators=[Length(max=254)])
    # Drawn by hand as a select and radio groups (their options depend on the region); the
    # domain checks the values against the shop's regions, methods and payment providers.
    region = StringField(_l("Shipping region"))
    shipping_method = StringField(_l("Shipping method"))
    payment_method = StringField(_l("Payment method"))
    card_number = StringField(_l("Card number"), filters=[_strip], validators=[Length(max=30)])
    # Drawn by hand too: its label states the balance. Only signed-in customers with credit see it.
    use_credit = BooleanField(_l("Use my store credit"))
    # Drawn by hand too (its label states the points): only customers with points see it.
    use_points = BooleanField(_l("Use my points"))
    # Never ticked by the shop: only the shopper's own tick asks for marketing email.
    marketing = BooleanField(default=False)

    def validate_card_number(self, field):
        # A method the shop does not offer (the test card outside test mode) is refused by the
        # domain with its own message, card number or not.
        provider = {p.key: p for p in payments.selectable(shop())}.get(self.payment_method.data or "")
        if provider is not None and provider.pays_at_checkout and not field.data:
            raise ValidationError(_l("Please enter your card number."))


class BuyNowForm(FlaskForm):
    """One-click buying: a product's chosen variant and quantity, or the whole cart."""

    class Meta:
        # CSRFProtect has already checked the request (form field or htmx's X-CSRFToken
        # header); the form's own errors are then only about the purchase.
        csrf = False

    checkout_token = HiddenField()
    source = HiddenField()
    expected_total = HiddenField()
    variant_id = IntegerField(validators=[Optional()])
    quantity = IntegerField(validators=[Optional(), NumberRange(min=1, max=99)])


class AddressChangeForm(AddressForm):
    """The customer's new delivery address during the undo window (same shipping region)."""

    ADDRESS_NAMES = ("name", "phone", "line1", "line2", "city", "postcode", "country")
