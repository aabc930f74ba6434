"""Policy pages. Shipping is drawn from the shipping settings, returns from the return rules
and reviews from the review settings, so none can say something the shop does not do; privacy
and terms are the texts the merchant writes in the back office, and the privacy page adds what
the code decides: the cookies the shop sets and how to download or delete one's data."""
from flask import abort, current_app

from domain import policies
from domain.reviews import policy as review_policy

from ..common import shop
from ..htmx import render
from ..pagecache import cached_page
from . import bp
from .cookies import shop_cookies


@bp.get("/shipping")
@cached_page
def shipping():
    return render("policies/shipping.html")


@bp.get("/returns")
@cached_page
def returns():
    return render("policies/returns.html", view=policies.returns_policy(shop().currency))


@bp.get("/reviews")
@cached_page
def reviews():
    return render("policies/reviews.html", policy=review_policy.policy())


@bp.get("/<name>")
@cached_page
def page(name):
    if name not in policies.PAGES:
        abort(404)
    cookies = shop_cookies(current_app.config) if name == "privacy" else []
    return render("policies/page.html", name=name, page=policies.page(name), cookies=cookies)
