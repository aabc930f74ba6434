"""The footer's sign-up form and the confirmation page's button."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField
from wtforms.validators import DataRequired

from ..common import ValidEmail


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class SignupForm(FlaskForm):
    newsletter_email = EmailField(_l("Send our news to"), filters=[_strip],
                       validators=[DataRequired(_l("Please enter your email address.")),
                                   ValidEmail()])


class ConfirmForm(FlaskForm):
    """The confirmation page's one button: the CSRF token only."""
