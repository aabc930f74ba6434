"""The contact form and the reply form. They check what a form can (the lengths, a topic from
the list); domain.helpdesk checks the rest and its messages are shown next to their fields."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, MultipleFileField, SelectField, StringField, TextAreaField
from wtforms.validators import Length

from domain.helpdesk import conversations


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class MessageForm(FlaskForm):
    """What every message form has: the text, and a one-time token so a form sent twice (a
    double tap, a retried request) adds one message."""

    body = TextAreaField(_l("Your message"), filters=[_strip])
    client_token = HiddenField()

    def add_errors(self, fields):
        for name, message in (fields or {}).items():
            if name in self and name not in ("csrf_token", "client_token"):
                self[name].errors = [*self[name].errors, message]


class ContactForm(MessageForm):
    name = StringField(_l("Your name"), filters=[_strip], validators=[Length(max=120)])
    email = EmailField(_l("Email"), filters=[_strip], validators=[Length(max=254)],
                       description=_l("We answer here. We never use it for anything else."))
    topic = SelectField(_l("What is it about?"))
    photos = MultipleFileField(_l("Photos (optional)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.topic.choices = list(conversations.TOPICS.items())


class ReplyForm(MessageForm):
    pass
