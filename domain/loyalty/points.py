"""Points: User.points_balance (available) and User.points_pending move only here, together
with a PointsEntry row each time, in the caller's transaction (these functions flush and never
commit). The balance never goes negative: a spend is one conditional UPDATE, and a reversal
takes at most what is there.

This module holds the balance and its ledger and the spend at checkout; earning, vesting at the
close of the return window, reversal on return, expiry and the rewards page are built on it.
"""
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy.dialects import postgresql, sqlite

from ..errors import InsufficientPoints
from ..extensions import db
from ..models import PointsEntry, User
from ..money import Money


def _positive(points):
    if not isinstance(points, int) or isinstance(points, bool) or points <= 0:
        raise ValueError(f"points are positive integers, got {points!r}")


def balance(user_id, for_update=False):
    """Available points now (0 for no account). for_update: as credit.balance."""
    if user_id is None:
        return 0
    query = db.select(User.points_balance).where(User.id == user_id)
    if for_update:
        query = query.with_for_update(key_share=True)
    return db.session.scalar(query) or 0


def pending(user_id):
    if user_id is None:
        return 0
    return db.session.scalar(db.select(User.points_pending).where(User.id == user_id)) or 0


def move(user_id, available=0, pending_delta=0, *conditions):
    """Change the balances with one UPDATE; how many rows it changed (0 or 1). "fetch"
    refreshes a User already in the session, so a page drawn after shows the new balance."""
    return db.session.execute(
        db.update(User).where(User.id == user_id, *conditions)
        .values(points_balance=User.points_balance + available,
                points_pending=User.points_pending + pending_delta)
        .execution_options(synchronize_session="fetch")).rowcount


def entry_once(key, **values):
    """Insert a ledger row unless one under `key` exists; the new row's id, or None if one did
    (a job run twice writes once). The caller moves the balance only when it gets an id."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return db.session.execute(
        insert(PointsEntry).values(key=key[:120], **values)
        .on_conflict_do_nothing(index_elements=["key"]).returning(PointsEntry.id)).scalar()


def value(points, settings, currency):
    """What `points` are worth as a discount (Money)."""
    return Money(max(0, points or 0) * settings.point_value, currency)


def usable(available, goods_after_coupons, settings):
    """How many points a checkout may spend: all it has, at most what pays the goods left
    after coupons (points never pay shipping or tax, and never more than the goods)."""
    if available <= 0 or goods_after_coupons <= 0:
        return 0
    return min(available, goods_after_coupons // settings.point_value)


@dataclass(frozen=True)
class AtCheckout:
    """Points at checkout: the available balance, the points the order would spend and the
    discount they give."""

    available: int
    spent: int
    discount: Money


def spend(user_id, points, order, now):
    """Take `points` from the customer's available points for `order`, or raise
    InsufficientPoints and change nothing: the check and the change are one conditional
    UPDATE, so two tabs cannot spend the same points."""
    _positive(points)
    if move(user_id, -points, 0, User.points_balance >= points) != 1:
        left = balance(user_id)
        raise InsufficientPoints(_(
            "You have %(left)s points now, fewer than the %(points)s this order would use: they "
            "may have just been used by another order. Nothing was ordered or charged; please "
            "check the total and try again.", left=f"{left:,}", points=f"{points:,}"))
    entry = PointsEntry(user_id=user_id, kind="spent", points=-points, order_id=order.id,
                        note=_("Order %(number)s", number=order.number), created_at=now)
    db.session.add(entry)
    db.session.flush()
    return entry


def give_back_spend(order, now):
    """An order that spent points was cancelled or its payment expired: the points come back
    once (keyed on the order)."""
    if not order.points_spent or order.user_id is None:
        return None
    entry_id = entry_once(f"refund-spend:{order.id}", user_id=order.user_id, kind="refunded",
                          points=order.points_spent, pending=0, order_id=order.id,
                          note=_("Order %(number)s cancelled", number=order.number),
                          created_at=now)
    if entry_id is not None:
        move(order.user_id, order.points_spent, 0)
    return entry_id


def history(user_id, limit=None):
    query = (db.select(PointsEntry).where(PointsEntry.user_id == user_id)
             .order_by(PointsEntry.created_at.desc(), PointsEntry.id.desc()))
    if limit is not None:
        query = query.limit(limit)
    return list(db.session.scalars(query))
