"""The back office's referral forms: the settings and voiding a pending referral."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectChoice, StringField
from wtforms.validators import Length

from domain.money import to_input

from ..common import number_locale


class ReferralSettingsForm(FlaskForm):
    referrals_on = BooleanField(
        _l("Run referrals"),
        description=_l("On: each customer's account shows their link, and first orders through "
                       "it are recorded."))
    welcome_kind = RadioField(_l("The friend's welcome discount on their first order"), choices=[
        SelectChoice("amount", _l("An amount off")),
        SelectChoice("percent", _l("A percentage off"))], default="amount", validate_choice=False)
    welcome_value = StringField(
        _l("Welcome discount"),
        description=_l("An amount in the shop's currency, or a whole percentage from 1 to 100."))
    reward_kind = RadioField(_l("The referrer's reward"), choices=[
        SelectChoice("points", _l("Points")),
        SelectChoice("credit", _l("Store credit"))], default="points", validate_choice=False)
    reward_amount = StringField(
        _l("Reward"),
        description=_l("Points as a whole number, or an amount of store credit. Given when the "
                       "friend's first order can no longer be returned."))
    monthly_cap = StringField(_l("Rewards per referrer per month, at most"),
                              description=_l("Calendar months in the shop's time zone. 0: no "
                                             "limit."))

    @classmethod
    def from_row(cls, row, currency):
        welcome = (str(row.referral_welcome_value // 100) if row.referral_welcome_kind == "percent"
                   else to_input(row.referral_welcome_value, currency, number_locale())
                   if row.referral_welcome_value else "")
        reward = (str(row.referral_reward_amount) if row.referral_reward_kind == "points"
                  else to_input(row.referral_reward_amount, currency, number_locale()))
        if not row.referral_reward_amount:
            reward = ""
        return cls(formdata=None, data={
            "referrals_on": row.referrals_on, "welcome_kind": row.referral_welcome_kind,
            "welcome_value": welcome, "reward_kind": row.referral_reward_kind,
            "reward_amount": reward, "monthly_cap": str(row.referral_monthly_cap)})

    def values(self):
        return {"referrals_on": self.referrals_on.data, "welcome_kind": self.welcome_kind.data or "",
                "welcome_value": self.welcome_value.data or "",
                "reward_kind": self.reward_kind.data or "",
                "reward_amount": self.reward_amount.data or "",
                "monthly_cap": self.monthly_cap.data or ""}


class VoidForm(FlaskForm):
    reason = StringField(_l("Reason for voiding"), validators=[Length(max=200)])
