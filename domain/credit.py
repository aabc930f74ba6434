"""Store credit: a balance on the customer's account, given for returns and cancelled orders and
spent at checkout.

User.credit_balance is the running balance the checkout reads in one query; CreditEntry rows
are the ledger the customer sees. Both change together, only here, in the caller's
transaction: these functions flush and never commit. Amounts are integer minor units.
"""
from dataclasses import dataclass

from flask_babel import get_locale, gettext as _, lazy_gettext as _l
from sqlalchemy.dialects import postgresql, sqlite

from . import personal_data
from .errors import InsufficientCredit, NotFound
from .extensions import db
from .models import CreditEntry, User
from .money import Money


def _positive(amount):
    # A zero or negative movement would be a bug in the caller, not something to show a customer.
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        raise ValueError(f"credit amounts are positive integers of minor units, got {amount!r}")


def balance(user_id, for_update=False):
    """The customer's store credit now, in minor units (0 for no account).

    for_update locks the row until the transaction ends (PostgreSQL; SQLite's writer lock
    already serialises checkouts), so the amount read is the amount a spend will find. It is
    FOR NO KEY UPDATE: the order row the checkout has just inserted holds a key-share lock on
    its customer, and a plain FOR UPDATE would wait on the other checkouts' key-share locks
    while they wait on ours (a deadlock).
    """
    if user_id is None:
        return 0
    query = db.select(User.credit_balance).where(User.id == user_id)
    if for_update:
        query = query.with_for_update(key_share=True)
    return db.session.scalar(query) or 0


def _move(user_id, delta, *conditions):
    """Change the balance by `delta` with one UPDATE; the number of rows it changed (0 or 1).
    "fetch" refreshes a User already loaded in the session (current_user, say), so a page
    drawn after this never shows the old balance."""
    result = db.session.execute(
        db.update(User).where(User.id == user_id, *conditions)
        .values(credit_balance=User.credit_balance + delta)
        .execution_options(synchronize_session="fetch"))
    return result.rowcount


def grant(user_id, amount, currency, note, now, return_id=None, order_id=None, goodwill=False):
    """Add `amount` to the customer's credit, with a ledger entry saying why. Returns the entry.
    `goodwill`: given to make a problem with `order_id` right, outside a return."""
    _positive(amount)
    if _move(user_id, amount) != 1:
        raise NotFound(_("That customer account no longer exists."))
    entry = CreditEntry(user_id=user_id, amount=amount, currency=currency, note=str(note)[:300],
                        return_id=return_id, order_id=order_id, goodwill=goodwill,
                        created_at=now)
    db.session.add(entry)
    db.session.flush()
    return entry


def grant_once(key, user_id, amount, currency, note, now, order_id=None):
    """grant() unless an entry under `key` was ever written; the entry, or None if one was.
    The key is unique in the ledger: a job run again after its worker died, or two workers
    raising the same event at once, add the credit once, and the loser goes on without an
    error (its insert does nothing and the balance is not touched)."""
    _positive(amount)
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    entry_id = db.session.execute(
        insert(CreditEntry).values(user_id=user_id, amount=amount, currency=currency,
                                   note=str(note)[:300], order_id=order_id, goodwill=False,
                                   created_at=now, idempotency_key=key[:200])
        .on_conflict_do_nothing(index_elements=["idempotency_key"])
        .returning(CreditEntry.id)).scalar()
    if entry_id is None:
        return None
    if _move(user_id, amount) != 1:
        raise NotFound(_("That customer account no longer exists."))
    return db.session.get(CreditEntry, entry_id)


def spend(user_id, amount, currency, order, now):
    """Take `amount` from the customer's credit for `order`, or raise InsufficientCredit and
    change nothing. The check and the change are one conditional UPDATE, so two checkouts at
    the same moment cannot both spend the same credit."""
    _positive(amount)
    if _move(user_id, -amount, User.credit_balance >= amount) != 1:
        left = balance(user_id)
        locale = str(get_locale() or "en")
        raise InsufficientCredit(_(
            "Your store credit is %(left)s, less than the %(amount)s this order would use: it "
            "may have just been used by another order. Nothing was ordered or charged; please "
            "check the total and try again.", left=Money(left, currency).format(locale),
            amount=Money(amount, currency).format(locale)))
    entry = CreditEntry(user_id=user_id, amount=-amount, currency=currency,
                        note=_("Order %(number)s", number=order.number), order_id=order.id,
                        created_at=now)
    db.session.add(entry)
    db.session.flush()
    return entry


def history(user_id, limit=None):
    """The customer's credit entries, newest first."""
    query = (db.select(CreditEntry).where(CreditEntry.user_id == user_id)
             .order_by(CreditEntry.created_at.desc(), CreditEntry.id.desc()))
    if limit is not None:
        query = query.limit(limit)
    return list(db.session.scalars(query))


def applied(balance, total):
    """The part of `total` (Money) that `balance` minor units of store credit pay: credit pays
    first, up to the whole total. Checkout states it and place_order spends it by this rule."""
    return Money(min(balance or 0, total.amount), total.currency)


@dataclass(frozen=True)
class AtCheckout:
    """What store credit does to a checkout: the balance offered, the part of the total it
    pays when the shopper keeps it ticked, and what is left to pay."""

    available: Money
    applied: Money
    to_pay: Money


def at_checkout(balance, total, wanted):
    """Store credit at checkout, by the rule place_order spends it with (`applied`)."""
    used = applied(balance, total) if wanted else Money.zero(total.currency)
    return AtCheckout(Money(balance or 0, total.currency), used, total - used)


# Personal data: the balance and its ledger. Deleting an account gives up its store credit
# (the privacy page says so, with the amount, before the customer confirms).
def _export(subject):
    if subject.is_guest:
        return None
    return {"balance": balance(subject.user_id),
            "entries": [{"amount": entry.amount, "currency": entry.currency, "note": entry.note,
                         "created_at": personal_data.when(entry.created_at)}
                        for entry in history(subject.user_id)]}


def _erase(subject, erasure):
    if subject.is_guest:
        return 0
    db.session.execute(db.update(User).where(User.id == subject.user_id)
                       .values(credit_balance=0).execution_options(synchronize_session="fetch"))
    return db.session.execute(db.delete(CreditEntry).where(CreditEntry.user_id == subject.user_id)
                              .execution_options(synchronize_session="fetch")).rowcount


personal_data.register("store_credit", _l("Store credit"), tables=("credit_entry",),
                       export=_export, erase=_erase)
