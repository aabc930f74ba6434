""""How did we do?": five faces at three touchpoints, one answer per touchpoint per subject.

- "delivery", about an order ("order:<id>"): in the delivered email;
- "return", about a return ("return:<id>"): on the return's page once it is closed (refunded,
  exchanged, credited or rejected);
- "conversation", about a help conversation ("conversation:<id>"): on the customer's
  conversation page once it is resolved.

Links are signed (touchpoint and subject, with the app's secret), so nobody answers for
someone else's order. An email's face links open a page with that face chosen and a box for an
optional comment; only the page's POST records. Mail scanners open every link of an email to
inspect it, so a GET that recorded would record all five faces, the last one winning: the
answer would be the scanner's. A later answer replaces the earlier one (a later tap changes
it), in place, so the figures count each subject once.
"""
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.dialects import postgresql, sqlite

from ..errors import ShopError
from ..extensions import db
from ..models import Conversation, Order, ReturnRequest, ReviewRequest, Satisfaction
from . import COMMENT_LIMIT

SALT = "satisfaction"
# Control characters (not line breaks or tabs) are dropped from a comment: plain text only.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
TOUCHPOINTS = ("delivery", "return", "conversation")
CLOSED_RETURNS = ("refunded", "exchanged", "credited", "rejected")
SCORES = (1, 2, 3, 4, 5)
# The faces, saddest first: the emoji and what a screen reader says for it.
FACES = {1: ("😞", _l("Very unhappy")), 2: ("🙁", _l("Unhappy")), 3: ("😐", _l("Neutral")),
         4: ("🙂", _l("Happy")), 5: ("😄", _l("Very happy"))}
TOUCHPOINT_LABELS = {"delivery": _l("After delivery"), "return": _l("After a return"),
                     "conversation": _l("After a help conversation")}


class InvalidAnswer(ShopError):
    pass


@dataclass(frozen=True)
class Subject:
    """What is being rated, and by whom."""
    touchpoint: str
    key: str
    order_id: int | None
    return_id: int | None
    conversation_id: int | None
    user_id: int | None
    email: str
    locale: str
    # The page the customer came from, to go back to.
    reference: str


def _serializer(secret):
    return URLSafeSerializer(secret, salt=SALT)


def token(touchpoint, thing, secret):
    """The signed part of a satisfaction link for an order, a return or a conversation."""
    return _serializer(secret).dumps([touchpoint, thing.id])


def subject_of(touchpoint, thing):
    if touchpoint == "delivery":
        return Subject("delivery", f"order:{thing.id}", thing.id, None, None, thing.user_id,
                       thing.email, thing.locale, thing.number)
    if touchpoint == "return":
        order = thing.order
        return Subject("return", f"return:{thing.id}", order.id, thing.id, None, order.user_id,
                       order.email, order.locale, thing.number)
    return Subject("conversation", f"conversation:{thing.id}", thing.order_id, thing.return_id,
                   thing.id, thing.user_id, thing.email, thing.locale, thing.reference)


def may_answer(touchpoint, thing):
    """Whether the touchpoint has happened: delivered, return closed, conversation resolved."""
    if touchpoint == "delivery":
        return thing.status == "delivered" and not thing.erasure_ref
    if touchpoint == "return":
        return thing.status in CLOSED_RETURNS
    return thing.status == "resolved"


def for_token(value, secret):
    """(touchpoint, order/return/conversation) a link names; InvalidAnswer if altered, or if
    what it names is gone or not ready to be rated."""
    problem = InvalidAnswer(_l("This link is not valid any more. Thank you all the same!"))
    try:
        touchpoint, thing_id = _serializer(secret).loads(value or "")
    except (BadSignature, TypeError, ValueError):
        raise problem
    model = {"delivery": Order, "return": ReturnRequest, "conversation": Conversation}.get(
        touchpoint)
    if model is None or not isinstance(thing_id, int):
        raise problem
    thing = db.session.get(model, thing_id)
    if thing is None or not may_answer(touchpoint, thing):
        raise problem
    return touchpoint, thing


