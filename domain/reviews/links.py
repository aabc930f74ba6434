"""The signed link to an order's review form, emailed to guests and members alike.

`/orders/<number>/review?t=<token>`: the token signs the order number with a salt of its own,
so it opens the review form and nothing else (the tracking link does not open the form, nor
the form's link the order page). Like the order emails that hold it, it never expires; what
it lets one do is bounded by eligibility (a delivered line not fully refunded).
"""
from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from .. import orders
from ..errors import NotFound
from ..extensions import db
from ..models import Order


def _serializer(secret=None):
    return URLSafeSerializer(secret or current_app.config["SECRET_KEY"], salt="review-form")


def form_token(order, secret=None):
    """The signed part of the order's review form link."""
    return _serializer(secret).dumps(order.number)


def order_for_form_token(number, token, secret=None):
    """The order a review form link opens, or NotFound for a wrong, altered or other order's
    link."""
    try:
        signed_number = _serializer(secret).loads(token or "")
    except BadSignature:
        raise NotFound()
    order = orders.by_number(number)
    if order is None or signed_number != order.number:
        raise NotFound()
    return order


def order_opened(order_id, token):
    """The order with that id if `token` is its review form link's, else None."""
    if not token or order_id is None:
        return None
    order = db.session.get(Order, order_id)
    try:
        return order_for_form_token(order.number, token) if order is not None else None
    except NotFound:
        return None
