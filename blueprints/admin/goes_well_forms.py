"""The recommendation settings' form."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms.validators import InputRequired


class RecommendSettingsForm(FlaskForm):
    min_support = IntegerField(
        _l("Bought together in at least this many orders"), validators=[InputRequired()],
        description=_l("Two products become a pair when this many delivered, not-returned "
                       "orders had both."))
    after_orders = IntegerField(
        _l("Compute again after this many deliveries"), validators=[InputRequired()],
        description=_l("Pairs are computed every night, and sooner once this many orders were "
                       "delivered since. 0: only at night."))
