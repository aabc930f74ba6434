"""The request's clock and dates shown in the shop's time zone.

Times are stored in UTC; customers and the merchant read them in the shop's zone (a setting),
whatever the server's zone. Tests freeze the clock with app.config["CLOCK"], a callable
returning an aware UTC datetime.
"""
from datetime import timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_date, format_time, get_datetime_format
from flask_babel import get_locale

from ..common import now, shop  # noqa: F401  (the order views import now from here)


def shop_zone():
    try:
        return ZoneInfo(shop().timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def shop_datetime(value):
    """'Mar 3, 2026, 6:00 PM' in the shop's zone."""
    if value is None:
        return ""
    local = value.astimezone(shop_zone())
    locale = str(get_locale())
    # The locale's own way of joining a medium date and a time, with minutes but no seconds.
    return (get_datetime_format("medium", locale=locale).replace("'", "")
            .replace("{0}", format_time(local, "short", locale=locale))
            .replace("{1}", format_date(local, "medium", locale=locale)))


def shop_date(value, form="medium"):
    """The calendar day in the shop's zone: 'Mar 3, 2026'; form='full' adds the weekday."""
    if value is None:
        return ""
    return format_date(value.astimezone(shop_zone()), form, locale=str(get_locale()))


def iso_utc(value):
    """For <time datetime="...">."""
    return value.astimezone(timezone.utc).isoformat(timespec="minutes") if value else ""


def register(bp):
    bp.add_app_template_filter(shop_datetime, "shop_datetime")
    bp.add_app_template_filter(shop_date, "shop_date")
    bp.add_app_template_filter(iso_utc, "iso_utc")
