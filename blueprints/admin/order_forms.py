"""Back-office order forms: moving one order on, and marking several packed or shipped."""
from flask_babel import gettext as _, lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, StringField, TextAreaField
from wtforms.validators import Length, ValidationError

from domain.fulfilment import BULK_LIMIT


class StatusForm(FlaskForm):
    """One of the order page's action buttons, with what that step needs."""

    status = HiddenField()
    carrier = StringField(_l("Carrier"), validators=[Length(max=60)])
    tracking_number = StringField(_l("Tracking number"), validators=[Length(max=80)])
    note = StringField(_l("Note for the order history (optional)"), validators=[Length(max=500)])
    confirm = BooleanField(_l("Yes, cancel this order: the customer is told, the stock goes back "
                              "and any payment is refunded."))

    def validate_confirm(self, field):
        if self.status.data == "cancelled" and not field.data:
            raise ValidationError(_("Tick the box to confirm that this order should be cancelled."))

    def values(self):
        return {"status": self.status.data or "", "note": (self.note.data or "").strip(),
                "carrier": self.carrier.data or "", "tracking_number": self.tracking_number.data or ""}


class RefundSentForm(FlaskForm):
    """The refund of a cancelled order, sent by the merchant's own transfer: its reference."""

    reference = StringField(_l("Transfer reference"), validators=[Length(max=120)])

    def value(self):
        return (self.reference.data or "").strip()


class GoodwillForm(FlaskForm):
    """"Make it right": money or store credit back outside a return. The amount is read in the
    order's currency by the view; the domain checks it against what is left to give back."""

    seen = HiddenField()
    kind = RadioField(_l("Give back as"), default="refund",
                      choices=[("refund", _l("Refund to the way they paid")),
                               ("credit", _l("Store credit"))])
    amount = StringField(_l("Amount"), validators=[Length(max=20)])
    reason = TextAreaField(_l("Reason (the customer reads it in their email)"),
                           validators=[Length(max=300)])
    reference = StringField(_l("Refund reference (bank transfer or receipt number)"),
                            validators=[Length(max=120)])

    def values(self):
        return {"kind": self.kind.data or "", "reason": (self.reason.data or "").strip(),
                "reference": (self.reference.data or "").strip(), "seen": self.seen.data or ""}

    def add_errors(self, fields):
        for name, message in (fields or {}).items():
            if name in self and name not in ("csrf_token", "seen"):
                self[name].errors = [*self[name].errors, message]


class BulkForm(FlaskForm):
    """The list's checkboxes (named "order") and per-row tracking numbers ("tracking-<number>")
    are read from the submission as sent; this form checks the token and the shared fields."""

    carrier = StringField(_l("Carrier for the orders marked shipped"), validators=[Length(max=60)])
    # Where to go back to: the list as the merchant left it.
    status = HiddenField()
    q = HiddenField()
    page = HiddenField()

    def selection(self, formdata):
        numbers = [n.strip() for n in formdata.getlist("order") if n.strip()][:BULK_LIMIT]
        tracking = {n: (formdata.get(f"tracking-{n}") or "").strip() for n in numbers}
        return numbers, tracking
