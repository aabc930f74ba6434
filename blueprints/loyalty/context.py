"""What other blueprints show of loyalty: the guest's account invitation on the order
confirmation page and in the confirmation email."""
from flask import current_app, url_for

from domain.loyalty import claim

from ..templating import now


def claim_url(order, external=False):
    """The signed link that makes a guest's account from their first order, or None when the
    order does not invite one (an account's order, a later order, an address with an account)."""
    if order is None or not claim.invites(order):
        return None
    token = claim.token(order, current_app.config["SECRET_KEY"], now())
    return url_for("loyalty.claim_account", token=token, _external=external)
