"""The merchant's inbox: which conversations need a reply first, who has them, and the help
desk's figures for the dashboard.

The default listing is the open and waiting conversations, the open ones first with the reply
due soonest on top: the order of the index on (status, reply_due_at), so a page is read off
that index whatever the shop's history holds. Resolved conversations are read newest first off
the index on (status, last_message_at).
"""
import hashlib
import statistics
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import selectinload

from ..catalog import Page, clamp_page
from ..clocks import due_clock
from ..extensions import db
from ..models import Conversation, ConversationMessage, Order, Product, ReturnRequest, User
from . import presence
from .conversations import STATUS_LABELS, TOPICS, in_inbox

PER_PAGE = 25
ACTIVE = ("open", "waiting")
# "mine", "unassigned", "overdue": the inbox's quick filters.
SHOWS = ("mine", "unassigned", "overdue")
# Statuses to list: "" is the default (open and waiting), "all" is every one.
STATUS_CHOICES = ("", *STATUS_LABELS, "all")
PREVIEW_CHARS = 90
# The first response time is the median over the conversations started this many days back.
FIGURES_DAYS = 7


@dataclass(frozen=True)
class Filters:
    show: str = ""
    topic: str = ""
    status: str = ""

    @classmethod
    def parse(cls, show="", topic="", status=""):
        """Filters from what a URL says; anything unknown is ignored."""
        return cls(show=show if show in SHOWS else "", topic=topic if topic in TOPICS else "",
                   status=status if status in STATUS_CHOICES else "")

    @property
    def any(self):
        return bool(self.show or self.topic or self.status)


@dataclass(frozen=True)
class Row:
    conversation: Conversation
    # The subject, or the first words of the customer's first message.
    preview: str
    clock: object
    # A chat whose shopper has the panel open right now.
    live: bool = False


def preview(subject, first_words):
    """What a row shows of a conversation: its subject, else its opening words, cut at a word."""
    text = (subject or "").strip() or " ".join((first_words or "").split())
    if len(text) <= PREVIEW_CHARS:
        return text
    cut = text[:PREVIEW_CHARS].rsplit(" ", 1)[0] or text[:PREVIEW_CHARS]
    return cut.rstrip(",.;:") + "…"


def reply_clock(conversation, now, timezone="UTC"):
    """The reply-due clock of a conversation a reply is owed on, else None."""
    if conversation.status != "open":
        return None
    return due_clock(conversation.reply_due_at, now, timezone, kind="reply")


def _conditions(filters, now, staff_id):
    if filters.status == "all":
        conditions = [in_inbox()]
    elif filters.status:
        conditions = [Conversation.status == filters.status, in_inbox()]
    else:
        conditions = [Conversation.status.in_(ACTIVE), in_inbox()]
    if filters.show == "mine":
        conditions.append(Conversation.assigned_to_id == staff_id)
    elif filters.show == "unassigned":
        conditions.append(Conversation.assigned_to_id.is_(None))
    elif filters.show == "overdue":
        conditions += [Conversation.status == "open", Conversation.reply_due_at < now]
    if filters.topic:
        conditions.append(Conversation.topic == filters.topic)
    return conditions


def _order(filters):
    if filters.status in ("resolved", "all"):
        return (Conversation.last_message_at.desc(), Conversation.id.desc())
    # open sorts before waiting: the most urgent reply first, then who waits longest.
    return (Conversation.status, Conversation.reply_due_at, Conversation.id)


def _first_words():
    """The customer's first message, its first characters, for the rows without a subject."""
    return (db.select(db.func.substr(ConversationMessage.body, 1, PREVIEW_CHARS * 2))
            .where(ConversationMessage.conversation_id == Conversation.id,
                   ConversationMessage.author == "customer")
            .order_by(ConversationMessage.id).limit(1)
            .correlate(Conversation).scalar_subquery())


def listing(filters, page, now, staff_id, timezone="UTC", per_page=PER_PAGE):
    """A page of the inbox: Rows with their previews and reply clocks."""
    conditions = _conditions(filters, now, staff_id)
    total = db.session.scalar(db.select(db.func.count(Conversation.id)).where(*conditions)) or 0
    page = clamp_page(page, total, per_page)
    found = db.session.execute(
        db.select(Conversation, _first_words()).where(*conditions)
        .options(selectinload(Conversation.assigned_to))
        .order_by(*_order(filters)).limit(per_page).offset((page - 1) * per_page)).all()
    rows = [Row(c, preview(c.subject, words), reply_clock(c, now, timezone),
                live=c.channel == "chat" and presence.shopper_present(c, now))
            for c, words in found]
    return Page(items=rows, page=page, per_page=per_page, total=total)


