"""Account settings: name, language, preferred shipping and payment, marketing email, the
birthday (month and day) and the sign-in email."""
from datetime import date

from flask import flash, redirect, request, session, url_for
from flask_babel import format_date, get_locale, gettext as _
from flask_login import current_user, login_required, login_user

from domain import accounts, consent, preferences
from domain.errors import InvalidCredentials, ShopError
from domain.loyalty import birthdays, codes
from domain.extensions import limiter
from domain.shopconfig import LANGUAGE_NAMES, LANGUAGES

from ..common import shop
from ..htmx import render
from ..templating import format_money, now
from . import bp
from .forms import (BirthdayForm, EmailChangeForm, MarketingForm, PasswordChangeForm,
                    PreferencesForm)


def _preferences_form(from_request=True):
    """The form filled from what the customer saved (and from the request, when it is theirs)."""
    user = current_user
    data = {"name": user.name, "locale": user.locale or "",
            "shipping_method": str(user.preferred_shipping_method_id or ""),
            "payment_method": user.preferred_payment_method or ""}
    form = PreferencesForm(data=data) if from_request else PreferencesForm(formdata=None, data=data)
    config = shop()
    several_regions = len(config.regions) > 1
    form.locale.choices = [("", _("The language of my browser"))] + [
        (code, LANGUAGE_NAMES.get(code, code)) for code in LANGUAGES]
    form.shipping_method.choices = [("", _("No preference"))] + [
        (str(m.id), (f"{m.name} ({m.region}), " if several_regions else f"{m.name}, ")
         + format_money(m.price)) for m in config.shipping_methods]
    form.payment_method.choices = [("", _("No preference"))] + preferences.payment_methods(shop())
    return form


def _birthday_form(from_request=False):
    """The birthday form, filled from the account (and from the request, when it is theirs)."""
    user = current_user
    data = {"month": str(user.birth_month or ""), "day": str(user.birth_day or "")}
    form = (BirthdayForm(prefix="birthday") if from_request
            else BirthdayForm(prefix="birthday", formdata=None, data=data))
    # A leap year's calendar: 29 February is a birthday too.
    form.month.choices = [("", _("Not given"))] + [
        (str(month), format_date(date(2000, month, 1), "MMMM")) for month in range(1, 13)]
    form.day.choices = [("", _("Not given"))] + [(str(day), str(day)) for day in range(1, 32)]
    return form


def _show(form, email_form, password_form=None, birthday_form=None):
    status = 422 if request.method == "POST" else 200
    user = current_user._get_current_object()
    summary = preferences.one_click(user, shop())
    marketing = consent.given(user)
    marketing_form = MarketingForm(prefix="marketing", formdata=None,
                                   data={"marketing": marketing is not None})
    return render("account/settings.html", form=form, email_form=email_form, one_click=summary,
                  password_form=password_form or PasswordChangeForm(prefix="password",
                                                                    formdata=None),
                  marketing_form=marketing_form, marketing=marketing,
                  marketing_pending=None if marketing else consent.pending(user),
                  marketing_wording=consent.wording(), status=status,
                  birthday_form=birthday_form or _birthday_form(),
                  birthday_code=codes.birthday_on())


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    form = _preferences_form()
    if form.validate_on_submit():
        method = form.shipping_method.data
        try:
            preferences.set_preferences(current_user._get_current_object(), shop(),
                                        form.name.data, form.locale.data,
                                        int(method) if method else None,
                                        form.payment_method.data, LANGUAGES)
        except ShopError as error:
            form.form_errors.append(str(error))
        else:
            # The language chosen here applies now, over one picked earlier in the footer.
            session.pop("lang", None)
            flash(_("Your preferences are saved."), "success")
            return redirect(url_for(".settings"), code=303)
    return _show(form, EmailChangeForm(prefix="email", formdata=None))


@bp.post("/settings/email")
@login_required
@limiter.limit("10 per hour", error_message="Too many attempts. Please wait and try again.")
def change_email():
    email_form = EmailChangeForm(prefix="email")
    if email_form.validate_on_submit():
        try:
            accounts.change_email(current_user._get_current_object(), email_form.email.data,
                                  email_form.current_password.data)
        except InvalidCredentials as error:
            email_form.current_password.errors.append(str(error))
        except ShopError as error:
            email_form.email.errors.append(str(error))
        else:
            # The change ended every session of the account; this one goes on.
            login_user(current_user._get_current_object())
            flash(_("Your sign-in email is now %(email)s.", email=current_user.email), "success")
            return redirect(url_for(".settings"), code=303)
    return _show(_preferences_form(from_request=False), email_form)


@bp.post("/settings/password")
@login_required
@limiter.limit("10 per hour", error_message="Too many attempts. Please wait and try again.")
def change_password():
    password_form = PasswordChangeForm(prefix="password")
    if password_form.validate_on_submit():
        try:
            accounts.change_password(current_user._get_current_object(),
                                     password_form.current_password.data,
                                     password_form.new_password.data)
        except InvalidCredentials as error:
            password_form.current_password.errors.append(str(error))
        except ShopError as error:
            password_form.new_password.errors.append(str(error))
        else:
            # The change ended every other session of the account; this one goes on.
            login_user(current_user._get_current_object())
            flash(_("Your password is changed. Every other device was signed out."), "success")
            return redirect(url_for(".settings"), code=303)
    return _show(_preferences_form(from_request=False), EmailChangeForm(prefix="email", formdata=None),
                 password_form)


@bp.post("/settings/marketing")
@login_required
def marketing():
    """Give or withdraw consent to marketing email: the box, as ticked or not."""
    form = MarketingForm(prefix="marketing")
    if not form.validate_on_submit():
        return redirect(url_for(".settings"), code=303)
    outcome = consent.set_marketing(current_user._get_current_object(), form.marketing.data,
                                    now(), str(get_locale()))
    if outcome == "already":
        flash(_("You get our news by email already. You can unsubscribe here at any time."),
              "success")
    elif outcome in ("sent", "waiting"):
        flash(_("We sent you an email to confirm your subscription. Nothing is sent until you "
                "confirm."), "success")
    else:
        flash(_("You will not get marketing email from us."), "success")
    return redirect(url_for(".settings", _anchor="marketing"), code=303)


@bp.post("/settings/birthday")
@login_required
def birthday():
    """Keep the birthday's month and day, or clear them (both left empty)."""
    form = _birthday_form(from_request=True)
    if not form.validate_on_submit():
        form.form_errors.append(_("This form had expired. Please send it again."))
        return _show(_preferences_form(from_request=False),
                     EmailChangeForm(prefix="email", formdata=None), birthday_form=form)
    try:
        kept = birthdays.set_birthday(current_user._get_current_object(), form.month.data,
                                      form.day.data)
    except birthdays.InvalidBirthday as error:
        for name, message in error.errors.items():
            form[name].errors = list(form[name].errors) + [message]
        return _show(_preferences_form(from_request=False),
                     EmailChangeForm(prefix="email", formdata=None), birthday_form=form)
    flash(_("Your birthday is saved.") if kept else _("Your birthday is cleared."), "success")
    return redirect(url_for(".settings", _anchor="birthday"), code=303)
