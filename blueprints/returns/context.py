"""What other pages show of returns: a return's link, the order page's returns section and the
account's list of returns. The order and account views put these in their pages' context."""
from dataclasses import dataclass

from flask import url_for

from domain import returns
from domain.returns import offer

from ..orders.access import tracking_url_args


def return_url(number, order):
    """A return's page, with the order's signed link for visitors who are not its owner."""
    return url_for("returns.view_return", **{**tracking_url_args(order), "number": number})


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
    # Until when an item that arrived damaged or wrong may still come back, when nothing else may.
    fault_until: object = None


def order_returns(order, now, config):
    """The returns section of an order's page."""
    # Loaded first, so the eligibility below finds the returns already there.
    listed = [(ret.number, returns.status_label(ret.status), return_url(ret.number, order))
              for ret in returns.of_order(order)]
    window = offer.return_window(order, now, config)
    return OrderReturns(window.can_return, window.closed_at, window.open_until, listed,
                        window.fault_until)


def photo_urls(ret):
    """(url, width, height) of each photo sent with `ret`, as links that open for this visitor
    (the owner, a merchant, or the holder of the order's signed link)."""
    args = {key: value for key, value in tracking_url_args(ret.order).items() if key != "number"}
    return [(url_for("returns.return_photo", number=ret.number, photo_id=photo.id, **args),
             photo.width, photo.height) for photo in ret.photos]


def customer_returns(user_id):
    """A customer's returns, newest first: (number, order number, status label, url)."""
    return [(number, order_number, returns.status_label(status),
             url_for("returns.view_return", number=number))
            for number, order_number, status in returns.for_customer(user_id)]
