"""The storefront's loyalty forms."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import DataRequired, Length


class ClaimForm(FlaskForm):
    """Only a password: the email address is the one the link was sent to."""

    password = PasswordField(_l("Choose a password (at least 10 characters)"),
                             validators=[DataRequired(), Length(max=200)])


class MakeLinkForm(FlaskForm):
    """The button that makes the customer's referral link."""
