"""The back office's campaign form. It only carries what was typed; the rules are in
domain/newsletter/campaigns.py."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, SelectField, StringField, TextAreaField

AUDIENCES = (("subscribers", _l("Everyone who subscribed")),
             ("recent", _l("Customers with an order in the last N days")),
             ("lapsed", _l("Customers with no order in the last N days")),
             ("tier", _l("Customers of a loyalty tier")))
CODE_KINDS = (("", _l("No code")), ("percent", _l("A percentage off the goods")),
              ("amount", _l("An amount off the goods")))


class CampaignForm(FlaskForm):
    name = StringField(_l("Name (only you see it)"), description=_l("e.g. Spring collection"))
    subject_en = StringField(_l("Subject in English"))
    body_en = TextAreaField(_l("Message in English (Markdown)"),
                            description=_l("Links to your shop's pages count the orders they "
                                           "bring."))
    subject_ko = StringField(_l("Subject in Korean"),
                             description=_l("“(광고)” is added before it, as the law asks."))
    body_ko = TextAreaField(_l("Message in Korean (Markdown)"),
                            description=_l("Empty: Korean readers get the main language."))
    audience = RadioField(_l("Who it goes to"), default="subscribers", validate_choice=False,
                          choices=[SelectChoice(value, label) for value, label in AUDIENCES],
                          description=_l("Always only people who confirmed they want your "
                                         "emails."))
    audience_days = StringField(_l("N days (recent or lapsed customers)"), default="90")
    tier_id = SelectField(_l("Tier (tier audience)"), validate_choice=False)
    coupon_kind = RadioField(_l("Exclusive code"), default="", validate_choice=False,
                             choices=[SelectChoice(value, label) for value, label in CODE_KINDS],
                             description=_l("One code for the campaign: it works only for the "
                                            "people it was sent to, once each."))
    coupon_value = StringField(_l("Percentage or amount off"))
    coupon_days = StringField(_l("Days the code works after sending"), default="14")

    def set_tiers(self, tiers, locale):
        self.tier_id.choices = [SelectChoice("", _l("Choose a tier"))] + [
            SelectChoice(str(t.id), (t.name_ko or t.name_en) if locale == "ko" else t.name_en)
            for t in tiers]
        return self

    def values(self):
        return {name: field.data for name, field in self._fields.items()
                if name != "csrf_token"}
