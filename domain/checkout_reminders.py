"""Abandoned checkouts: marked abandoned once the shopper has been gone for a while, and, if
they agreed to marketing email, one reminder after the shop's hours, with a link that restores
the cart. Korean law (정보통신망법 제50조) treats it as advertising: consent first, "(광고)" at
the start of the Korean subject, and an unsubscribe link and header in every one.

The worker's job `checkout-reminders` runs `sweep()`. Each reminder is decided once per
checkout by a conditional UPDATE of its `reminder` column (from "" to the outcome), in the same
transaction as the checks (ordered since? consent?) and the message queued under a key naming
the checkout (`notify.enqueue_once`), so any number of workers, or a run repeated, queue one.
"""
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import or_

from . import checkouts, consent, marketing, shopconfig
from .extensions import db
from .models import CheckoutRecord, Order, User

KIND = "abandoned_checkout"
# A checkout left longer ago than this gets no reminder (the shop was off, or the worker down).
TOO_LATE = timedelta(days=3)


def mark_abandoned(now):
    """Open checkouts not seen for checkouts.ABANDONED_AFTER become abandoned; returns how many."""
    return db.session.execute(
        db.update(CheckoutRecord)
        .where(CheckoutRecord.state == "open",
               CheckoutRecord.last_seen_at < now - checkouts.ABANDONED_AFTER)
        .values(state="abandoned", abandoned_at=now)
        .execution_options(synchronize_session=False)).rowcount


def due(now, hours):
    """Abandoned checkouts whose reminder is not decided and whose shopper left `hours` ago
    (and not longer than TOO_LATE before that), locked for the caller (SKIP LOCKED on
    PostgreSQL: another worker's are skipped)."""
    left_before = now - timedelta(hours=hours)
    return db.session.scalars(
        db.select(CheckoutRecord)
        .where(CheckoutRecord.state == "abandoned", CheckoutRecord.reminder == "",
               CheckoutRecord.last_seen_at <= left_before,
               CheckoutRecord.last_seen_at > left_before - TOO_LATE)
        .order_by(CheckoutRecord.id).limit(200)
        .with_for_update(skip_locked=True, of=CheckoutRecord)).all()


def ordered_since(record):
    """Whether the shopper placed an order since this checkout started (by account or email)."""
    who = []
    if record.user_id is not None:
        who.append(Order.user_id == record.user_id)
    if record.email:
        who.append(Order.email == record.email.lower())
    if not who:
        return False
    return db.session.scalar(db.select(Order.id).where(or_(*who),
                                                       Order.placed_at >= record.started_at)
                             .limit(1)) is not None


def _recipient(record):
    """(address, whom consent is asked about) for the reminder, or (None, None)."""
    if record.user_id is not None:
        user = db.session.get(User, record.user_id)
        if user is not None and user.erased_at is None:
            return user.email, user
    if record.email:
        return record.email, record.email
    return None, None


def _decide(record, outcome, now):
    """Claim the checkout's reminder for `outcome`; False if another run decided it first."""
    values = {"reminder": outcome}
    if outcome == "queued":
        values["reminder_queued_at"] = now
    return db.session.execute(
        db.update(CheckoutRecord)
        .where(CheckoutRecord.id == record.id, CheckoutRecord.reminder == "",
               CheckoutRecord.state == "abandoned")
        .values(**values).execution_options(synchronize_session=False)).rowcount == 1


def remind(record, now, reminders_on=True, config=None):
    """Decide and, if allowed, queue this checkout's one reminder (held until the end of quiet
    hours, marketing.send_at); returns the outcome."""
    address, whom = _recipient(record)
    if not reminders_on:
        outcome = "off"
    elif ordered_since(record):
        outcome = "ordered"
    elif not (record.cart or {}).get("items"):
        outcome = "empty"
    elif address is None or not consent.may_market(whom):
        outcome = "no_consent"
    else:
        outcome = "queued"
    if not _decide(record, outcome, now):
        return "taken"
    if outcome == "queued":
        marketing.queue(f"{KIND}:{record.key}", KIND, address, now=now,
                        config=config or shopconfig.current(), whom=whom,
                        locale=record.locale, data={"checkout_id": record.id})
    return outcome


def sweep(now, config):
    """The job: mark abandoned checkouts, then decide each due reminder. Returns a summary."""
    abandoned = mark_abandoned(now)
    outcomes = {}
    for record in due(now, config.reminder_hours):
        outcome = remind(record, now, config.reminder_on, config)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    purged = checkouts.purge_old(now)
    parts = []
    if abandoned:
        parts.append(f"{abandoned} checkout(s) abandoned")
    if outcomes.get("queued"):
        parts.append(f"{outcomes['queued']} reminder(s) queued")
    if purged:
        parts.append(f"{purged} old checkout(s) deleted")
    return ", ".join(parts)


@dataclass(frozen=True)
class Figures:
    abandoned: int
    reminded: int
    came_back: int


def figures(now, days=30):
    """For the dashboard, over the last `days`: checkouts abandoned, reminders queued, and how
    many of those reminded came back and ordered."""
    since = now - timedelta(days=days)
    count = db.func.count(CheckoutRecord.id)
    recent = CheckoutRecord.started_at >= since
    abandoned = db.session.scalar(db.select(count).where(
        recent, or_(CheckoutRecord.abandoned_at.is_not(None),
                    CheckoutRecord.state == "abandoned"))) or 0
    reminded = db.session.scalar(db.select(count).where(
        recent, CheckoutRecord.reminder == "queued")) or 0
    came_back = db.session.scalar(db.select(count).where(
        recent, CheckoutRecord.reminder == "queued", CheckoutRecord.state == "ordered",
        CheckoutRecord.ordered_at >= CheckoutRecord.reminder_queued_at)) or 0
    return Figures(abandoned, reminded, came_back)
