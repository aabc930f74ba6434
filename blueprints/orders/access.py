"""Who may see an order: its signed-in owner, a merchant, or whoever holds its tracking link.

Every order page and action goes through viewable_order(), so one customer never sees
another's order, and a guest's link works only for the order it was made for.
"""
from flask import abort, request
from flask_login import current_user

from domain import orders
from domain.errors import NotFound


def link_token():
    """The signed token of a tracking link (?t=...), from the URL or a posted form."""
    return request.values.get("t", "")


def viewable_order(number):
    """The order numbered `number` if this visitor may see it; 404 otherwise (the same answer
    for a wrong number as for someone else's order, so numbers cannot be probed)."""
    order = orders.by_number(number)
    if order is None:
        abort(404)
    if current_user.is_authenticated and (current_user.is_merchant or order.user_id == current_user.id):
        return order
    token = link_token()
    if token:
        try:
            return orders.order_for_token(number, token)
        except NotFound:
            abort(404)
    abort(404)


def is_owner(order):
    """Whether the visitor is signed in to the account that placed `order`."""
    return current_user.is_authenticated and order.user_id == current_user.id


def tracking_url_args(order):
    """url_for arguments for the order's tracking page that work for this visitor."""
    args = {"number": order.number}
    if not is_owner(order):
        args["t"] = orders.tracking_token(order)
    return args
