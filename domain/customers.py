"""The back office's view of a customer: a member (an account, by its id) or a guest (the
orders placed without an account under one email address), with their orders, returns, store
credit and what they spent; and the search that finds them by name, email, phone or order
number.

A customer is named in addresses by a key: "u<id>" for a member, and for a guest "g" and the
address signed with the app's secret (guest_key), so no address is written in a URL as it is
and nobody can make up a key for an address the shop did not give them.

The search matches the start of names, emails and phone numbers, read off indexes made by
migration 0025 (lower(email), lower(name), lower(ship_name), ship_phone), and an order number
exactly; it never reads every order.
"""
from dataclasses import dataclass, field
from datetime import datetime

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import func
from sqlalchemy.orm import selectinload

from . import credit, email_address
from .catalog import Page, clamp_page
from .extensions import db
from .models import Address, Conversation, Order, Payment, ReturnRequest, User
from .payments import PENDING, SUCCEEDED
from .tracking import normalize_number

KEY_SALT = "customer-key"
PER_PAGE = 30
# A search stops collecting customers here: more than this is a query to narrow down.
SEARCH_WINDOW = 1000
RECENT_ORDERS = 60
# Past the last character any name, email or phone could hold: the end of a prefix's range.
_PAST_PREFIX = "\U0010ffff"


@dataclass(frozen=True)
class Ref:
    """Whose page: an account's id, or a guest's (lower-cased) email."""
    user_id: int | None = None
    email: str = ""

    @property
    def is_guest(self):
        return self.user_id is None


@dataclass(frozen=True)
class Row:
    """One customer in a list."""
    ref: Ref
    name: str
    email: str
    last_order_at: datetime | None


@dataclass
class Customer:
    ref: Ref
    user: User | None
    name: str
    email: str
    phone: str
    orders: list
    returns: list
    credit_balance: int = 0
    credit_entries: list = field(default_factory=list)
    # What they spent, {currency: minor units}: captured payments minus refunds (sent or on
    # their way back).
    spend: dict = field(default_factory=dict)

    @property
    def first_order_at(self):
        return min((o.placed_at for o in self.orders), default=None)

    @property
    def last_order_at(self):
        return max((o.placed_at for o in self.orders), default=None)


def _serializer(secret):
    return URLSafeSerializer(secret, salt=KEY_SALT)


def key_of(ref, secret):
    if ref.is_guest:
        return "g" + _serializer(secret).dumps(ref.email)
    return f"u{ref.user_id}"


def ref_from_key(key, secret):
    """The Ref a key names, or None when it is malformed or not signed by this shop."""
    key = key or ""
    if key[:1] == "u" and key[1:].isascii() and key[1:].isdigit() and len(key) <= 19:
        return Ref(user_id=int(key[1:])) if int(key[1:]) > 0 else None
    if key[:1] == "g":
        try:
            email = _serializer(secret).loads(key[1:])
        except BadSignature:
            return None
        return Ref(email=email) if isinstance(email, str) and email else None
    return None


def ref_of_order(order):
    """Whose order it is: its account, or the guest address it was placed under."""
    if order.user_id is not None:
        return Ref(user_id=order.user_id)
    return Ref(email=email_address.normalize(order.email))


def _orders_condition(ref):
    if ref.is_guest:
        return db.and_(Order.user_id.is_(None), Order.erasure_ref.is_(None),
                       func.lower(Order.email) == ref.email)
    return Order.user_id == ref.user_id


def spend(ref):
    """{currency: minor units} captured for the customer's orders, less what was refunded or
    is on its way back."""
    signed = db.case((Payment.operation == "capture", Payment.amount),
                     else_=-Payment.amount)
    rows = db.session.execute(
        db.select(Order.currency, func.sum(signed)).join(Order, Payment.order_id == Order.id)
        .where(_orders_condition(ref), db.or_(
            db.and_(Payment.operation == "capture", Payment.status == SUCCEEDED),
            db.and_(Payment.operation == "refund", Payment.status.in_((SUCCEEDED, PENDING)))))
        .group_by(Order.currency)).all()
    return {currency: int(total or 0) for currency, total in rows}


def profile(ref):
    """Everything the customer's page shows, or None when there is nobody by that ref (an
    unknown or erased account, an address with no guest orders nor questions)."""
    user = None
    if not ref.is_guest:
        user = db.session.get(User, ref.user_id)
        if user is None or user.erased_at is not None:
            return None
    orders = db.session.scalars(db.select(Order).where(_orders_condition(ref))
                                .order_by(Order.placed_at.desc(), Order.id.desc())).all()
    asked = conversations_of(ref, limit=1) if ref.is_guest and not orders else []
    if ref.is_guest and not orders and not asked:
        return None
    returns = db.session.scalars(
        db.select(ReturnRequest).join(Order, ReturnRequest.order_id == Order.id)
        .where(_orders_condition(ref))
        .order_by(ReturnRequest.created_at.desc(), ReturnRequest.id.desc())).all()
    latest = orders[0] if orders else None
    phone = latest.ship_phone if latest is not None else ""
    if user is not None and not phone:
        phone = db.session.scalar(db.select(Address.phone).where(
            Address.user_id == user.id, Address.phone != "")
            .order_by(Address.is_default.desc(), Address.id.desc()).limit(1)) or ""
    name = (user.name if user is not None else "") or (latest.ship_name if latest else "") \
        or (asked[0].name if asked else "")
    email = user.email if user is not None else ref.email
    customer = Customer(ref=ref, user=user, name=name, email=email, phone=phone,
                        orders=orders, returns=returns, spend=spend(ref))
    if user is not None:
        customer.credit_balance = user.credit_balance
        customer.credit_entries = credit.history(user.id)
    return customer


