"""The guest's order lookup form."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, StringField
from wtforms.validators import Length


class LookupForm(FlaskForm):
    number = StringField(_l("Order number"), validators=[Length(max=20)],
                         description=_l("In your order confirmation email, e.g. K7Q-4D2M."))
    email = EmailField(_l("Email address used for the order"), validators=[Length(max=254)])
