"""Who is there to talk to: a staff member with the inbox open, a shopper with the chat panel
open. Both poll every few seconds; each poll asks here, and the timestamp is written only when
it is a minute old (a conditional UPDATE), so an idle open panel or inbox costs a read, not a
write, on almost every request.

A chat is answered live only while the shop is open *and* a staff member has looked at the
inbox within STAFF_WINDOW; otherwise the panel says when the shop opens and the conversation
is answered by email. A reply to a shopper whose panel has not asked for news within
SHOPPER_WINDOW goes out by email too.
"""
from datetime import timedelta

from sqlalchemy import and_, or_, select, update

from ..extensions import db
from ..models import Conversation, User
from . import hours

# How often a poll may write its timestamp.
WRITE_EVERY = timedelta(seconds=60)
# A staff member who looked at the inbox this recently counts as there.
STAFF_WINDOW = timedelta(minutes=3)
# A shopper whose panel asked for news this recently is still on the page.
SHOPPER_WINDOW = timedelta(minutes=2)


def _touch(model, column, row_id, now):
    stale = now - WRITE_EVERY
    db.session.execute(
        update(model)
        .where(model.id == row_id, or_(column.is_(None), column < stale))
        .values({column.key: now})
        .execution_options(synchronize_session=False))


def staff_seen(user_id, now):
    """A staff member's inbox asked for news at `now`."""
    _touch(User, User.inbox_seen_at, user_id, now)


def customer_seen(conversation_id, now):
    """A shopper's open chat panel asked for news at `now`."""
    _touch(Conversation, Conversation.customer_seen_at, conversation_id, now)


def staff_present(now):
    """Has any back-office account looked at the inbox within STAFF_WINDOW?"""
    since = now - STAFF_WINDOW
    found = db.session.execute(
        select(User.id).where(and_(User.is_merchant.is_(True), User.inbox_seen_at >= since))
        .limit(1)).first()
    return found is not None


def staff_available(schedule, now):
    """Can a chat handed over at `now` be answered live: the shop is open and someone is there."""
    return hours.is_open(schedule, now) and staff_present(now)


def shopper_present(conversation, now):
    """Is the shopper's chat panel still open (it asked for news within SHOPPER_WINDOW)?"""
    seen = conversation.customer_seen_at
    return seen is not None and seen >= now - SHOPPER_WINDOW