def _starts_with(expression, prefix):
    """`expression` starts with `prefix`, as an index can answer it: LIKE 'prefix%' on
    PostgreSQL (text_pattern_ops indexes), a range on SQLite."""
    if db.session.get_bind().dialect.name == "postgresql":
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return expression.like(escaped + "%", escape="\\")
    return db.and_(expression >= prefix, expression < prefix + _PAST_PREFIX)


def _rows(found):
    """Rows for {ref: last order time}, the names and emails read in two queries."""
    members = [ref.user_id for ref in found if not ref.is_guest]
    users = {u.id: u for u in db.session.scalars(db.select(User).where(User.id.in_(members)))} \
        if members else {}
    guests = [ref.email for ref in found if ref.is_guest]
    names = {}
    if guests:
        email = func.lower(Order.email)
        # Oldest first, so the name on each guest's latest order is the one that stays.
        names = dict(db.session.execute(
            db.select(email, Order.ship_name).where(email.in_(guests), Order.user_id.is_(None),
                                                    Order.erasure_ref.is_(None))
            .order_by(Order.placed_at, Order.id)).all())
    rows = []
    for ref, last in found.items():
        if ref.is_guest:
            rows.append(Row(ref, names.get(ref.email, ""), ref.email, last))
        elif ref.user_id in users and users[ref.user_id].erased_at is None:
            user = users[ref.user_id]
            rows.append(Row(ref, user.name, user.email, last))
    return rows


def _by_recency(found):
    """Latest order first; accounts that never ordered last."""
    return sorted(found.items(), key=lambda item: (item[1] is not None, item[1] or 0),
                  reverse=True)


def search(q, page=1, per_page=PER_PAGE):
    """Customers whose name, email or phone starts with `q`, or who placed order `q`, the
    latest to order first; a Page of Rows."""
    q = (q or "").strip()[:100]
    if not q:
        return Page(items=[], page=1, per_page=per_page, total=0)
    lowered = q.lower()
    matches = [_starts_with(func.lower(Order.email), lowered),
               _starts_with(func.lower(Order.ship_name), lowered),
               _starts_with(Order.ship_phone, q)]
    if normalize_number(q):
        matches.append(Order.number == normalize_number(q))
    found = {}
    last = func.max(Order.placed_at)
    for user_id, email, moment in db.session.execute(
            db.select(Order.user_id, func.lower(Order.email), last)
            .where(Order.erasure_ref.is_(None), db.or_(*matches))
            .group_by(Order.user_id, func.lower(Order.email))
            .limit(SEARCH_WINDOW)).all():
        ref = Ref(user_id=user_id) if user_id is not None else Ref(email=email)
        found[ref] = max(found.get(ref) or moment, moment)
    accounts = db.session.scalars(
        db.select(User.id).where(User.erased_at.is_(None), db.or_(
            _starts_with(func.lower(User.email), lowered),
            _starts_with(func.lower(User.name), lowered))).limit(SEARCH_WINDOW)).all()
    unseen = [user_id for user_id in accounts if Ref(user_id=user_id) not in found]
    found.update({Ref(user_id=user_id): None for user_id in unseen})
    if unseen:
        found.update({Ref(user_id=user_id): moment for user_id, moment in db.session.execute(
            db.select(Order.user_id, last).where(Order.user_id.in_(unseen))
            .group_by(Order.user_id)).all()})
    ordered = _by_recency(found)
    page = clamp_page(page, len(ordered), per_page)
    window = dict(ordered[(page - 1) * per_page:page * per_page])
    return Page(items=_rows(window), page=page, per_page=per_page, total=len(ordered))


def recent():
    """The customers of the latest orders, newest first: the list before anything is searched."""
    found = {}
    for order in db.session.execute(
            db.select(Order.user_id, Order.email, Order.placed_at)
            .where(Order.erasure_ref.is_(None))
            .order_by(Order.placed_at.desc(), Order.id.desc()).limit(RECENT_ORDERS)).all():
        ref = Ref(user_id=order.user_id) if order.user_id is not None \
            else Ref(email=email_address.normalize(order.email))
        found.setdefault(ref, order.placed_at)
    return _rows(found)


def ref_of_conversation(conversation):
    """Whose conversation it is: its account, or the guest address it came from."""
    if conversation.user_id is not None:
        return Ref(user_id=conversation.user_id)
    return Ref(email=email_address.normalize(conversation.email))


def conversations_of(ref, limit=50):
    """The customer's conversations with the shop, the latest first (a guest's: those asked
    without an account from their address)."""
    if ref.is_guest:
        where = db.and_(Conversation.user_id.is_(None), Conversation.email == ref.email)
    else:
        where = Conversation.user_id == ref.user_id
    # Their messages come in one more query (the page previews each by its first words).
    return db.session.scalars(
        db.select(Conversation).where(where).options(selectinload(Conversation.messages))
        .order_by(Conversation.last_message_at.desc(), Conversation.id.desc())
        .limit(limit)).all()
