"""What other pages show of the review form: the link to it for an order."""
from flask import url_for
from flask_login import current_user

from domain.reviews import eligibility, links


def form_url_args(order):
    """url_for arguments of the order's review form that work for this visitor: no token for
    the signed-in owner, the signed form link otherwise."""
    args = {"number": order.number}
    if not (current_user.is_authenticated and order.user_id == current_user.id):
        args["t"] = links.form_token(order)
    return args


def review_link(order):
    """The address of the order's review form when one of its lines may be reviewed, else
    None (the order page shows the link only then; a merchant looking at a customer's order
    is not its buyer)."""
    if current_user.is_authenticated and current_user.is_merchant \
            and order.user_id != current_user.id:
        return None
    if order.status != "delivered" or not eligibility.may_review_any(order):
        return None
    return url_for("reviews.form", **form_url_args(order))
