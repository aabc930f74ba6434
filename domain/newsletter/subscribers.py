"""The back office's newsletter page (/admin/newsletter, the owner's): how many subscribers
(confirmed consents in force), new and gone per month, the list with each consent's details
(address, since, where it was given, the wording's version, the language) one page at a time
and as a CSV file, and the two sending settings: quiet hours and the campaigns' rate."""
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import func

from .. import consent
from ..catalog import Page, clamp_page
from ..extensions import db
from ..models import Consent, User
from ..settings import InvalidSettings
from ..shopconfig import get_settings_row

PER_PAGE = 50
GROWTH_MONTHS = 12
# The campaigns' sending rate (emails a second) the settings accept.
MAX_RATE = 1000


def _active():
    return (Consent.purpose == consent.MARKETING_EMAIL, Consent.confirmed_at.is_not(None),
            Consent.withdrawn_at.is_(None))


def count():
    return db.session.scalar(db.select(func.count(Consent.id)).where(*_active())) or 0


def pending_count():
    return db.session.scalar(db.select(func.count(Consent.id)).where(
        Consent.purpose == consent.MARKETING_EMAIL, Consent.confirmed_at.is_(None),
        Consent.withdrawn_at.is_(None))) or 0


@dataclass(frozen=True)
class Month:
    first_day: date
    joined: int
    left: int


def _months_back(today, months):
    year, month = today.year, today.month
    firsts = []
    for _i in range(months):
        firsts.append(date(year, month, 1))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return list(reversed(firsts))


def growth(now, zone, months=GROWTH_MONTHS):
    """Per month (shop's calendar), the last `months` months, oldest first: subscriptions
    confirmed and subscriptions withdrawn."""
    firsts = _months_back(now.astimezone(zone).date(), months)
    since = datetime.combine(firsts[0], datetime.min.time(), tzinfo=zone)
    rows = db.session.execute(db.select(Consent.confirmed_at, Consent.withdrawn_at).where(
        Consent.purpose == consent.MARKETING_EMAIL, Consent.confirmed_at.is_not(None),
        (Consent.confirmed_at >= since) | (Consent.withdrawn_at >= since))).all()
    joined = dict.fromkeys(firsts, 0)
    left = dict.fromkeys(firsts, 0)
    for confirmed_at, withdrawn_at in rows:
        for moment, counts in ((confirmed_at, joined), (withdrawn_at, left)):
            if moment is None:
                continue
            key = moment.astimezone(zone).date().replace(day=1)
            if key in counts:
                counts[key] += 1
    return [Month(first, joined[first], left[first]) for first in firsts]


@dataclass(frozen=True)
class Subscriber:
    email: str
    since: datetime
    source: str
    wording_version: str
    language: str


def _query():
    return (db.select(Consent, User.email).outerjoin(User, User.id == Consent.user_id)
            .where(*_active()).order_by(Consent.confirmed_at.desc(), Consent.id.desc()))


def _subscriber(record, account_email):
    return Subscriber(record.email or account_email or "", record.confirmed_at, record.source,
                      record.wording_version, record.language)


def page(number=1, per_page=PER_PAGE):
    total = count()
    number = clamp_page(number, total, per_page)
    rows = db.session.execute(_query().limit(per_page).offset((number - 1) * per_page)).all()
    return Page(items=[_subscriber(r, e) for r, e in rows], page=number, per_page=per_page,
                total=total)


CSV_HEADER = ("email", "since", "source", "wording_version", "language")


def csv_rows():
    """Every subscriber, newest first, for the CSV download (cells escaped by csvcells)."""
    for record, account_email in db.session.execute(_query().execution_options(yield_per=500)):
        item = _subscriber(record, account_email)
        yield (item.email, item.since.isoformat(), item.source, item.wording_version,
               item.language)


def save_settings(*, quiet_hours, campaign_rate):
    """Keep quiet hours on or off and the campaigns' rate (emails a second). Raises
    InvalidSettings, changing nothing, for a rate that is not a whole number from 1 to
    MAX_RATE."""
    if isinstance(campaign_rate, bool) or not isinstance(campaign_rate, int) \
            or not 1 <= campaign_rate <= MAX_RATE:
        raise InvalidSettings({"campaign_rate": _(
            "Enter a whole number of emails a second, from 1 to %(num)d.", num=MAX_RATE)})
    row = get_settings_row()
    row.quiet_hours = bool(quiet_hours)
    row.campaign_rate = campaign_rate
    db.session.flush()
    return row
