"""Checkouts in progress: when a shopper is on the checkout page, what went wrong there, and how
the checkout ended (ordered, or abandoned).

A page view writes nothing (a synchronous write per view made pages fail with "database is
locked" under load), and the checkout page sends a heartbeat every minute while it is visible.
So what the checkout page, its heartbeat and a refused order attempt learn is noted in memory,
in this process's `Sightings` (bounded: a flood of made-up checkouts cannot grow it past
MAX_PENDING), and `flush()` adds it to `checkout_record` in one unit of work away from any
request: a thread per web process (blueprints/checkout/heartbeat.py), as the server errors are
counted. Each sighting is merged into the row with an upsert that keeps the earliest start, the
latest sighting, the newest cart and the newest error, so the flushes of any number of processes
and hosts add up in any order, and flushing the same sighting twice changes nothing.

Placing the order marks the checkout ordered inside the order's transaction (`mark_ordered`,
called by orders.place_order), whether or not a flush has written the row yet.
"""
import secrets
import threading
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import case, func
from sqlalchemy.dialects import postgresql, sqlite

from . import catalog, consent, email_address, errors, personal_data
from .extensions import db
from .models import CheckoutRecord, Conversation, ConversationMessage, User
from .transaction import unit_of_work

# Checkouts this process keeps in memory between flushes, at most.
MAX_PENDING = 5_000
# A shopper whose heartbeat is this recent is still on the checkout page.
ON_PAGE = timedelta(minutes=2)
# A checkout not seen for this long, and not ordered, is abandoned.
ABANDONED_AFTER = timedelta(minutes=30)
ERROR_LENGTH = 300

# What went wrong, by the kind of error the shopper was shown.
CODES = {
    "card_declined": _l("Card declined"),
    "card_timeout": _l("Card payment timed out"),
    "sold_out": _l("Sold out"),
    "invalid_address": _l("Address not accepted"),
    "coupon": _l("Coupon or points refused"),
    "other": _l("Checkout refused"),
}
ADDRESS_FIELDS = ("name", "phone", "line1", "line2", "city", "postcode", "region", "country")


def problem_code(error):
    """The code of a checkout error (a ShopError place_order raised)."""
    if isinstance(error, errors.PaymentDeclined):
        return "card_declined"
    if isinstance(error, errors.PaymentFailed):
        return "card_timeout"
    if isinstance(error, errors.OutOfStock):
        return "sold_out"
    if isinstance(error, (errors.CouponRefused, errors.InsufficientPoints)):
        return "coupon"
    if isinstance(error, errors.CheckoutInvalid):
        fields = set(getattr(error, "fields", {}) or {})
        if "cart" in fields:
            return "sold_out"
        if fields & set(ADDRESS_FIELDS):
            return "invalid_address"
    return "other"


def new_key():
    return secrets.token_hex(16)


@dataclass
class Sighting:
    """What one process learnt of one checkout since its last flush."""
    started: datetime
    last_seen: datetime
    user_id: int | None = None
    email: str = ""
    locale: str = "en"
    marketing: bool = False
    cart: dict | None = None
    cart_at: datetime | None = None
    error: tuple | None = None          # (code, message)
    error_at: datetime | None = None


