"""What /account/rewards shows a customer of their own points and tier. Reads only: a page view
writes nothing (settings.peek, never get)."""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func

from ..catalog import Page, clamp_page
from ..extensions import db
from ..models import Order, PointsEntry
from . import earning, points, settings as loyalty_settings, tiers

PER_PAGE = 20
KIND_LABELS = {
    "earned": _l("Earned"), "vested": _l("Now available"), "spent": _l("Spent"),
    "reversed": _l("Returned: taken back"), "expired": _l("Expired"),
    "refunded": _l("Given back (order cancelled)"), "adjusted": _l("Adjusted by the shop"),
    "bonus": _l("Bonus"),
}


def kind_label(kind):
    return str(KIND_LABELS.get(kind, kind))


@dataclass(frozen=True)
class LedgerRow:
    entry: object
    order_number: str


@dataclass(frozen=True)
class Rewards:
    available: int
    pending: int
    # (when, points) of the next pending points to vest, or None.
    next_vesting: object
    # What the available points are worth now (Money), or None when points are off.
    worth: object
    ledger: Page
    rows: list
    tier: object
    next_tier: object
    settings: object
    tiers: list


def ledger(user_id, page=1, per_page=PER_PAGE):
    """One page of the customer's own ledger, newest first, with the order numbers."""
    mine = PointsEntry.user_id == user_id
    total = db.session.scalar(db.select(func.count(PointsEntry.id)).where(mine)) or 0
    page = clamp_page(page, total, per_page)
    found = db.session.execute(
        db.select(PointsEntry, Order.number).outerjoin(Order, Order.id == PointsEntry.order_id)
        .where(mine).order_by(PointsEntry.created_at.desc(), PointsEntry.id.desc())
        .limit(per_page).offset((page - 1) * per_page)).all()
    rows = [LedgerRow(entry, number or "") for entry, number in found]
    return Page(items=rows, page=page, per_page=per_page, total=total), rows


def for_customer(user, now, page=1, currency="KRW"):
    config = loyalty_settings.peek()
    history, rows = ledger(user.id, page)
    worth = points.value(user.points_balance, config, currency) \
        if config is not None and config.earn_points else None
    return Rewards(available=user.points_balance, pending=user.points_pending,
                   next_vesting=earning.next_vesting(user.id), worth=worth, ledger=history,
                   rows=rows, tier=tiers.current(user), next_tier=tiers.next_tier(user, now),
                   settings=config, tiers=loyalty_settings.tiers())


def policy():
    """What the points policy page states: the live settings and tiers (reads only)."""
    config = loyalty_settings.peek()
    return {"config": config, "tiers": loyalty_settings.tiers(),
            "expiry_warning_days": earning.WARN_BEFORE.days}
