"""When marketing email may go out. Korean law (정보통신망법 제50조 제3항) asks for separate
consent before advertising is sent between 21:00 and 08:00; the shop does not ask for it, so
while the merchant keeps quiet hours on (the default), a marketing email queued in those hours
waits in the outbox until 08:00 in the shop's zone. Every sender of marketing email (campaigns,
birthday and thank-you codes, abandoned-checkout reminders, change notes) queues through
`send_at` after asking consent.may_market: `queue()` does both, and is the one way to queue a
marketing email. The outbox asks may_market once more when the message goes
(blueprints/mail.py), so consent withdrawn while it waited stops it too.

A marketing kind also needs, in blueprints/mail.py: its place in MARKETING_KINDS (the
List-Unsubscribe headers), "(Ad)" at the start of its subject (translated "(광고)"), and
`unsubscribe_url` in its context for the templates' footer link; the layout's footer carries
the shop's name and contact. tests/unit/test_marketing_kinds.py checks every kind for all of it.
"""
from datetime import datetime, time, timedelta

from . import consent, notify
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


def queue(key, kind, to_address, *, now, config, whom=None, locale="en", data=None,
          order=None):
    """Queue one marketing email: only if `whom` (the account, else `to_address`) may be sent
    marketing now (confirmed consent, not withdrawn), never twice for `key`, and held until the
    end of quiet hours. Returns the outbox message's id, or None when nothing was queued."""
    if not consent.may_market(whom if whom is not None else to_address):
        return None
    return notify.enqueue_keyed(key, kind, to_address, locale=locale, order=order, data=data,
                                now=send_at(now, config))
