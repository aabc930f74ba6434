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
from domain.returns import offer

from ..common import now, shop
from . import bp
from .routes import return_url


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
    # Loaded first, so the eligibility below finds the returns already there.
    listed = [(ret.number, returns.status_label(ret.status), return_url(ret.number, order))
              for ret in _load_returns(order)]
    window = offer.return_window(order, now(), shop())
    return OrderReturns(window.can_return, window.closed_at, window.open_until, listed)


@bp.app_template_global("customer_returns")
def customer_returns():
    """The signed-in customer's returns, newest first: (number, order number, status, url)."""
    if not current_user.is_authenticated:
        return []
    rows = returns.for_customer(current_user.id)
    return [(number, order_number, returns.status_label(status),
             url_for("returns.view_return", number=number))
            for number, order_number, status in rows]
