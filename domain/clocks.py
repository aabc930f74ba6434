"""A promise's clock: how long until something is due, or how late it is. The refund promise
of a received return (days on the shop's calendar) and the reply due to a customer (minutes)
are both shown with it, through one back-office partial (templates/admin/_due_clock.html)."""
from dataclasses import dataclass
from datetime import datetime

from . import shopconfig

# A reply due within this many minutes is shown as due soon.
SOON_MINUTES = 30


@dataclass(frozen=True)
class DueClock:
    due_at: datetime
    # Calendar days in the shop's zone from today to the due day: 0 is "due today", negative
    # once the due day has passed.
    days_left: int
    # Whole minutes until due, rounded up; negative (rounded down) once overdue.
    minutes_left: int
    overdue: bool
    # "refund" (counted in days) or "reply" (in minutes and hours).
    kind: str = "refund"

    @property
    def soon(self):
        return not self.overdue and self.minutes_left <= SOON_MINUTES


def due_clock(due_at, now, timezone="UTC", kind="refund"):
    """The clock of a promise due at `due_at`, read at `now`; None when nothing is due."""
    if due_at is None:
        return None
    zone = shopconfig.zone(timezone)
    days = (due_at.astimezone(zone).date() - now.astimezone(zone).date()).days
    seconds = (due_at - now).total_seconds()
    minutes = int(-(-seconds // 60)) if seconds >= 0 else -int(-seconds // 60)
    return DueClock(due_at, days, minutes, now > due_at, kind)