def version(page, unread):
    """What an inbox page shows, in a short token: a poll that sends back the token of the
    page it has is answered "nothing new" while the token is the same. The clocks' minutes are
    left out (the page's own script does not redraw them either)."""
    parts = [str(page.total), str(page.page), str(unread)]
    for row in page.items:
        c = row.conversation
        parts.append(f"{c.id}:{c.status}:{c.last_message_at.timestamp():.6f}:{int(c.unread_by_staff)}"
                     f":{c.assigned_to_id or ''}:{int(row.live)}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def staff_members():
    """The back-office users a conversation can be given to."""
    return db.session.scalars(db.select(User).where(User.is_merchant.is_(True),
                                                    User.erased_at.is_(None))
                              .order_by(User.name, User.email)).all()


def staff_member(user_id):
    """The back-office user with that id, or None (a customer's id is no assignee)."""
    user = db.session.get(User, user_id) if user_id else None
    return user if user is not None and user.is_merchant and user.erased_at is None else None


@dataclass(frozen=True)
class About:
    """What a conversation is about, each loaded or None."""
    order: object = None
    ret: object = None
    product: object = None


def about(conversation):
    return About(order=conversation.order,
                 ret=db.session.get(ReturnRequest, conversation.return_id)
                 if conversation.return_id else None,
                 product=db.session.get(Product, conversation.product_id)
                 if conversation.product_id else None)


def orders_of(conversation, limit=5):
    """The customer's latest orders, for the staff who answer them."""
    who = (Order.user_id == conversation.user_id) if conversation.user_id \
        else (Order.email == conversation.email)
    return db.session.scalars(db.select(Order).where(who)
                              .order_by(Order.placed_at.desc()).limit(limit)).all()


# A chat ------------------------------------------------------------------------------------

PAGE_KINDS = ("product", "category", "checkout", "cart", "order", "other")


@dataclass(frozen=True)
class CartLine:
    name: str
    variant: str
    quantity: str
    amount: str


@dataclass(frozen=True)
class ChatDetails:
    """What the chat panel attached to a chat, cleaned for showing to staff: every value is
    plain text (escaped by the template), and the page's path is kept only when it is a path
    on this shop."""
    page_kind: str = ""
    page_label: str = ""
    page_path: str = ""
    cart_lines: tuple = ()
    cart_total: str = ""
    error_message: str = ""
    error_code: str = ""
    live: bool = False
    handed_over_at: object = None


def _text(value, limit=300):
    return " ".join(str(value).split())[:limit] if isinstance(value, (str, int, float)) else ""


def _local_path(value):
    path = _text(value, 300)
    # "/checkout" yes; "//evil.example", "/\\evil.example" and "javascript:" no.
    if not path.startswith("/") or path.startswith("//") or path.startswith("/\\"):
        return ""
    return path


def chat_details(conversation, now):
    """The page, cart and checkout error a chat came with, and whether its shopper is on the
    page now; None for a conversation that is not a chat."""
    if conversation.channel != "chat":
        return None
    context = conversation.context if isinstance(conversation.context, dict) else {}
    page = context.get("page") if isinstance(context.get("page"), dict) else {}
    cart = context.get("cart") if isinstance(context.get("cart"), dict) else {}
    error = context.get("checkout_error") if isinstance(context.get("checkout_error"), dict) else {}
    lines = tuple(CartLine(name=_text(line.get("name")), variant=_text(line.get("variant")),
                           quantity=_text(line.get("quantity"), 10), amount=_text(line.get("amount"), 40))
                  for line in (cart.get("lines") or [])[:50] if isinstance(line, dict))
    kind = _text(page.get("kind"), 20)
    return ChatDetails(page_kind=kind if kind in PAGE_KINDS else "",
                       page_label=_text(page.get("label")), page_path=_local_path(page.get("path")),
                       cart_lines=lines, cart_total=_text(cart.get("total"), 40),
                       error_message=_text(error.get("message")), error_code=_text(error.get("code"), 40),
                       live=presence.shopper_present(conversation, now),
                       handed_over_at=conversation.handed_over_at)


def transcript_version(conversation, now):
    """An open conversation page's token: its messages and whether the shopper is there."""
    live = conversation.channel == "chat" and presence.shopper_present(conversation, now)
    last = conversation.messages[-1].id if conversation.messages else 0
    return f"{len(conversation.messages)}-{last}-{int(live)}"


# The dashboard ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Figures:
    open: int
    overdue: int
    # The median time to the first reply of conversations started in the last week, or None.
    median_first_response: timedelta | None
    answered: int


def open_count():
    return db.session.scalar(db.select(db.func.count(Conversation.id))
                             .where(Conversation.status == "open", in_inbox())) or 0


def overdue_count(now):
    return db.session.scalar(db.select(db.func.count(Conversation.id)).where(
        Conversation.status == "open", Conversation.reply_due_at < now, in_inbox())) or 0


def median_first_response(now, days=FIGURES_DAYS):
    """(median, how many) over the conversations created in the last `days` days that got a
    response; (None, 0) when none did."""
    pairs = db.session.execute(db.select(Conversation.created_at, Conversation.first_response_at)
                               .where(Conversation.created_at >= now - timedelta(days=days),
                                      Conversation.first_response_at.is_not(None))).all()
    if not pairs:
        return None, 0
    seconds = statistics.median((answered - created).total_seconds()
                                for created, answered in pairs)
    return timedelta(seconds=round(seconds)), len(pairs)


def figures(now):
    median, answered = median_first_response(now)
    return Figures(open=open_count(), overdue=overdue_count(now),
                   median_first_response=median, answered=answered)
