"""When marketing email may go out. Korean law (정보통신망법 제50조 제3항) asks for separate
consent before advertising is sent between 21:00 and 08:00; the shop does not ask for it, so
while the merchant keeps quiet hours on (the default), a marketing email queued in those hours
waits in the outbox until 08:00 in the shop's zone. Every sender of marketing email (campaigns,
birthday and thank-you codes, abandoned-checkout reminders, change notes) queues through
`send_at` after asking consent.may_market."""
from datetime import datetime, time, timedelta

from .shopconfig import zone

QUIET_FROM = time(21, 0)
QUIET_UNTIL = time(8, 0)


def quiet_until(now, config):
    """08:00 shop time (aware, in now's zone) if `now` falls in quiet hours and the shop keeps
    them; None otherwise."""
    if not getattr(config, "quiet_hours", True):
        return None
    tz = zone(config.timezone)
    local = now.astimezone(tz)
    if QUIET_UNTIL <= local.time() < QUIET_FROM:
        return None
    day = local.date() + (timedelta(days=1) if local.time() >= QUIET_FROM else timedelta())
    return datetime.combine(day, QUIET_UNTIL, tzinfo=tz).astimezone(now.tzinfo)


def send_at(now, config):
    """When a marketing email queued at `now` may be sent: now, or the end of quiet hours."""
    return quiet_until(now, config) or now
