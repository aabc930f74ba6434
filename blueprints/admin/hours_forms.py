"""The business hours page's forms: the week, a holiday, the reply targets and who answers.
The rules about their values live in domain/helpdesk/settings.py; these forms only carry what
the merchant typed, so every refusal comes with the domain's message."""
import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import ValidationError

from domain.helpdesk.hours import clock
from domain.helpdesk.settings import (PERSONA_GREETING_LIMIT, PERSONA_NAME_LIMIT, SPANS_PER_DAY,
                                      span_field)
from domain.shopconfig import LANGUAGES

from .forms import typed_text


class WeekForm(FlaskForm):
    """Two openings a day (opens and closes, HH:MM), named d<weekday>_<index>_<opens|closes>."""

    @classmethod
    def from_schedule(cls, schedule):
        data = {}
        for weekday, spans in enumerate(schedule.weekly):
            for index, (opens, closes) in enumerate(spans[:SPANS_PER_DAY]):
                data[span_field(weekday, index, "opens")] = clock(opens)
                # A time picker has no 24:00: midnight at the end of the day is 00:00 there.
                data[span_field(weekday, index, "closes")] = clock(closes % (24 * 60))
        return cls(formdata=None, data=data)

    def day(self, weekday):
        """[(opens field, closes field), ...] of one weekday."""
        return [(self[span_field(weekday, index, "opens")], self[span_field(weekday, index, "closes")])
                for index in range(SPANS_PER_DAY)]

    def days(self):
        return [[(typed_text(opens), typed_text(closes)) for opens, closes in self.day(weekday)]
                for weekday in range(7)]


for _weekday in range(7):
    for _index in range(SPANS_PER_DAY):
        setattr(WeekForm, span_field(_weekday, _index, "opens"), StringField(_l("Opens")))
        setattr(WeekForm, span_field(_weekday, _index, "closes"), StringField(_l("Closes")))


class HolidayForm(FlaskForm):
    day = StringField(_l("Date"))
    label = StringField(_l("Label (optional)"), description=_l("e.g. Chuseok, or Studio kiln day"))

    def validate_day(self, field):
        from datetime import date
        text = typed_text(field)
        found = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
        try:
            self.parsed_day = date(*map(int, found.groups())) if found else None
        except ValueError:
            self.parsed_day = None
        if self.parsed_day is None:
            raise ValidationError(_l("Enter the date like 2026-12-25."))


def _whole_or_text(field):
    text = typed_text(field)
    return int(text) if re.fullmatch(r"-?\d{1,9}", text) else text


class RepliesForm(FlaskForm):
    target_minutes = StringField(
        _l("Reply within (minutes of business hours)"),
        description=_l("For a question asked while the shop is open. The clock stops while it "
                       "is closed. 120 is shown as “2 hours”."))
    closed_target_minutes = StringField(
        _l("Reply after opening within (minutes)"),
        description=_l("For a question asked while the shop is closed: counted from the next "
                       "opening."))
    reopen_days = StringField(
        _l("Days a resolved conversation reopens"),
        description=_l("A customer writing again within this many days continues the same "
                       "conversation; later, a new one starts that links to it. 0: always new."))

    @classmethod
    def from_config(cls, config):
        return cls(formdata=None, data={
            "target_minutes": str(config.schedule.target_minutes),
            "closed_target_minutes": str(config.schedule.closed_target_minutes),
            "reopen_days": str(config.reopen_days)})

    def values(self):
        return {name: _whole_or_text(self[name])
                for name in ("target_minutes", "closed_target_minutes", "reopen_days")}


class PersonaForm(FlaskForm):
    """A name and a greeting per shop language: <lang>_name, <lang>_greeting."""

    @classmethod
    def from_config(cls, config):
        data = {}
        for lang in LANGUAGES:
            stored = config.persona.get(lang) or {}
            data[f"{lang}_name"] = stored.get("name", "")
            data[f"{lang}_greeting"] = stored.get("greeting", "")
        return cls(formdata=None, data=data)

    def fields_of(self, lang):
        return self[f"{lang}_name"], self[f"{lang}_greeting"]

    def values(self):
        return {lang: {"name": self[f"{lang}_name"].data or "",
                       "greeting": self[f"{lang}_greeting"].data or ""} for lang in LANGUAGES}


_PERSONA_LABELS = {
    "en": (_l("Name (English)"), _l("Greeting (English)")),
    "ko": (_l("Name (Korean)"), _l("Greeting (Korean)")),
}
for _lang in LANGUAGES:
    _name_label, _greeting_label = _PERSONA_LABELS[_lang]
    setattr(PersonaForm, f"{_lang}_name", StringField(
        _name_label, description=_l("Up to %(num)d characters, e.g. Mina.", num=PERSONA_NAME_LIMIT)))
    setattr(PersonaForm, f"{_lang}_greeting", TextAreaField(
        _greeting_label, description=_l("Up to %(num)d characters.", num=PERSONA_GREETING_LIMIT)))
