"""Business hours as data, and the one place that answers "open now?", "next opening" and
"reply due by" for any instant. Every page and email that talks about hours or reply times
asks here, so what the shop promises is what the inbox's clock enforces.

Opening intervals are wall-clock times in the shop's time zone, so a daylight-saving change
moves them in UTC the way the shop's own clock moves. A shop with no hours set is treated as
always open: its reply target then runs on the plain clock.

The reply target: a question asked while the shop is open is due within `target_minutes` of
opening hours (the clock stops while the shop is closed); one asked while it is closed is due
within `closed_target_minutes` of opening hours after the next opening.
"""
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import get_day_names

# How far ahead an opening is looked for before the answer is "none" (a shop closed for good).
HORIZON_DAYS = 400


@dataclass(frozen=True)
class Schedule:
    """The shop's week: for each weekday (0 = Monday) its (opens, closes) minute pairs."""

    timezone: str = "UTC"
    weekly: tuple = ((), (), (), (), (), (), ())
    # {date: label}
    holidays: dict = field(default_factory=dict)
    target_minutes: int = 120
    closed_target_minutes: int = 60

    @property
    def zone(self):
        # A name the system's time zone database no longer knows reads as UTC, as the shop's
        # other dates do (shopconfig.zone), rather than failing every page that shows hours.
        try:
            return ZoneInfo(self.timezone or "UTC")
        except (ZoneInfoNotFoundError, ValueError):
            return ZoneInfo("UTC")

    @property
    def always_open(self):
        return not any(self.weekly)

    def __hash__(self):
        return hash((self.timezone, self.weekly, tuple(sorted(self.holidays.items())),
                     self.target_minutes, self.closed_target_minutes))


def schedule(timezone_name, intervals, holidays=(), target_minutes=120, closed_target_minutes=60):
    """A Schedule from (weekday, opens_minute, closes_minute) rows and (date, label) pairs."""
    weekly = [[] for _ in range(7)]
    for weekday, opens, closes in intervals:
        weekly[weekday].append((opens, closes))
    return Schedule(timezone=timezone_name or "UTC",
                    weekly=tuple(tuple(sorted(day)) for day in weekly),
                    holidays=dict(holidays), target_minutes=target_minutes,
                    closed_target_minutes=closed_target_minutes)


def _local(day, minute, zone):
    """The instant (UTC) of `minute` minutes after midnight of local `day`; 1440 is the next
    midnight. A wall time skipped by a daylight-saving change falls after the change."""
    wall = datetime.combine(day, time(0)) + timedelta(minutes=minute)
    return wall.replace(tzinfo=zone).astimezone(timezone.utc)


def _utc(moment):
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def intervals_on(sched, day):
    """The (start, end) UTC instants the shop is open on local date `day`."""
    if day in sched.holidays:
        return []
    zone = sched.zone
    return [(_local(day, opens, zone), _local(day, closes, zone))
            for opens, closes in sched.weekly[day.weekday()]]


def _intervals_from(sched, moment):
    """Every opening interval that ends after `moment`, in order, for HORIZON_DAYS."""
    day = moment.astimezone(sched.zone).date() - timedelta(days=1)
    for offset in range(HORIZON_DAYS + 1):
        for start, end in intervals_on(sched, day + timedelta(days=offset)):
            if end > moment:
                yield start, end


def is_open(sched, at):
    """Is the shop open at instant `at`?"""
    at = _utc(at)
    if sched.always_open:
        return True
    for start, end in _intervals_from(sched, at):
        return start <= at
    return False


def next_opening(sched, at):
    """`at` itself if the shop is open then, otherwise when it next opens (None if it never
    does within HORIZON_DAYS)."""
    at = _utc(at)
    if sched.always_open:
        return at
    for start, _end in _intervals_from(sched, at):
        return max(start, at)
    return None


def closes_at(sched, at):
    """When the current opening ends (None when closed at `at` or always open). Intervals that
    touch (a day open until midnight and the next from midnight) count as one opening."""
    at = _utc(at)
    if sched.always_open:
        return None
    end = None
    for start, finish in _intervals_from(sched, at):
        if end is None:
            if start > at:
                return None
        elif start > end:
            break
        end = finish if end is None else max(end, finish)
    return end


def add_open_minutes(sched, start, minutes):
    """The instant `minutes` minutes of opening hours after `start` (None past the horizon)."""
    start = _utc(start)
    if sched.always_open:
        return start + timedelta(minutes=minutes)
    left = timedelta(minutes=minutes)
    for opens, closes in _intervals_from(sched, start):
        begin = max(opens, start)
        if begin + left <= closes:
            return begin + left
        left -= closes - begin
    return None


def reply_due(sched, received):
    """When an answer to a question received at `received` is due (None if the shop never
    opens again within the horizon)."""
    received = _utc(received)
    if is_open(sched, received):
        return add_open_minutes(sched, received, sched.target_minutes)
    opening = next_opening(sched, received)
    if opening is None:
        return None
    return add_open_minutes(sched, opening, sched.closed_target_minutes)


@dataclass(frozen=True)
class Promise:
    """What the shop can say at instant `now` about when it answers: the figures behind
    "We usually reply within 2 hours during business hours; we are closed now and open
    Monday 09:00"."""

    now: datetime
    open_now: bool
    always_open: bool
    target_minutes: int
    closed_target_minutes: int
    # When the shop next opens (None while it is open, or if it never opens again).
    opens_at: datetime | None
    # When a question asked now is due.
    due_at: datetime | None
    timezone: str


def promise(sched, now):
    now = _utc(now)
    open_now = is_open(sched, now)
    return Promise(now=now, open_now=open_now, always_open=sched.always_open,
                   target_minutes=sched.target_minutes,
                   closed_target_minutes=sched.closed_target_minutes,
                   opens_at=None if open_now else next_opening(sched, now),
                   due_at=reply_due(sched, now), timezone=sched.timezone)


def local(sched, moment):
    """`moment` on the shop's clock."""
    return _utc(moment).astimezone(sched.zone)


def upcoming_holidays(sched, today, days=60):
    """(date, label) for the holidays in the next `days` days from local date `today`."""
    until = today + timedelta(days=days)
    return sorted((day, label) for day, label in sched.holidays.items() if today <= day <= until)


def clock(minute):
    """09:00 for 540; 24:00 for a day open until midnight."""
    return f"{minute // 60:02d}:{minute % 60:02d}"


def describe_week(sched, locale="en"):
    """The week in short lines, days with the same hours together: ["Mon–Fri 09:00–18:00",
    "Sat 10:00–13:00"] ("월–금 09:00–18:00" in Korean). Closed days are left out; a shop with
    no hours gets no lines. Times are the shop's wall clock, 24-hour in every language."""
    names = get_day_names("abbreviated", locale=locale)
    groups = {}
    for weekday, spans in enumerate(sched.weekly):
        if spans:
            groups.setdefault(spans, []).append(weekday)
    lines = []
    for spans, days in sorted(groups.items(), key=lambda item: item[1][0]):
        runs, run = [], [days[0]]
        for day in days[1:]:
            if day == run[-1] + 1:
                run.append(day)
            else:
                runs.append(run)
                run = [day]
        runs.append(run)
        named = []
        for run in runs:
            if len(run) >= 3:
                named.append(f"{names[run[0]]}–{names[run[-1]]}")
            else:
                named.extend(names[day] for day in run)
        times = ", ".join(f"{clock(opens)}–{clock(closes)}" for opens, closes in spans)
        lines.append(f"{', '.join(named)} {times}")
    return lines
