"""Saving the merchant's settings and shipping methods, with the checks that keep them usable.

Amounts arrive as the merchant typed them ("39,000", "12.50", "4,90" in German) and are read in
the merchant's locale and the currency they belong to: the free-shipping threshold in the
currency chosen on the same form.
"""
import re
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask_babel import gettext as _

from . import business, localized
from .alerts import SWITCHES as ALERT_SWITCHES
from .errors import ShopError
from .extensions import db
from .models import ShippingMethod
from .money import AmountError, Money, amount_example, is_currency, minor_digits, number_symbols
from .products import MAX_PRICE
from .shopconfig import LANGUAGES, get_settings_row

MAX_LOW_STOCK = 100_000
MAX_DAYS = 365
TEXT_LIMITS = {
    "name": 120, "tagline": 200, "email": 200, "phone": 50, "address": 300,
    "default_region": 60, "timezone": 60,
}
# Kept as typed, line breaks included: an account holder on one line, the number on the next.
MULTILINE_LIMITS = {"bank_account": 300, "thank_you_note": 1000}
BUSINESS_FIELDS = ("business_name", "business_representative", "business_registration_number",
                   "mail_order_number", "hosting_provider")
MAX_UNDO_MINUTES = 24 * 60
MAX_BANK_TRANSFER_DAYS = 60
MAX_CARD_PAYMENT_MINUTES = 24 * 60
# Working days an order may take to leave the workshop (domain/shipby.py).
MAX_HANDLING_DAYS = 30
MAX_CARRIERS = 20
CARRIER_NAME_LIMIT = 60
CARRIER_URL_LIMIT = 500
COUNTRY_LIMIT = 60
MAX_COUNTRIES = 100
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class InvalidSettings(ShopError):
    """Values that cannot be saved; `errors` maps each field name to what is wrong with it."""

    def __init__(self, errors):
        self.errors = dict(errors)
        super().__init__(next(iter(self.errors.values())))


