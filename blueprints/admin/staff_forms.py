"""The staff page's forms: an invitation, and a role change per person."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField
from wtforms.validators import DataRequired

from domain.shopconfig import LANGUAGE_NAMES

from ..common import ValidEmail


def _roles():
    return [("staff", _l("Staff: orders, returns, inbox and customers")),
            ("owner", _l("Owner: everything, settings and staff included"))]


class InviteForm(FlaskForm):
    email = EmailField(_l("Email"), filters=[lambda v: v.strip() if isinstance(v, str) else v],
                       validators=[DataRequired(), ValidEmail()])
    role = SelectField(_l("Role"), choices=_roles, default="staff")
    language = SelectField(_l("Language of the invitation"),
                           choices=list(LANGUAGE_NAMES.items()),
                           description=_l("Someone who already has an account gets it in the "
                                          "language they chose there."))


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=[("staff", _l("Staff")), ("owner", _l("Owner"))])
