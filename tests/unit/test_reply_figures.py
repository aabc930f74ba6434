"""Reply-time figures: the median first response of chats (from the hand-over) and of messages
(from the question), in business hours and out of hours, over the last thirty days."""
from datetime import datetime, timedelta, timezone

from domain.extensions import db
from domain.helpdesk import figures
from tests.chat_staff_helpers import chat
from tests.help_helpers import help_shop
from tests.inbox_helpers import ask, reply

UTC = timezone.utc
# Tuesday 10 March 2026, 10:00 in Seoul (01:00 UTC): the shop is open (Mon-Fri 09:00-18:00).
IN_HOURS = datetime(2026, 3, 10, 1, 0, tzinfo=UTC)
# The same Tuesday, 21:00 in Seoul: closed.
OUT_OF_HOURS = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
NOW = datetime(2026, 3, 12, 3, 0, tzinfo=UTC)


def test_medians_in_and_out_of_hours_for_chats_and_messages(app, make):
    """Three chats in hours answered after 1, 3 and 20 minutes: median 3 (from the hand-over,
    not from the chat's start); a chat out of hours and messages are counted apart; an even
    count takes the middle two's mean; anything older than thirty days is left out."""
    help_shop(app, make)
    staff = make.user(email="boss@example.com", merchant=True)
    for n, minutes in enumerate((1, 3, 20)):
        ref = chat(app, email=f"c{n}@example.com", now=IN_HOURS - timedelta(minutes=30),
                   handed_over_at=IN_HOURS)
        reply(app, ref, staff["id"], now=IN_HOURS + timedelta(minutes=minutes))
    late = chat(app, email="late@example.com", now=OUT_OF_HOURS, handed_over_at=OUT_OF_HOURS)
    reply(app, late, staff["id"], now=OUT_OF_HOURS + timedelta(hours=13))
    bot_only = chat(app, email="bot@example.com", now=IN_HOURS, handed_over=False)
    for n, minutes in enumerate((30, 90)):
        ref = ask(app, email=f"m{n}@example.com", now=IN_HOURS)
        reply(app, ref, staff["id"], now=IN_HOURS + timedelta(minutes=minutes))
    old = chat(app, email="old@example.com", now=NOW - timedelta(days=31))
    reply(app, old, staff["id"], now=NOW - timedelta(days=31) + timedelta(hours=5))
    unanswered = ask(app, email="wait@example.com", now=OUT_OF_HOURS)
    assert bot_only and unanswered
    with app.app_context():
        times = figures.reply_times(NOW)
        assert (times.chat_in_hours.median, times.chat_in_hours.count) == (timedelta(minutes=3), 3)
        assert (times.chat_out_of_hours.median, times.chat_out_of_hours.count) == (timedelta(hours=13), 1)
        assert (times.message_in_hours.median, times.message_in_hours.count) == (timedelta(minutes=60), 2)
        assert times.message_out_of_hours == figures.Median(None, 0)
        assert figures.chat_reply_minutes(NOW) == 3


def test_no_chat_answered_in_hours_promises_nothing(app, make):
    """Without a chat answered in hours the panel gets None (and says no number); a wait under
    a minute reads as one minute, never zero."""
    help_shop(app, make)
    staff = make.user(email="boss@example.com", merchant=True)
    with app.app_context():
        assert figures.chat_reply_minutes(NOW) is None
    late = chat(app, now=OUT_OF_HOURS)
    reply(app, late, staff["id"], now=OUT_OF_HOURS + timedelta(minutes=5))
    with app.app_context():
        assert figures.chat_reply_minutes(NOW) is None
    quick = chat(app, email="quick@example.com", now=IN_HOURS)
    reply(app, quick, staff["id"], now=IN_HOURS + timedelta(seconds=40))
    with app.app_context():
        assert figures.chat_reply_minutes(NOW) == 1
        db.session.rollback()
