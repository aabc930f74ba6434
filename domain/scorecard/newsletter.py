"""Newsletter growth: marketing consents confirmed, and withdrawn, per month in the shop's time
zone for the last MONTHS months (this month so far included), and how many are active now.
A consent counts once confirmed (double opt-in: Consent.confirmed_at)."""
from dataclasses import dataclass
from datetime import date, datetime, time, timezone

from ..consent import MARKETING_EMAIL
from ..extensions import db
from ..models import Consent
from ..shopconfig import zone
from .periods import bucket

MONTHS = 6


@dataclass(frozen=True)
class Month:
    month: date  # the first day
    confirmed: int
    withdrawn: int


@dataclass(frozen=True)
class Growth:
    months: list
    active: int

    @property
    def confirmed(self):
        return sum(m.confirmed for m in self.months)


def _months(now, tz, count):
    today = now.astimezone(tz).date()
    firsts, year, month = [], today.year, today.month
    for _ in range(count):
        firsts.append(date(year, month, 1))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return firsts[::-1]


def growth(now, config, months=MONTHS):
    tz = zone(config.timezone)
    firsts = _months(now, tz, months)
    start = datetime.combine(firsts[0], time.min, tzinfo=tz).astimezone(now.tzinfo)
    marketing = Consent.purpose == MARKETING_EMAIL
    bounds = [datetime.combine(first, time.min, tzinfo=tz).astimezone(timezone.utc)
              for first in firsts]
    up = _per_month(Consent.confirmed_at, bounds, marketing, Consent.confirmed_at >= start,
                    Consent.confirmed_at <= now)
    down = _per_month(Consent.withdrawn_at, bounds, marketing, Consent.confirmed_at.is_not(None),
                      Consent.withdrawn_at >= start, Consent.withdrawn_at <= now)
    active = db.session.scalar(db.select(db.func.count(Consent.id)).where(
        marketing, Consent.confirmed_at.is_not(None), Consent.confirmed_at <= now,
        db.or_(Consent.withdrawn_at.is_(None), Consent.withdrawn_at > now))) or 0
    return Growth(months=[Month(first, up.get(i, 0), down.get(i, 0))
                          for i, first in enumerate(firsts)], active=active)


def _per_month(column, bounds, *conditions):
    month = bucket(column, bounds).label("month")
    return dict(db.session.execute(db.select(month, db.func.count()).where(*conditions)
                                   .group_by(month)).all())
