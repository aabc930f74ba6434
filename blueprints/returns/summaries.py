"""What other pages show of returns: the order page's returns section and the account's list.

Template globals, so the order and account views need not change to show them.
"""
from dataclasses import dataclass

from flask import url_for
from flask_login import current_user
from sqlalchemy import inspect
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from domain import returns
from domain.extensions import db
from domain.models import ReturnRequest

from ..common import now, shop
from ..orders.access import tracking_url_args
from . import bp

# Before shipping no line can be returned yet; skip the rule look-ups for those orders.
MAY_HAVE_OPENED = ("shipped", "out_for_delivery", "delivered")


@dataclass(frozen=True)
class OrderReturns:
    # Whether any line may be returned now (the order page then links to the form).
    can_return: bool
    # The end of the last return window, when every window has closed; else None.
    closed_at: object
    # The end of the last window still open, to tell the customer how long they have.
    open_until: object
    # (number, status label, url) of each return of the order.
    returns: list


def _link(ret, order):
    t = tracking_url_args(order).get("t")
    return url_for("returns.view_return", number=ret.number, **({"t": t} if t else {}))


def _load_returns(order):
    """order.returns with their lines in two queries rather than one per return: eligibility
    counts the units each return already holds, and the order page must stay cheap."""
    if "returns" in inspect(order).unloaded:
        loaded = db.session.scalars(
            db.select(ReturnRequest).where(ReturnRequest.order_id == order.id)
            .order_by(ReturnRequest.id).options(selectinload(ReturnRequest.lines))).all()
        set_committed_value(order, "returns", loaded)
    return order.returns


@bp.app_template_global("order_returns")
def order_returns(order):
    """The returns section of an order's page."""
    listed = [(ret.number, returns.status_label(ret.status), _link(ret, order))
              for ret in _load_returns(order)]
    if order.status not in MAY_HAVE_OPENED:
        return OrderReturns(False, None, None, listed)
    clock = now()
    verdicts = returns.order_eligibility(order, clock, shop()).values()
    can_return = any(v.ok for v in verdicts)
    closes = [v.window_closes for v in verdicts if v.window_closes is not None]
    closed_at = None
    if not can_return and order.status == "delivered" and closes and max(closes) < clock:
        closed_at = max(closes)
    open_until = max((v.window_closes for v in verdicts if v.ok and v.window_closes), default=None)
    return OrderReturns(can_return, closed_at, open_until, listed)


@bp.app_template_global("customer_returns")
def customer_returns():
    """The signed-in customer's returns, newest first: (number, order number, status, url)."""
    if not current_user.is_authenticated:
        return []
    rows = returns.for_customer(current_user.id)
    return [(number, order_number, returns.status_label(status),
             url_for("returns.view_return", number=number))
            for number, order_number, status in rows]