class Sightings:
    """One web process's sightings not yet in the table, by checkout key; thread-safe."""

    def __init__(self, limit=MAX_PENDING):
        self._lock = threading.Lock()
        self._pending = {}
        self.limit = limit
        self.dropped = 0

    def record(self, key, now, *, started=None, user_id=None, email=None, locale=None,
               marketing=None, cart=None, error=None):
        """Note that checkout `key` was seen at `now` (with whatever else is known); writes
        nothing. A new checkout beyond the limit is dropped and counted."""
        if not key:
            return False
        with self._lock:
            seen = self._pending.get(key)
            if seen is None:
                if len(self._pending) >= self.limit:
                    self.dropped += 1
                    return False
                seen = self._pending[key] = Sighting(started=started or now, last_seen=now)
            seen.started = min(seen.started, started or now)
            seen.last_seen = max(seen.last_seen, now)
            if user_id is not None:
                seen.user_id = user_id
            if email is not None:
                cleaned = email_address.clean(email) or ""
                if cleaned:
                    seen.email = cleaned
            if locale:
                seen.locale = locale
            if marketing is not None:
                seen.marketing = bool(marketing)
            if cart is not None and (seen.cart_at is None or now >= seen.cart_at):
                seen.cart, seen.cart_at = cart, now
            if error is not None and (seen.error_at is None or now >= seen.error_at):
                seen.error = (error[0], (error[1] or "")[:ERROR_LENGTH])
                seen.error_at = now
            return True

    def pending(self):
        with self._lock:
            return {key: replace(seen) for key, seen in self._pending.items()}

    def take(self):
        with self._lock:
            taken, self._pending = self._pending, {}
        return taken

    def put_back(self, taken):
        """Sightings whose flush failed: merged back under what arrived meanwhile."""
        with self._lock:
            for key, seen in taken.items():
                mine = self._pending.get(key)
                if mine is None:
                    self._pending[key] = seen
                    continue
                mine.started = min(mine.started, seen.started)
                mine.last_seen = max(mine.last_seen, seen.last_seen)
                mine.user_id = mine.user_id or seen.user_id
                mine.email = mine.email or seen.email
                if mine.cart_at is None and seen.cart_at is not None:
                    mine.cart, mine.cart_at = seen.cart, seen.cart_at
                if mine.error_at is None and seen.error_at is not None:
                    mine.error, mine.error_at = seen.error, seen.error_at

    def flush(self, now):
        """Add the pending sightings to the table in a unit of work of their own (an app
        context is needed); returns how many checkouts were written. On failure the sightings
        stay pending and the error is raised."""
        taken = self.take()
        if not taken:
            return 0
        try:
            with unit_of_work():
                for key, seen in sorted(taken.items()):
                    _merge(key, seen)
                    if seen.marketing and seen.email:
                        _consent(seen, now)
        except BaseException:
            self.put_back(taken)
            raise
        return len(taken)


def _insert():
    dialect = db.session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(CheckoutRecord)


def _merge(key, seen):
    """One sighting into its row: the earliest start, the latest sighting, the newest cart
    and error; an abandoned checkout seen again is open again; an ordered one stays ordered."""
    table = CheckoutRecord.__table__
    values = dict(key=key, user_id=seen.user_id, email=seen.email, locale=seen.locale,
                  started_at=seen.started, last_seen_at=seen.last_seen, state="open",
                  cart=seen.cart or {}, cart_at=seen.cart_at,
                  error_code=seen.error[0] if seen.error else "",
                  error_message=seen.error[1] if seen.error else "", error_at=seen.error_at)
    insert = _insert().values(**values)
    new = insert.excluded
    update = {
        "started_at": case((new.started_at < table.c.started_at, new.started_at),
                           else_=table.c.started_at),
        "last_seen_at": case((new.last_seen_at > table.c.last_seen_at, new.last_seen_at),
                             else_=table.c.last_seen_at),
        "user_id": func.coalesce(new.user_id, table.c.user_id),
        "email": case((new.email != "", new.email), else_=table.c.email),
        "locale": new.locale,
        "state": case(((table.c.state == "abandoned") & (new.last_seen_at > table.c.abandoned_at),
                       "open"), else_=table.c.state),
    }
    if seen.cart_at is not None:
        newer = table.c.cart_at.is_(None) | (new.cart_at > table.c.cart_at)
        update["cart"] = case((newer, new.cart), else_=table.c.cart)
        update["cart_at"] = case((newer, new.cart_at), else_=table.c.cart_at)
    if seen.error_at is not None:
        newer = table.c.error_at.is_(None) | (new.error_at > table.c.error_at)
        for column in ("error_code", "error_message", "error_at"):
            update[column] = case((newer, getattr(new, column)), else_=table.c[column])
    db.session.execute(insert.on_conflict_do_update(index_elements=["key"], set_=update))


