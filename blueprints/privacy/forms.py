"""The forms of a guest's privacy requests and of the unsubscribe page."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, RadioField, SelectChoice
from wtforms.validators import DataRequired, InputRequired

from ..common import ValidEmail


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class LinkRequestForm(FlaskForm):
    """A guest asks for a link to their data, sent to the address they ordered with."""

    email = EmailField(_l("The email you ordered with"), filters=[_strip],
                       validators=[DataRequired(), ValidEmail()])
    action = RadioField(_l("What would you like?"), default="export", choices=[
        SelectChoice("export", _l("A copy of my data to download")),
        SelectChoice("erase", _l("My data deleted"))])


class ConfirmErasureForm(FlaskForm):
    confirm = BooleanField(_l("I understand that my personal data will be deleted, and that "
                              "this cannot be undone."),
                           validators=[InputRequired(_l("Please tick the box to confirm."))])


class UnsubscribeForm(FlaskForm):
    """The unsubscribe page's one button: the CSRF token only."""
