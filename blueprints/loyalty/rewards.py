"""/account/rewards: the signed-in customer's own points, their ledger and their tier."""
from flask import request
from flask_login import current_user, login_required

from domain.loyalty import rewards as loyalty_rewards

from ..common import shop
from ..htmx import render
from ..templating import now
from . import bp


@bp.get("/account/rewards")
@login_required
def rewards():
    data = loyalty_rewards.for_customer(current_user, now(), request.args.get("page", 1),
                                        shop().currency)
    return render("loyalty/rewards.html", block="ledger", rewards=data, user=current_user)


@bp.get("/policies/points")
def points_policy():
    """The points and tiers rules, drawn from the live settings."""
    return render("loyalty/points_policy.html", **loyalty_rewards.policy())