def _consent(seen, now):
    """The shopper ticked the checkout's (never pre-ticked) marketing box: asked for with the
    consent records' own rules (double opt-in: an email to confirm), at the moment it was sent."""
    user = db.session.get(User, seen.user_id) if seen.user_id is not None else None
    consent.request(seen.last_seen if seen.last_seen <= now else now, "checkout", seen.locale,
                    user=user, email=seen.email, resend=False)


def mark_ordered(key, order, now):
    """The checkout `key` ended in `order`, in the order's transaction."""
    if not key:
        return
    insert = _insert().values(key=key, user_id=order.user_id, email=order.email or "",
                              locale=order.locale or "en", started_at=now, last_seen_at=now,
                              state="ordered", ordered_at=now, order_id=order.id, cart={})
    db.session.execute(insert.on_conflict_do_update(
        index_elements=["key"],
        set_={"state": "ordered", "ordered_at": now, "order_id": order.id,
              "email": case((CheckoutRecord.__table__.c.email == "", insert.excluded.email),
                            else_=CheckoutRecord.__table__.c.email)}))


def by_key(key):
    return db.session.scalar(db.select(CheckoutRecord).where(CheckoutRecord.key == key)) \
        if key else None


def offer_due(started, now, minutes, error=False):
    """Whether a checkout is stalled enough to offer help: an error was shown, or it has been
    open for `minutes` (0 turns the timed offer off)."""
    if error:
        return True
    return bool(minutes) and started is not None and now - started >= timedelta(minutes=minutes)


def snapshot(lines, total):
    """The cart as the checkout page shows it, for the record and the merchant."""
    return {"items": {str(line.variant_id): line.quantity for line in lines},
            "lines": [{"name": line.title, "variant": line.variant_title or "",
                       "quantity": line.quantity, "amount": line.total.amount} for line in lines],
            "total": total.amount, "currency": total.currency}


# The back office's list.
@dataclass(frozen=True)
class Row:
    record: CheckoutRecord
    minutes: int
    on_page: bool
    stalled: bool


