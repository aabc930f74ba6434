"""Back-office forms of the reviews pages: hide with a reason, reply, the review settings, a
change note and a testimonial. They only read what was typed; the rules (lengths, ranges,
what a thank-you may be) are in domain/reviews/."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, IntegerField, RadioField, SelectChoice, SelectField,
                     SelectMultipleField, StringField, TextAreaField)
from wtforms.validators import InputRequired, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from domain.money import to_input
from domain.reviews import HIDE_REASON_LIMIT, REPLY_LIMIT
from domain.reviews import settings as review_settings

from ..common import number_locale
from .forms import add_translations


class HideForm(FlaskForm):
    reason = TextAreaField(_l("Why is it hidden? (shown to the reviewer)"),
                           description=_l("Up to %(num)d characters.", num=HIDE_REASON_LIMIT))


class ReplyForm(FlaskForm):
    reply = TextAreaField(_l("Public reply"),
                          description=_l("Plain text, shown under the review on the product "
                                         "page. Up to %(num)d characters; leave it empty to "
                                         "remove the reply.", num=REPLY_LIMIT))


class ReviewSettingsForm(FlaskForm):
    auto_publish = BooleanField(
        _l("Publish reviews as they arrive"),
        description=_l("Off: each review waits in the queue until you publish it. Either way "
                       "you can hide a review later, with a reason the reviewer is told."))
    request_days = IntegerField(
        _l("Days after delivery before the review request"),
        validators=[InputRequired()],
        description=_l("From 1 to %(num)d, counted in the shop's time zone.",
                       num=review_settings.MAX_REQUEST_DAYS))
    reminder_days = IntegerField(
        _l("Days after the request before one reminder"), validators=[InputRequired()],
        description=_l("0: no reminder."))
    incentive = RadioField(_l("Thank-you for a review"), choices=[
        SelectChoice("", _l("None")),
        SelectChoice("credit", _l("Store credit, for any review whatever its stars (customers "
                                  "with an account)")),
        SelectChoice("code", _l("A single-use discount code of that amount, valid 90 days, for "
                                "any review whatever its stars (customers with or without an "
                                "account)"))], default="", validate_choice=False)
    incentive_amount = StringField(
        _l("Store credit or code amount per review"),
        description=_l("Each such review says so at its start (“Reviewed with a thank-you "
                       "credit” or “code”), as the law asks."))

    @classmethod
    def from_values(cls, values):
        return cls(formdata=None, data={
            "auto_publish": values["auto_publish"], "request_days": values["request_days"],
            "reminder_days": values["reminder_days"], "incentive": values["incentive"],
            "incentive_amount": to_input(values["incentive_amount"], values["currency"],
                                         number_locale())
            if values["incentive_amount"] else ""})

    def values(self):
        return {"auto_publish": self.auto_publish.data, "request_days": self.request_days.data,
                "reminder_days": self.reminder_days.data, "incentive": self.incentive.data or "",
                "incentive_amount": self.incentive_amount.data or ""}


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ChangeNoteForm(FlaskForm):
    product_id = SelectField(_l("Product"), coerce=int, validate_choice=False)
    text = TextAreaField(_l("What changed"),
                         description=_l("A short sentence, e.g. “Thicker handle since March, "
                                        "after your feedback”."))
    changed_on = DateField(_l("Changed on"), validators=[Optional()])
    review_ids = MultiCheckboxField(_l("Reviews that prompted it"), coerce=int,
                                    validate_choice=False)
    return_ids = MultiCheckboxField(_l("Returns that prompted it"), coerce=int,
                                    validate_choice=False)
    notify = BooleanField(_l("Email the customers behind the linked reviews and returns"),
                          description=_l("Once, and only to those who agreed to emails with "
                                         "news and offers; in Korean it is marked (광고) as "
                                         "advertising."))


add_translations(ChangeNoteForm, {"text": lambda: TextAreaField()})


class TestimonialForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=[SelectChoice("testimonial", _l("Testimonial")),
                                            SelectChoice("press", _l("Press mention"))],
                       validate_choice=False)
    quote = TextAreaField(_l("Quote"))
    name = StringField(_l("Who said it"))
    source = StringField(_l("Where (publication, event, website)"))
    said_on = DateField(_l("Date"), validators=[Optional()])
