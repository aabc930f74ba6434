"""Back-office forms of the inbox and the saved replies. The rules about what a message may
hold live in domain/helpdesk (conversations.clean_body): the forms only carry the text there,
so an empty or overlong reply is refused with the domain's own words."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField

from domain.helpdesk.conversations import STATUS_LABELS

from .forms import add_translations


class ReplyForm(FlaskForm):
    body = TextAreaField(_l("Your reply"))
    resolve = BooleanField(_l("and mark it resolved"))
    # A new token per page drawn: the same form sent twice (a double click) is one reply.
    token = HiddenField()
    # Set once the merchant has seen the warning about placeholders left in the text.
    confirmed = HiddenField()


class NoteForm(FlaskForm):
    body = TextAreaField(_l("Internal note"))


class AssignForm(FlaskForm):
    staff = SelectField(_l("Assigned to"), choices=[], validate_choice=False)


class StatusForm(FlaskForm):
    status = HiddenField()

    @staticmethod
    def known(value):
        return value in STATUS_LABELS


class SavedReplyForm(FlaskForm):
    title = StringField(_l("Title"))
    body = TextAreaField(_l("Text"))


add_translations(SavedReplyForm, {"title": lambda: StringField(_l("Title")),
                                  "body": lambda: TextAreaField(_l("Text"))})