def in_progress(now, help_minutes, limit=100, pending=None):
    """Open checkouts seen in the last day, the newest first: how long each has been going,
    whether the shopper is on the page now, and whether it is stalled (an error, or open
    longer than the help offer waits). `pending` adds this process's unflushed sightings."""
    records = db.session.scalars(
        db.select(CheckoutRecord).where(CheckoutRecord.state == "open",
                                        CheckoutRecord.last_seen_at > now - timedelta(days=1))
        .order_by(CheckoutRecord.last_seen_at.desc(), CheckoutRecord.id.desc()).limit(limit)).all()
    rows = []
    for record in records:
        last_seen = record.last_seen_at
        if pending and record.key in pending:
            last_seen = max(last_seen, pending[record.key].last_seen)
        rows.append(Row(record, int((now - record.started_at).total_seconds() // 60),
                        on_page=now - last_seen <= ON_PAGE,
                        stalled=bool(record.error_code) or offer_due(record.started_at, now,
                                                                      help_minutes)))
    return rows


def cart_shown(cart, locale):
    """A cart snapshot (see snapshot()) as a chat shows it to the merchant (Conversation.context
    "cart"), its amounts written in the shopper's language."""
    from .money import Money
    currency = cart.get("currency") or "KRW"

    def written(amount):
        return Money(int(amount or 0), currency).format(locale)
    return {"lines": [{"name": line.get("name", ""), "variant": line.get("variant", ""),
                       "quantity": line.get("quantity", 0), "amount": written(line.get("amount"))}
                      for line in cart.get("lines", [])],
            "total": written(cart.get("total")), "currency": currency}


def chat_context(record):
    """What a chat about this checkout shows the merchant (Conversation.context)."""
    context = {"page": {"kind": "checkout", "path": "/checkout", "label": ""},
               "cart": cart_shown(record.cart or {}, record.locale or "en")}
    if record.error_code:
        context["checkout_error"] = {"code": record.error_code, "message": record.error_message}
    return context


def start_chat(record, staff_user, now, body):
    """The merchant starts a chat with a shopper still on the checkout page: a chat
    conversation, handed over to the shop at once, with the cart and the last error attached,
    which the shopper's page offers on its next heartbeat. Once per checkout (a conditional
    update); NotFound when the shopper has left or a chat was already started."""
    from .helpdesk.conversations import new_reference
    # Writes nothing new; the update takes the row and re-checks it: of two merchants
    # pressing at once, the second finds the chat already started.
    claimed = db.session.execute(
        db.update(CheckoutRecord).where(CheckoutRecord.id == record.id,
                                        CheckoutRecord.state == "open",
                                        CheckoutRecord.conversation_id.is_(None))
        .values(conversation_id=CheckoutRecord.conversation_id)
        .execution_options(synchronize_session=False)).rowcount
    if claimed != 1:
        raise errors.NotFound()
    conversation = Conversation(
        reference=new_reference(), secret=secrets.token_urlsafe(24)[:32],
        user_id=record.user_id, email=record.email or "", locale=record.locale or "en",
        topic="other", channel="chat", status="open", source_path="/checkout",
        created_at=now, last_message_at=now, handed_over_at=now, unread_by_staff=False,
        unread_by_customer=True, context=chat_context(record),
        assigned_to_id=staff_user.id if staff_user is not None else None)
    db.session.add(conversation)
    db.session.flush()
    db.session.add(ConversationMessage(conversation_id=conversation.id, author="staff",
                                       staff_id=staff_user.id if staff_user else None,
                                       body=body, via="chat", created_at=now))
    record.conversation_id = conversation.id
    db.session.flush()
    return conversation


# The restore link in the reminder: names the checkout, signed with the app's secret.
RESTORE_SALT = "checkout-restore"


def restore_token(record, secret):
    return URLSafeSerializer(secret, salt=RESTORE_SALT).dumps(record.key)


def for_restore_token(token, secret):
    """The checkout a restore link names, or NotFound for a wrong or altered link."""
    try:
        key = URLSafeSerializer(secret, salt=RESTORE_SALT).loads(token or "")
    except BadSignature:
        raise errors.NotFound()
    record = by_key(key) if isinstance(key, str) else None
    if record is None:
        raise errors.NotFound()
    return record


def restore(record, cart):
    """Put the checkout's items back into `cart` (what is still for sale, as much as is in
    stock); returns how many lines came back."""
    items = {int(k): int(v) for k, v in ((record.cart or {}).get("items") or {}).items()
             if str(k).isdigit()}
    variants = catalog.variants_by_ids(list(items))
    restored = 0
    for variant_id, quantity in items.items():
        variant = variants.get(variant_id)
        if variant is None or variant.product.status != "active" or variant.stock <= 0:
            continue
        cart.set(variant_id, max(1, min(quantity, variant.stock, 99)))
        restored += 1
    return restored


# Personal data: a checkout names an account or the address a guest typed.
def _of(subject):
    if subject.is_guest:
        return CheckoutRecord.user_id.is_(None) & (func.lower(CheckoutRecord.email) == subject.email)
    return (CheckoutRecord.user_id == subject.user_id) | (
        CheckoutRecord.user_id.is_(None) & (func.lower(CheckoutRecord.email) == subject.email))


def _export(subject):
    when = personal_data.when
    return [{"email": r.email, "started_at": when(r.started_at), "last_seen_at": when(r.last_seen_at),
             "state": r.state, "cart": (r.cart or {}).get("lines", []),
             "last_error": r.error_message, "reminder": r.reminder}
            for r in db.session.scalars(db.select(CheckoutRecord).where(_of(subject))
                                        .order_by(CheckoutRecord.started_at, CheckoutRecord.id))]


def _erase(subject, erasure):
    return db.session.execute(db.delete(CheckoutRecord).where(_of(subject))
                              .execution_options(synchronize_session="fetch")).rowcount


KEEP = timedelta(days=90)


def purge_old(now):
    """Checkouts are kept for the figures for KEEP, then deleted (the worker's job)."""
    return db.session.execute(db.delete(CheckoutRecord).where(
        CheckoutRecord.last_seen_at < now - KEEP)
        .execution_options(synchronize_session=False)).rowcount


personal_data.register("checkouts", _l("Checkouts"), tables=("checkout_record",),
                       export=_export, erase=_erase)