def money_from_text(text, currency, locale="en"):
    """Minor units from an amount typed the locale's way, None for a blank one; ShopError
    with a message that says how the text was read and how to write it."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        amount = Money.parse(text, currency, locale).amount
    except AmountError as error:
        raise ShopError(_amount_message(error, text[:30], currency, locale))
    if amount > MAX_PRICE:
        raise ShopError(_("That amount is too large."))
    return amount


def _amount_message(error, text, currency, locale):
    digits = minor_digits(currency)
    example = amount_example(currency, locale)
    if error.reason == "negative":
        return _("An amount cannot be negative.")
    if digits == 0:
        rule = _("%(currency)s amounts have no decimal places.", currency=currency)
    else:
        rule = _("%(currency)s amounts have at most %(num)d decimal places.",
                 currency=currency, num=digits)
    if error.reason == "decimals":
        # "1,234" in German is one point two three four: say so, rather than just "wrong".
        return _("In your number format “%(sign)s” marks the decimals, so “%(text)s” has "
                 "%(num)d decimal places. %(rule)s Write amounts like %(example)s.",
                 sign=number_symbols(locale)[0], text=text, num=error.typed, rule=rule,
                 example=example)
    return _("“%(text)s” is not an amount we can read. Write it like %(example)s, without a "
             "currency sign. %(rule)s", text=text, example=example, rule=rule)


def percent_to_bp(text):
    """'10' -> 1000, '8.25' -> 825 basis points; ShopError unless 0-100 with two decimals at most."""
    cleaned = (text or "").strip().rstrip("%").strip().replace(",", ".") or "0"
    try:
        value = Decimal(cleaned)
        bp = value * 100
        if not value.is_finite() or bp != bp.to_integral_value() or not 0 <= bp <= 10000:
            raise ValueError
    except (InvalidOperation, ValueError):
        raise ShopError(_("Enter a tax rate from 0 to 100 with at most two decimals, like 10 or 8.25."))
    return int(bp)


def bp_to_percent(bp):
    """1000 -> '10', 825 -> '8.25', as the merchant would type it."""
    whole, rest = divmod(bp or 0, 100)
    return f"{whole}" if not rest else f"{whole}.{rest:02d}".rstrip("0")


def _texts(values, errors):
    cleaned = {}
    for field, limit in TEXT_LIMITS.items():
        if field not in values:
            continue
        value = re.sub(r"\s+", " ", values[field] or "").strip()
        if len(value) > limit:
            errors[field] = _("Please keep this to %(num)d characters.", num=limit)
        cleaned[field] = value
    return cleaned


def _multiline(values, errors):
    cleaned = {}
    for field, limit in MULTILINE_LIMITS.items():
        if values.get(field) is None:
            continue
        lines = [re.sub(r"[ \t]+", " ", line).strip() for line in values[field].splitlines()]
        value = "\n".join(lines).strip()
        if len(value) > limit:
            errors[field] = _("Please keep this to %(num)d characters.", num=limit)
        cleaned[field] = value
    return cleaned


def _whole_numbers(values, errors):
    """undo_minutes, bank_transfer_days, card_payment_minutes and handling_days; None leaves
    the stored value as it is."""
    cleaned = {}
    for field, low, high, message in (
            ("handling_days", 0, MAX_HANDLING_DAYS,
             _("Enter a whole number of working days from 0 to %(num)d.", num=MAX_HANDLING_DAYS)),
            ("undo_minutes", 0, MAX_UNDO_MINUTES,
             _("Enter a whole number of minutes from 0 to %(num)d.", num=MAX_UNDO_MINUTES)),
            ("bank_transfer_days", 1, MAX_BANK_TRANSFER_DAYS,
             _("Enter a whole number of days from 1 to %(num)d.", num=MAX_BANK_TRANSFER_DAYS)),
            ("card_payment_minutes", 5, MAX_CARD_PAYMENT_MINUTES,
             _("Enter a whole number of minutes from 5 to %(num)d.",
               num=MAX_CARD_PAYMENT_MINUTES))):
        value = values.get(field)
        if value is None:
            continue
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            errors[field] = message
        cleaned[field] = value
    return cleaned


def countries_from_text(text, errors):
    """The countries the shop ships to, one a line as the merchant typed them; blank lines and
    repeats (in any letter case) dropped. Problems go into errors["ship_countries"]."""
    countries, seen = [], set()
    for line in (text or "").splitlines():
        country = re.sub(r"\s+", " ", line).strip()
        if country and country.casefold() not in seen:
            seen.add(country.casefold())
            countries.append(country)
    if any(len(country) > COUNTRY_LIMIT for country in countries):
        errors["ship_countries"] = _("Please keep each country to %(num)d characters.",
                                     num=COUNTRY_LIMIT)
    elif len(countries) > MAX_COUNTRIES:
        errors["ship_countries"] = _("Please keep the list to %(num)d countries.",
                                     num=MAX_COUNTRIES)
    return countries


def save_settings(*, currency, tax_rate, prices_include_tax, free_shipping_threshold,
                  low_stock_threshold, locale="en", undo_minutes=None, bank_transfer_days=None,
                  card_payment_minutes=None, bank_account=None, thank_you_note=None, main_language=None,
                  ship_countries=None, handling_days=None, **texts):
    """Check and store the shop's settings (the text fields are named as on ShopSettings,
    the business information's too: None leaves one as stored). The order settings
    (undo_minutes, bank_transfer_days, bank_account, thank_you_note, handling_days: the
    working days an order takes to leave, which give new orders their ship-by day) and
    ship_countries (one
    country a line) are left as they are when None, and so is main_language (changing it moves
    every catalogue text: see domain.localized.change_main_language).

    Raises InvalidSettings naming every field that is wrong; nothing is changed then.
    """
    errors = {}
    sent_business = {name: texts.pop(name) for name in BUSINESS_FIELDS if name in texts}
    cleaned = _texts(texts, errors)
    cleaned.update(business.clean(sent_business, errors))
    cleaned.update(_multiline({"bank_account": bank_account, "thank_you_note": thank_you_note},
                              errors))
    cleaned.update(_whole_numbers({"undo_minutes": undo_minutes,
                                   "bank_transfer_days": bank_transfer_days,
                                   "card_payment_minutes": card_payment_minutes,
                                   "handling_days": handling_days}, errors))
    if ship_countries is not None:
        cleaned["ship_countries"] = countries_from_text(ship_countries, errors)
    if not cleaned.get("name"):
        errors["name"] = _("The shop needs a name.")
    if cleaned.get("email") and not _EMAIL.match(cleaned["email"]):
        errors["email"] = _("Please enter an email address like shop@example.com.")
    if not cleaned.get("default_region"):
        errors["default_region"] = _("Enter the region you ship to by default, e.g. Domestic.")
    try:
        ZoneInfo(cleaned.get("timezone") or "")
    except (ZoneInfoNotFoundError, ValueError):
        errors["timezone"] = _("Enter a time zone such as Asia/Seoul, Europe/London or UTC.")
    if not is_currency(currency) and currency != get_settings_row().currency:
        errors["currency"] = _("Please choose a currency from the list (ISO 4217 codes such "
                               "as KRW, USD or EUR).")
        currency = "USD"
    try:
        tax_rate_bp = percent_to_bp(tax_rate)
    except ShopError as error:
        errors["tax_rate"] = str(error)
    try:
        threshold = money_from_text(free_shipping_threshold, currency, locale)
    except ShopError as error:
        errors["free_shipping_threshold"] = str(error)
    if not isinstance(low_stock_threshold, int) or not 0 <= low_stock_threshold <= MAX_LOW_STOCK:
        errors["low_stock_threshold"] = _("Enter a whole number from 0 to %(num)d.", num=MAX_LOW_STOCK)
    if main_language is not None and main_language not in LANGUAGES:
        errors["main_language"] = _("Please choose one of the listed languages.")
    if errors:
        raise InvalidSettings(errors)

    row = get_settings_row()
    for field, value in cleaned.items():
        setattr(row, field, value)
    row.currency = currency
    row.tax_rate_bp = tax_rate_bp
    row.prices_include_tax = bool(prices_include_tax)
    row.free_shipping_threshold = threshold
    row.low_stock_threshold = low_stock_threshold
    if main_language is not None:
        localized.change_main_language(row, main_language)
    db.session.flush()
    return row


def save_carriers(rows):
    """Store the carriers the merchant ships with and their tracking-page address templates.

    `rows` are {"name", "url"} dicts as typed; rows left blank are ignored. The URL must be a
    web address with {number} where the tracking number goes. Raises InvalidSettings keyed
    "carriers-<row index>-name" / "-url"; nothing is changed then. Returns the stored list.
    """
    errors, carriers, seen = {}, [], set()
    for index, row in enumerate(rows):
        name = re.sub(r"\s+", " ", row.get("name") or "").strip()
        url = (row.get("url") or "").strip()
        if not name and not url:
            continue
        if not name or len(name) > CARRIER_NAME_LIMIT:
            errors[f"carriers-{index}-name"] = _(
                "Enter the carrier's name, up to %(num)d characters.", num=CARRIER_NAME_LIMIT)
        elif name.lower() in seen:
            errors[f"carriers-{index}-name"] = _("This carrier is already in the list.")
        seen.add(name.lower())
        if (not url.lower().startswith(("https://", "http://")) or "{number}" not in url
                or len(url) > CARRIER_URL_LIMIT or any(ch.isspace() for ch in url)):
            errors[f"carriers-{index}-url"] = _(
                "Enter the carrier's tracking address starting with https:// and containing "
                "{number} where the tracking number goes.")
        carriers.append({"name": name, "url": url})
    if len(carriers) > MAX_CARRIERS:
        errors["carriers"] = _("Please keep the list to %(num)d carriers.", num=MAX_CARRIERS)
    if errors:
        raise InvalidSettings(errors)
    row = get_settings_row()
    row.carriers = carriers
    db.session.flush()
    return carriers


def save_alerts(on):
    """Switch the merchant alerts: those named in `on` are sent, every other one is not.
    Names that are no alert are ignored. Returns the list of alerts switched off."""
    on = set(on or ())
    row = get_settings_row()
    row.alerts_off = [name for name in ALERT_SWITCHES if name not in on]
    db.session.flush()
    return row.alerts_off


MAX_HELP_OFFER_MINUTES = 120
MAX_REMINDER_HOURS = 7 * 24


def save_checkout_help(*, help_offer_minutes, reminder_hours, reminder_on):
    """Stalled and abandoned checkouts (domain/checkouts.py, domain/checkout_reminders.py): the
    minutes on the checkout page before help is offered (0: only after an error), the hours
    after leaving before the reminder, and whether reminders are sent. InvalidSettings names
    each wrong field; nothing is changed then."""
    errors = {}
    for name, value, low, high, message in (
            ("help_offer_minutes", help_offer_minutes, 0, MAX_HELP_OFFER_MINUTES,
             _("Enter a whole number of minutes from 0 to %(num)d.", num=MAX_HELP_OFFER_MINUTES)),
            ("reminder_hours", reminder_hours, 1, MAX_REMINDER_HOURS,
             _("Enter a whole number of hours from 1 to %(num)d.", num=MAX_REMINDER_HOURS))):
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            errors[name] = message
    if errors:
        raise InvalidSettings(errors)
    row = get_settings_row()
    row.help_offer_minutes = help_offer_minutes
    row.reminder_hours = reminder_hours
    row.reminder_on = bool(reminder_on)
    db.session.flush()
    return row


def shipping_methods():
    """Every shipping method, inactive ones included, in the order shoppers see them."""
    return db.session.scalars(db.select(ShippingMethod).order_by(
        ShippingMethod.active.desc(), ShippingMethod.position, ShippingMethod.price,
        ShippingMethod.id)).all()


def save_shipping_method(method=None, *, name, region, price, days_min, days_max, currency,
                         locale="en"):
    """Create (method=None) or change a shipping method; InvalidSettings when values are wrong."""
    errors = {}
    name = re.sub(r"\s+", " ", name or "").strip()
    region = re.sub(r"\s+", " ", region or "").strip()
    if not name or len(name) > 120:
        errors["name"] = _("Enter a name of up to 120 characters, e.g. Standard delivery.")
    if not region or len(region) > 60:
        errors["region"] = _("Enter a region of up to 60 characters, e.g. Domestic.")
    try:
        amount = money_from_text(price, currency, locale)
        if amount is None:
            errors["price"] = _("Enter a price; 0 for free shipping.")
    except ShopError as error:
        errors["price"] = str(error)
    for field, value in (("days_min", days_min), ("days_max", days_max)):
        if not isinstance(value, int) or not 0 <= value <= MAX_DAYS:
            errors[field] = _("Enter a whole number of days from 0 to %(num)d.", num=MAX_DAYS)
    if "days_min" not in errors and "days_max" not in errors and days_max < days_min:
        errors["days_max"] = _("The longest delivery time cannot be shorter than the shortest.")
    if errors:
        raise InvalidSettings(errors)

    if method is None:
        last = db.session.scalar(db.select(db.func.max(ShippingMethod.position)))
        method = ShippingMethod(active=True, position=(last or 0) + 1)
        db.session.add(method)
    method.name, method.region, method.price = name, region, amount
    method.days_min, method.days_max = days_min, days_max
    db.session.flush()
    return method


def set_shipping_active(method, active):
    """Offer a method at checkout again, or stop offering it (orders keep their copy)."""
    method.active = bool(active)
    db.session.flush()
    return method
