"""Birthdays: an optional month and day in the account (never the year), and the worker's
birthday code.

The job "birthday-codes" runs daily in the shop's time zone. A customer's birthday this year
(29 February falls on 28 February in other years) is due from `birthday_days_before` days before
it until the day itself, so a worker that was down on the day, or a customer who agreed to
marketing email in between, still gets it once. Once a year per customer: the code is issued
under "birthday:<user>:<year>" and its email queued under the same key, the tier's birthday
points entered under "birthday-points:<user>:<year>" (the year is the birthday's, so a birthday
on 2 January sent on 30 December counts for the new year). Any number of workers, or a run
repeated, give each once.

The email is advertising (정보통신망법 제50조): it goes only to customers who agreed to
marketing email (consent.may_market), in their language, its Korean subject starts with
"(광고)", and it carries the unsubscribe link and the one-click List-Unsubscribe headers
(blueprints/mail.py). Without consent no code is issued (the email is the only way it would
reach anyone), but the tier's birthday points, a perk of the tier and not an advertisement,
are still added.
"""
import calendar
from datetime import date, timedelta

from flask_babel import format_date, gettext as _

from .. import consent, marketing, personal_data, shopconfig
from ..errors import ShopError
from ..extensions import db
from ..models import LoyaltyTier, ShopSettings, User
from . import coupons, points, settings as loyalty_settings
from .codes import BIRTHDAY_PREFIX, ends_at

KIND = "birthday_code"
# A leap year: 29 February is a birthday a customer may keep.
_LEAP = 2000


class InvalidBirthday(ShopError):
    """A birthday that cannot be kept; `errors` maps "month"/"day" to what is wrong."""

    def __init__(self, errors):
        super().__init__(" ".join(errors.values()))
        self.errors = errors


def _number(value):
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


def set_birthday(user, month, day):
    """Keep the account's birthday (month and day), or clear it when both are empty. Raises
    InvalidBirthday, changing nothing, for half a date or a day the month does not have."""
    month, day = _number(month), _number(day)
    errors = {}
    if month is None and day is None:
        user.birth_month = user.birth_day = None
        db.session.flush()
        return None
    if month is None:
        errors["month"] = _("Choose the month of your birthday too, or clear both.")
    elif not 1 <= month <= 12:
        errors["month"] = _("Choose a month from the list.")
    if day is None:
        errors["day"] = _("Choose the day of your birthday too, or clear both.")
    elif not 1 <= day <= 31:
        errors["day"] = _("Choose a day from 1 to 31.")
    elif "month" not in errors:
        longest = calendar.monthrange(_LEAP, month)[1]
        if day > longest:
            errors["day"] = _("%(month)s has only %(num)d days.",
                              month=format_date(date(_LEAP, month, 1), "MMMM"), num=longest)
    if errors:
        raise InvalidBirthday(errors)
    user.birth_month, user.birth_day = month, day
    db.session.flush()
    return (month, day)


def birthday_in(year, month, day):
    """The birthday's date in `year`: 29 February is 28 February in a year without it."""
    if month == 2 and day == 29 and not calendar.isleap(year):
        return date(year, 2, 28)
    return date(year, month, day)


def due_birthday(month, day, today, days_before):
    """The birthday whose sending window [birthday - days_before, birthday] holds `today`, or
    None."""
    for year in (today.year, today.year + 1):
        birthday = birthday_in(year, month, day)
        if birthday - timedelta(days=days_before) <= today <= birthday:
            return birthday
    return None


def _language(user):
    if user.locale:
        return user.locale
    row = db.session.get(ShopSettings, 1)
    return (row.main_language if row is not None else "") or "en"


def sweep(now, zone, config=None):
    """Give the birthdays due today (shop time) their code, email and tier points, once each;
    the email is held until the end of quiet hours (marketing.queue). Returns what the
    worker's status shows."""
    # Read, never made here: no row means the defaults (no birthday code).
    settings = loyalty_settings.peek()
    code_on = settings is not None and settings.birthday_kind in ("amount", "percent") \
        and settings.birthday_value > 0
    tiers_with_points = db.session.scalar(db.select(db.func.count()).select_from(LoyaltyTier)
                                          .where(LoyaltyTier.birthday_points > 0))
    if not code_on and not tiers_with_points:
        return ""
    today = now.astimezone(zone).date()
    before = max(0, settings.birthday_days_before or 0) if settings is not None else 0
    months = {(today + timedelta(days=n)).month for n in range(before + 1)}
    users = db.session.scalars(
        db.select(User).where(User.birth_month.in_(sorted(months)), User.birth_day.isnot(None),
                              User.erased_at.is_(None)).order_by(User.id)).all()
    codes = gifts = 0
    for user in users:
        birthday = due_birthday(user.birth_month, user.birth_day, today, before)
        if birthday is None:
            continue
        given = _tier_points(user, birthday.year, now)
        gifts += 1 if given else 0
        if not consent.may_market(user):
            continue
        coupon = None
        if code_on:
            coupon = coupons.issue(
                f"birthday:{user.id}:{birthday.year}", source="birthday",
                kind=settings.birthday_kind, value=settings.birthday_value, now=now,
                ends_at=ends_at(now, settings.birthday_days, zone), prefix=BIRTHDAY_PREFIX,
                name=f"Birthday {birthday.year}", customer_user_id=user.id)
        points_given = _points_of_year(user, birthday.year)
        if coupon is None and not points_given:
            continue
        if marketing.queue(f"birthday:{user.id}:{birthday.year}", KIND, user.email, now=now,
                           config=config or shopconfig.current(), whom=user,
                           locale=_language(user),
                           data={"user_id": user.id,
                                 "coupon_id": coupon.id if coupon is not None else None,
                                 "points": points_given, "birthday": birthday.isoformat()}):
            codes += 1
    if not codes and not gifts:
        return ""
    return (f"sent {codes} birthday email{'s' if codes != 1 else ''}, "
            f"gave birthday points to {gifts} customer{'s' if gifts != 1 else ''}")


def points_key(user_id, year):
    return f"birthday-points:{user_id}:{year}"


def _tier_points(user, year, now):
    """The tier's birthday points, once a year: True if given by this call."""
    tier = db.session.get(LoyaltyTier, user.tier_id) if user.tier_id else None
    amount = tier.birthday_points if tier is not None else 0
    if amount <= 0:
        return False
    settings = loyalty_settings.peek()
    months = (settings.points_expiry_months or 0) if settings is not None else 0
    expires = personal_data.add_months(now, months) if months > 0 else None
    entry = points.entry_once(points_key(user.id, year), user_id=user.id, kind="bonus",
                              points=amount, pending=0, note="Birthday bonus",
                              vested_at=now, expires_at=expires, created_at=now)
    if entry is None:
        return False
    points.move(user.id, amount, 0)
    return True


def _points_of_year(user, year):
    from ..models import PointsEntry
    return db.session.scalar(db.select(PointsEntry.points).where(
        PointsEntry.key == points_key(user.id, year))) or 0