def answer_of(subject):
    return db.session.scalar(db.select(Satisfaction).where(
        Satisfaction.touchpoint == subject.touchpoint, Satisfaction.subject == subject.key))


def parse_score(value):
    try:
        score = int(value)
    except (TypeError, ValueError):
        score = None
    if score not in SCORES:
        raise InvalidAnswer(_l("Choose one of the five faces."))
    return score


def record(subject, score, comment, now, keep_comment=False):
    """Record (or change) the subject's one answer. With keep_comment, a comment given before
    stays (a tap on a face from the page sends no comment)."""
    score = parse_score(score)
    comment = _CONTROL.sub("", comment or "").replace("\r\n", "\n").strip()
    if len(comment) > COMMENT_LIMIT:
        raise InvalidAnswer(_l("Please keep the comment under %(limit)d characters.",
                               limit=COMMENT_LIMIT))
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    changes = {"score": score, "updated_at": now, "locale": subject.locale}
    if not (keep_comment and not comment):
        changes["comment"] = comment
    statement = insert(Satisfaction).values(
        touchpoint=subject.touchpoint, subject=subject.key, order_id=subject.order_id,
        return_id=subject.return_id, conversation_id=subject.conversation_id,
        user_id=subject.user_id, email=subject.email or "", score=score, comment=comment,
        locale=subject.locale or "en", created_at=now, updated_at=now)
    # Two taps at once (a double click) end as one answer: the unique subject decides.
    db.session.execute(statement.on_conflict_do_update(
        index_elements=["touchpoint", "subject"], set_=changes))
    db.session.expire_all()
    return answer_of(subject)


# The back office's figures.
@dataclass(frozen=True)
class Month:
    month: str            # "2026-11"
    touchpoint: str
    answers: int
    average: float | None
    happy: int            # 4 or 5


def _month_starts(now, zone, months):
    local = now.astimezone(zone)
    year, month = local.year, local.month
    found = []
    for _ in range(months):
        found.append((year, month))
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return list(reversed(found))


def by_month(now, zone, months=6):
    """Each touchpoint's answers, average and happy answers per month (the shop's months),
    the last `months` months, oldest first. An answer counts in the month it was last given
    (a changed answer moves to the month of the change)."""
    starts = _month_starts(now, zone, months)
    first = datetime(starts[0][0], starts[0][1], 1, tzinfo=zone)
    rows = db.session.execute(
        db.select(Satisfaction.touchpoint, Satisfaction.score, Satisfaction.updated_at)
        .where(Satisfaction.updated_at >= first - timedelta(days=1))).all()
    buckets = {(f"{year}-{month:02d}", touchpoint): []
               for year, month in starts for touchpoint in TOUCHPOINTS}
    for touchpoint, score, created in rows:
        key = (f"{created.astimezone(zone):%Y-%m}", touchpoint)
        if key in buckets:
            buckets[key].append(score)
    return [Month(month, touchpoint, len(scores),
                  round(sum(scores) / len(scores), 2) if scores else None,
                  sum(1 for score in scores if score >= 4))
            for (month, touchpoint), scores in buckets.items()]


@dataclass(frozen=True)
class ResponseRate:
    sent: int
    answered: int

    @property
    def percent(self):
        return round(100 * self.answered / self.sent) if self.sent else None


def response_rate(now, days=90):
    """Review requests sent in the last `days`, and how many of them brought a review."""
    since = now - timedelta(days=days)
    count = db.func.count(ReviewRequest.id)
    sent = db.session.scalar(db.select(count).where(ReviewRequest.sent_at >= since)) or 0
    answered = db.session.scalar(db.select(count).where(
        ReviewRequest.sent_at >= since, ReviewRequest.answered_at.is_not(None))) or 0
    return ResponseRate(sent, answered)
