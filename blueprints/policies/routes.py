"""Policy pages. Shipping is drawn from the shipping settings and returns from the return
rules, so neither can say something the shop does not do; privacy and terms are the texts the
merchant writes in the back office."""
from flask import abort

from domain import policies

from ..common import shop
from ..htmx import render
from ..pagecache import cached_page
from . import bp


@bp.get("/shipping")
@cached_page
def shipping():
    return render("policies/shipping.html")


@bp.get("/returns")
@cached_page
def returns():
    return render("policies/returns.html", view=policies.returns_policy(shop().currency))


@bp.get("/<name>")
@cached_page
def page(name):
    if name not in policies.PAGES:
        abort(404)
    return render("policies/page.html", name=name, page=policies.page(name))
