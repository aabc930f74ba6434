"""Saving what the merchant sets for the help desk: the business hours of each weekday, the
holidays, the reply targets with the reopen window, and who answers (the persona).

Each save checks everything it was given before it writes anything, raises InvalidSettings
naming each field that is wrong (the names are the settings page's field names), and flushes;
the caller's transaction commits. The storefront shows the hours from these rows
(domain/shopconfig.py caches them as the Schedule), so a change shows on the next request.
"""
import re
from datetime import date

from flask_babel import gettext as _

from ..extensions import db
from ..models import BusinessHours, Holiday
from ..settings import InvalidSettings
from ..shopconfig import LANGUAGES, get_settings_row
from .hours import clock

# Opening intervals a weekday may have: the morning and the afternoon around a lunch break.
SPANS_PER_DAY = 2
DAY_MINUTES = 24 * 60
HOLIDAY_LABEL_LIMIT = 120
# A reply target longer than a week is no promise; the reopen window up to a year.
MAX_TARGET_MINUTES = 7 * DAY_MINUTES
MAX_REOPEN_DAYS = 365
PERSONA_NAME_LIMIT = 80
PERSONA_GREETING_LIMIT = 200
# A browser's time picker may add seconds (":00") to what it sends.
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})(?::00)?$")


def span_field(weekday, index, end):
    """The form field of one time: d0_0_opens is Monday's first opening time."""
    return f"d{weekday}_{index}_{end}"


def parse_clock(text, closing=False):
    """Minutes after midnight from "09:00"; None for a blank. A closing time of 00:00 or 24:00
    is midnight at the end of the day (a time picker offers no 24:00). ValueError otherwise."""
    text = (text or "").strip()
    if not text:
        return None
    found = _CLOCK.match(text)
    if not found:
        raise ValueError(text)
    hour, minute = int(found.group(1)), int(found.group(2))
    if minute > 59 or hour > 24 or (hour == 24 and (minute or not closing)):
        raise ValueError(text)
    value = hour * 60 + minute
    return DAY_MINUTES if closing and value == 0 else value


def save_hours(days):
    """Store the week: `days` holds seven lists (Monday first) of up to SPANS_PER_DAY
    (opens, closes) pairs as typed ("09:00", "18:00"); a pair left blank is no opening, a day
    with none is closed. Replaces every stored interval; returns the (weekday, opens, closes)
    rows stored."""
    errors, rows = {}, []
    days = list(days)
    if len(days) != 7:
        raise ValueError("seven days expected")
    for weekday, spans in enumerate(days):
        if len(spans) > SPANS_PER_DAY:
            raise ValueError("too many openings in a day")
        kept = []
        for index, (opens_text, closes_text) in enumerate(spans):
            opens_key = span_field(weekday, index, "opens")
            closes_key = span_field(weekday, index, "closes")
            opens = closes = None
            try:
                opens = parse_clock(opens_text)
            except ValueError:
                errors[opens_key] = _("Enter a time like 09:00, on the 24-hour clock.")
            try:
                closes = parse_clock(closes_text, closing=True)
            except ValueError:
                errors[closes_key] = _("Enter a time like 18:00, on the 24-hour clock.")
            if opens_key in errors or closes_key in errors:
                continue
            if opens is None and closes is None:
                continue
            if opens is None:
                errors[opens_key] = _("Enter the opening time too, or clear both times.")
            elif closes is None:
                errors[closes_key] = _("Enter the closing time too, or clear both times.")
            elif closes <= opens:
                errors[closes_key] = _("The closing time must be after the opening time "
                                       "(%(time)s).", time=clock(opens))
            else:
                kept.append((opens, closes, closes_key))
        kept.sort()
        for (opens, closes, _key), (next_opens, _next_closes, next_key) in zip(kept, kept[1:]):
            if next_opens < closes:
                errors[next_key] = _("This opening overlaps the other one of the day, which "
                                     "runs until %(time)s.", time=clock(closes))
        rows.extend((weekday, opens, closes) for opens, closes, _key in kept)
    if errors:
        raise InvalidSettings(errors)
    for old in db.session.scalars(db.select(BusinessHours)):
        db.session.delete(old)
    db.session.flush()
    for weekday, opens, closes in rows:
        db.session.add(BusinessHours(weekday=weekday, opens_minute=opens, closes_minute=closes))
    db.session.flush()
    return rows


