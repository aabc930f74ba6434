"""The return form. It checks what a form can (a reason from the list, the text's length, whole
quantities) and hands plain values to domain.returns, which checks the rest: eligibility,
quantities left to return, the actions the rules allow, exchange variants, the photos."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, MultipleFileField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from domain.returns import REASONS, Selection


class RefundAccountForm(FlaskForm):
    """The bank account a refund sent by hand goes to (orders paid by bank transfer or cash on
    delivery). The fields are checked by domain.refund_accounts, whose messages name each one;
    drawn by templates/_refund_account_fields.html. Shared by the return form, the return's
    page, the undo window's cancel form and a cancelled order's page."""

    bank_name = StringField(_l("Bank"))
    account_number = StringField(_l("Account number"),
                                 description=_l("Digits and dashes, as your bank writes it."))
    account_holder = StringField(_l("Account holder's name"))

    ACCOUNT_FIELDS = ("bank_name", "account_number", "account_holder")

    def account_values(self):
        return {name: self[name].data or "" for name in self.ACCOUNT_FIELDS}

    def add_account_errors(self, fields):
        """Show domain.errors.InvalidRefundAccount's messages next to their fields."""
        for name, message in (fields or {}).items():
            if name in self.ACCOUNT_FIELDS:
                self[name].errors = [*self[name].errors, message]


class ReturnForm(RefundAccountForm):
    """One order's return: the quantity and exchange selects are drawn per line by hand
    (named qty-<line id> and exchange-<line id>), since their options depend on the order.
    The refund account's fields count only for a refund sent by hand."""

    request_token = HiddenField()
    reason = SelectField(_l("Why are you returning them?"),
                         validators=[InputRequired(_l("Choose why you are returning the items."))])
    reason_text = TextAreaField(_l("Anything else we should know? (optional)"),
                                filters=[lambda v: v.strip() if isinstance(v, str) else v],
                                validators=[Length(max=1000)])
    # Read by domain.returns.photos, which checks each one is an image and how many there are.
    photos = MultipleFileField(_l("Photos (optional)"))
    # Drawn as radio groups whose options depend on the chosen lines.
    action = StringField(_l("What would you like instead?"))
    method = StringField(_l("How will the items come back to us?"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.reason.choices = [("", _l("Choose a reason"))] + list(REASONS.items())

    def add_errors(self, fields):
        """Show the domain's messages (ReturnNotAllowed.fields) next to their fields; returns
        the ones that belong to no field of this form (the per-line ones)."""
        rest = {}
        for name, message in (fields or {}).items():
            if name in self and name not in ("csrf_token", "request_token"):
                self[name].errors = [*self[name].errors, message]
            else:
                rest[name] = message
        return rest


def sent_photos(files, max_bytes):
    """[(file name, bytes)] of the photos sent; reading stops one byte past `max_bytes`, enough
    for the domain to say the photo is too large without holding all of it."""
    return [(f.filename or "", f.read(max_bytes + 1)) for f in files.getlist("photos")
            if f and f.filename]


def _whole(value):
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return 0


def chosen_quantities(values, order):
    """{order_line_id: quantity} as sent, for every line of the order (0 when absent)."""
    return {line.id: _whole(values.get(f"qty-{line.id}")) for line in order.lines}


def chosen_variants(values, order):
    """{order_line_id: variant id wanted in exchange, or None}."""
    return {line.id: _whole(values.get(f"exchange-{line.id}")) or None for line in order.lines}


def selections(quantities, variants, action):
    """What the customer asks to return, as domain Selections; lines at 0 are left out."""
    return [Selection(line_id, quantity, variants.get(line_id) if action == "exchange" else None)
            for line_id, quantity in quantities.items() if quantity > 0]
