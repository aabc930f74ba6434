from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, EmailField, HiddenField, PasswordField, SelectField,
                     StringField, TelField)
from wtforms.validators import DataRequired, InputRequired, Length

from ..common import ValidEmail


def _strip(value):
    # Phone keyboards add a space after an autocompleted address.
    return value.strip() if isinstance(value, str) else value


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), filters=[_strip],
                       validators=[DataRequired(), ValidEmail()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    next = HiddenField()


class RegisterForm(FlaskForm):
    name = StringField(_l("Name"), validators=[Length(max=120)])
    email = EmailField(_l("Email"), filters=[_strip],
                       validators=[DataRequired(), ValidEmail()])
    password = PasswordField(_l("Password (at least 10 characters)"),
                             validators=[DataRequired(), Length(min=10, max=200)])
    next = HiddenField()


class EmptyForm(FlaskForm):
    """For buttons that post nothing but the CSRF token."""


class ResetRequestForm(FlaskForm):
    email = EmailField(_l("Email"), filters=[_strip],
                       validators=[DataRequired(), ValidEmail()])


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("New password (at least 10 characters)"),
                             validators=[DataRequired(), Length(max=200)])


class InvitationForm(FlaskForm):
    """A new account's name and password, or an existing account's password (the page shows
    the name field only for a new account)."""

    name = StringField(_l("Your name"), filters=[_strip], validators=[Length(max=120)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class AddressForm(FlaskForm):
    """The rules (required fields, regions we ship to) are checked in domain/addresses.py."""

    label = StringField(_l("Label (optional)"), filters=[_strip], validators=[Length(max=60)],
                        description=_l("For example Home or Work."))
    name = StringField(_l("Recipient's name"), filters=[_strip])
    phone = TelField(_l("Phone (optional)"), filters=[_strip],
                     description=_l("The courier calls this number if they cannot find you."))
    line1 = StringField(_l("Street address"), filters=[_strip])
    line2 = StringField(_l("Apartment, building, floor (optional)"), filters=[_strip])
    city = StringField(_l("City"), filters=[_strip])
    postcode = StringField(_l("Postcode (optional)"), filters=[_strip])
    region = SelectField(_l("Shipping region"), choices=[], validate_choice=False)
    country = StringField(_l("Country (optional)"), filters=[_strip])


class PreferencesForm(FlaskForm):
    name = StringField(_l("Name"), filters=[_strip], validators=[Length(max=120)])
    locale = SelectField(_l("Language"), choices=[])
    shipping_method = SelectField(_l("Preferred shipping method"), choices=[])
    # Checked by domain.preferences, which says why a method is refused (the test card outside
    # test mode) rather than "Not a valid choice".
    payment_method = SelectField(_l("Preferred payment method"), choices=[], validate_choice=False)


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password = PasswordField(_l("New password (at least 10 characters)"),
                                 validators=[DataRequired()])


class EmailChangeForm(FlaskForm):
    email = EmailField(_l("New email"), filters=[_strip],
                       validators=[DataRequired(), ValidEmail()])
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])


class MarketingForm(FlaskForm):
    """The marketing email box; its label is the consent's wording (domain.consent)."""

    marketing = BooleanField()


class DeleteAccountForm(FlaskForm):
    password = PasswordField(_l("Your password"), validators=[DataRequired(_l(
        "Please enter your password to delete your account."))])
    confirm = BooleanField(_l("I understand that my account and my personal data will be "
                              "deleted, and that this cannot be undone."),
                           validators=[InputRequired(_l("Please tick the box to confirm."))])



class BirthdayForm(FlaskForm):
    """The birthday for the birthday code: a month and a day, never the year. The choices are
    set by the view (the month names in the page's language); the rules are in
    domain/loyalty/birthdays.py."""
    month = SelectField(_l("Birthday month"), choices=[], validate_choice=False)
    day = SelectField(_l("Birthday day"), choices=[], validate_choice=False)