def holidays(today):
    """Every holiday: those from `today` (the shop's date) on first, soonest first, then the
    past ones, latest first."""
    every = db.session.scalars(db.select(Holiday).order_by(Holiday.day)).all()
    return ([h for h in every if h.day >= today]
            + sorted((h for h in every if h.day < today), key=lambda h: h.day, reverse=True))


def add_holiday(day, label, today):
    """Close the shop all day on `day` (a date), with an optional label shoppers may read.
    Refused for a date already passed (most likely a mistyped year) or already a holiday."""
    label = re.sub(r"\s+", " ", label or "").strip()
    errors = {}
    if not isinstance(day, date):
        errors["day"] = _("Enter the date the shop is closed.")
    elif day < today:
        errors["day"] = _("That date has already passed: enter a date from today on.")
    elif db.session.scalar(db.select(Holiday.id).where(Holiday.day == day)) is not None:
        errors["day"] = _("That date is already a holiday.")
    if len(label) > HOLIDAY_LABEL_LIMIT:
        errors["label"] = _("Please keep this to %(num)d characters.", num=HOLIDAY_LABEL_LIMIT)
    if errors:
        raise InvalidSettings(errors)
    holiday = Holiday(day=day, label=label)
    db.session.add(holiday)
    db.session.flush()
    return holiday


def delete_holiday(holiday):
    """Open on that date again, as the weekday's hours say."""
    db.session.delete(holiday)
    db.session.flush()


def _whole(value, low, high):
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def save_reply_targets(target_minutes, closed_target_minutes, reopen_days):
    """How fast the shop promises to answer, in minutes of opening hours: a question asked
    while open, and one asked while closed (counted from the next opening); and for how many
    days after a conversation is resolved a new message reopens it."""
    errors = {}
    for field, value in (("target_minutes", target_minutes),
                         ("closed_target_minutes", closed_target_minutes)):
        if not _whole(value, 1, MAX_TARGET_MINUTES):
            errors[field] = _("Enter a whole number of minutes from 1 to %(num)d.",
                              num=MAX_TARGET_MINUTES)
    if not _whole(reopen_days, 0, MAX_REOPEN_DAYS):
        errors["reopen_days"] = _("Enter a whole number of days from 0 to %(num)d.",
                                  num=MAX_REOPEN_DAYS)
    if errors:
        raise InvalidSettings(errors)
    row = get_settings_row()
    row.reply_target_minutes = target_minutes
    row.reply_target_closed_minutes = closed_target_minutes
    row.reopen_days = reopen_days
    db.session.flush()
    return row


def save_persona(per_language):
    """Who answers, per language: {"en": {"name": .., "greeting": ..}, "ko": {..}}. A language
    left blank falls back as domain/helpdesk/persona.py says. Errors are keyed en_name,
    ko_greeting..."""
    errors, persona = {}, {}
    for lang in LANGUAGES:
        sent = per_language.get(lang) or {}
        name = re.sub(r"\s+", " ", sent.get("name") or "").strip()
        greeting = re.sub(r"\s+", " ", sent.get("greeting") or "").strip()
        if len(name) > PERSONA_NAME_LIMIT:
            errors[f"{lang}_name"] = _("Please keep this to %(num)d characters.",
                                       num=PERSONA_NAME_LIMIT)
        if len(greeting) > PERSONA_GREETING_LIMIT:
            errors[f"{lang}_greeting"] = _("Please keep this to %(num)d characters.",
                                           num=PERSONA_GREETING_LIMIT)
        if name or greeting:
            persona[lang] = {"name": name, "greeting": greeting}
    if errors:
        raise InvalidSettings(errors)
    row = get_settings_row()
    row.persona = persona
    db.session.flush()
    return persona
