"""Back-office forms of the help page's questions and their categories. The rules (what a
question needs, what a generated answer keeps) are in domain/faq."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, NumberRange, Optional

from domain.faq import MAX_ANSWER, MAX_POSITION, MAX_QUESTION

from .forms import MARKDOWN_HINT, _optional_int, add_translations


class FaqCategoryForm(FlaskForm):
    # Required-ness is checked by domain.faq, so an empty name gets the domain's message.
    name = StringField(_l("Topic name"), validators=[Length(max=120)])
    position = IntegerField(_l("Position (lower comes first)"), default=0,
                            validators=[Optional(), NumberRange(min=0, max=MAX_POSITION)])


add_translations(FaqCategoryForm, {"name": lambda: StringField(validators=[Length(max=120)])})


class FaqEntryForm(FlaskForm):
    category_id = SelectField(_l("Topic"), coerce=_optional_int)
    question = StringField(_l("Question"), validators=[Length(max=MAX_QUESTION)])
    answer_md = TextAreaField(_l("Answer"), validators=[Length(max=MAX_ANSWER)],
                              description=MARKDOWN_HINT)
    position = IntegerField(_l("Position (lower comes first)"), default=0,
                            validators=[Optional(), NumberRange(min=0, max=MAX_POSITION)])
    published = BooleanField(_l("Show on the help page"), default=True)


add_translations(FaqEntryForm, {
    "question": lambda: StringField(validators=[Length(max=MAX_QUESTION)]),
    "answer_md": lambda: TextAreaField(validators=[Length(max=MAX_ANSWER)]),
})


def entry_form(categories, **kwargs):
    form = FaqEntryForm(**kwargs)
    form.category_id.choices = [(None, "—")] + [(c.id, c.name) for c, _entries in categories]
    return form


def add_faq_errors(form, error):
    """Put an InvalidFaq's messages next to their fields, else on the form."""
    placed = False
    for name, message in getattr(error, "errors", {}).items():
        if name in form:
            form[name].errors = list(form[name].errors) + [str(message)]
            placed = True
    if not placed:
        form.form_errors = list(form.form_errors) + [str(error)]
    return form
