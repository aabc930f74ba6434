"""Reply-time figures: how long a customer waits for a person's first answer, for chats and for
messages (the contact form and emails), split by whether the question came in while the shop
was open or closed.

A chat's clock starts when the bot hands it to a person (handed_over_at): the minutes the
shopper spent with the bot are not a wait for staff. A message's clock starts when it was
asked. The median is taken in Python over a bounded window (WINDOW_DAYS of conversations off
the index on created_at), so SQLite and PostgreSQL give the same answer.

The chat panel's "usually within N minutes" reads chat_reply_minutes(): the median for chats
handed over in business hours, the only promise the shop keeps live.
"""
import math
import statistics
from dataclasses import dataclass
from datetime import timedelta

from .. import shopconfig
from ..extensions import db
from ..models import Conversation
from . import hours

WINDOW_DAYS = 30


@dataclass(frozen=True)
class Median:
    """The median first response of a group, None when nothing in it was answered, and over
    how many conversations."""
    median: timedelta | None
    count: int

    @property
    def minutes(self):
        """Whole minutes, rounded up (a 40-second wait reads "1 min"), or None."""
        if self.median is None:
            return None
        return max(1, math.ceil(self.median.total_seconds() / 60))


@dataclass(frozen=True)
class ReplyTimes:
    chat_in_hours: Median
    chat_out_of_hours: Median
    message_in_hours: Median
    message_out_of_hours: Median
    days: int = WINDOW_DAYS

    @property
    def any(self):
        return any(m.count for m in (self.chat_in_hours, self.chat_out_of_hours,
                                     self.message_in_hours, self.message_out_of_hours))


def _median(waits):
    if not waits:
        return Median(None, 0)
    return Median(timedelta(seconds=round(statistics.median(waits))), len(waits))


def _waits(now, schedule, days):
    """{(is_chat, in_hours): [seconds, ...]} over the conversations asked in the window that a
    person answered."""
    rows = db.session.execute(
        db.select(Conversation.channel, Conversation.created_at, Conversation.handed_over_at,
                  Conversation.first_response_at)
        .where(Conversation.created_at >= now - timedelta(days=days),
               Conversation.first_response_at.is_not(None))).all()
    waits = {(chat, open_): [] for chat in (True, False) for open_ in (True, False)}
    for channel, created, handed_over, answered in rows:
        chat = channel == "chat"
        start = handed_over if chat else created
        if start is None or answered < start:
            # A chat a person answered without a hand-over (the inbox never listed it).
            continue
        waits[(chat, hours.is_open(schedule, start))].append((answered - start).total_seconds())
    return waits


def reply_times(now, schedule=None, days=WINDOW_DAYS):
    """The dashboard's four medians over the last `days` days."""
    schedule = schedule if schedule is not None else shopconfig.current().schedule
    waits = _waits(now, schedule, days)
    return ReplyTimes(chat_in_hours=_median(waits[(True, True)]),
                      chat_out_of_hours=_median(waits[(True, False)]),
                      message_in_hours=_median(waits[(False, True)]),
                      message_out_of_hours=_median(waits[(False, False)]), days=days)


def chat_reply_minutes(now, schedule=None):
    """The median first response, in whole minutes, of the chats handed over in business
    hours in the last WINDOW_DAYS days; None when there is no such chat yet (then promise
    nothing)."""
    schedule = schedule if schedule is not None else shopconfig.current().schedule
    return _median(_waits(now, schedule, WINDOW_DAYS)[(True, True)]).minutes
