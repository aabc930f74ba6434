"""The brand and cause pages' forms; the rules about their values live in domain/brand.py and
domain/cause.py."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from domain import brand
from domain.money import to_input
from domain.settings import bp_to_percent
from domain.shopconfig import LANGUAGE_NAMES, LANGUAGES

from .forms import MARKDOWN_HINT


class LogoForm(FlaskForm):
    logo = FileField(_l("Logo"), validators=[FileRequired(_l("Choose an image file."))],
                     description=_l("A PNG with a transparent background works best; it is shown "
                                    "in the header about 36 pixels high, and in emails."))


class BrandForm(FlaskForm):
    colour = StringField(_l("Accent colour"), validators=[Length(max=20)],
                         description=_l("A hex code like #8a3b12, for links and buttons. White "
                                        "text must be readable on it (contrast 4.5:1 or more). "
                                        "Leave empty for the shop's own colour."))

    @classmethod
    def from_config(cls, config):
        data = {"colour": config.brand_colour}
        for lang in LANGUAGES:
            data[f"about_{lang}"] = (config.about_md or {}).get(lang, "")
        for key, _label, _hosts in brand.NETWORKS:
            data[f"social_{key}"] = (config.social_links or {}).get(key, "")
        return cls(formdata=None, data=data)

    def values(self):
        return {"colour": self.colour.data or "",
                "about": {lang: self[f"about_{lang}"].data or "" for lang in LANGUAGES},
                "social": {key: self[f"social_{key}"].data or ""
                           for key, _label, _hosts in brand.NETWORKS}}


for _lang in LANGUAGES:
    setattr(BrandForm, f"about_{_lang}", TextAreaField(
        _l("About us (%(language)s)", language=LANGUAGE_NAMES[_lang]),
        validators=[Length(max=brand.ABOUT_LIMIT)], description=MARKDOWN_HINT))
for _key, _label, _hosts in brand.NETWORKS:
    setattr(BrandForm, f"social_{_key}", StringField(_label, validators=[Length(max=brand.LINK_LIMIT)],
                                                     description=f"https://{_hosts[0]}/…"))


class CauseForm(FlaskForm):
    url = StringField(_l("The cause's web address"), validators=[Length(max=500)],
                      description=_l("Starting with https://. Optional."))
    percent = StringField(_l("Percentage of each delivered order (%)"),
                          description=_l("Of the goods after discounts, without shipping: 2 or "
                                         "2.5. Leave empty to give a fixed amount instead."))
    fixed = StringField(_l("Or a fixed amount per delivered order"),
                        description=_l("Leave empty to give a percentage instead."))

    @classmethod
    def from_config(cls, config, locale):
        data = {"url": config.cause_url,
                "percent": bp_to_percent(config.cause_bp) if config.cause_bp else "",
                "fixed": to_input(config.cause_fixed, config.currency, locale)
                if config.cause_fixed else ""}
        for lang in LANGUAGES:
            data[f"name_{lang}"] = (config.cause_name or {}).get(lang, "")
        return cls(formdata=None, data=data)


for _lang in LANGUAGES:
    setattr(CauseForm, f"name_{_lang}", StringField(
        _l("The cause's name (%(language)s)", language=LANGUAGE_NAMES[_lang]),
        validators=[Length(max=120)]))


class DonationForm(FlaskForm):
    donated_on = DateField(_l("Day of the donation"), validators=[Optional()])
    amount = StringField(_l("Amount given"))
    note = TextAreaField(_l("Note"), validators=[Length(max=1000)],
                         description=_l("What was given and to whom, as shoppers will read it."))
    proof_url = StringField(_l("Proof (a receipt's web address)"), validators=[Length(max=500)],
                            description=_l("Starting with https://. Optional."))
