"""Who the visitor is as a reviewer, for what only a review's own author may see: the form of
their order, and their review's photos before it is published."""
from flask import abort, request
from flask_login import current_user

from domain import orders
from domain.errors import NotFound
from domain.reviews import eligibility, links


def form_link_token():
    """The signed token of a review form link (?t=...), from the URL or a posted form."""
    return request.values.get("t", "")


def reviewing_order(number):
    """The order whose review form this visitor may open: with the form link's token, or
    signed in to the account that placed it. 404 otherwise, the same answer as for a number
    that does not exist, so numbers cannot be probed."""
    token = form_link_token()
    if token:
        try:
            return links.order_for_form_token(number, token)
        except NotFound:
            abort(404)
    order = orders.by_number(number)
    if order is None or not current_user.is_authenticated or order.user_id != current_user.id:
        abort(404)
    return order


def visitor_reviewer(review):
    """The visitor's reviewer identity when it is `review`'s: signed in as its author, or
    holding the form link of the order it was written for ("?t=" on the photo's address)."""
    if current_user.is_authenticated and review.reviewer == f"user:{current_user.id}":
        return review.reviewer
    order = links.order_opened(review.order_id, form_link_token())
    return eligibility.reviewer_of(order) if order is not None else None
