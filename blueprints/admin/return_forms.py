"""Back-office return forms: one small form per button on a return's page."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length


class RejectForm(FlaskForm):
    """The customer reads the reason in their email, so it is required."""

    reason = TextAreaField(_l("Reason for the customer"),
                           validators=[DataRequired(_l("Tell the customer why the return is rejected.")),
                                       Length(max=500)])


class ReceiveForm(FlaskForm):
    """The restock checkboxes ("restock-<return line id>") are read from the submission: an
    unticked box is simply absent, which means "write this line off"."""

    def restock(self, lines, formdata):
        return {line.id: f"restock-{line.id}" in formdata for line in lines}


class CompleteForm(FlaskForm):
    """Refund, store credit or exchange. The reference is what the bank or courier gave for a
    refund made by hand; the domain refuses a manual refund without one."""

    # Set by the "store credit instead" button offered after a refund failed.
    as_credit = HiddenField()
    reference = StringField(_l("Refund reference (bank transfer or receipt number)"),
                            validators=[Length(max=120)])

    def value(self):
        return (self.reference.data or "").strip()
