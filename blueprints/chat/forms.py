"""The chat's forms: a message (or a quick reply) and the email address for an answer."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, StringField, TextAreaField
from wtforms.validators import Length


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class ChatForm(FlaskForm):
    """A message; `quick` names a quick reply (its label is the message), `say` is a reply the
    bot offered. The one-time token makes a double send one message."""

    body = TextAreaField(_l("Your message"), filters=[_strip])
    quick = HiddenField()
    say = StringField(filters=[_strip], validators=[Length(max=200)])
    client_token = HiddenField()
    about = HiddenField()
    id = HiddenField()
    t = HiddenField()
    path = HiddenField()


class ChatEmailForm(FlaskForm):
    email = EmailField(_l("Your email address"), filters=[_strip], validators=[Length(max=254)])
