"""Policy pages. Shipping is drawn from the shipping settings; the others are placeholders
until the merchant's own policy texts exist."""
from flask import abort

from ..htmx import render
from ..pagecache import cached_page
from . import bp

PLACEHOLDERS = ("returns", "privacy", "terms")


@bp.get("/shipping")
@cached_page
def shipping():
    return render("policies/shipping.html")


@bp.get("/<name>")
@cached_page
def placeholder(name):
    if name not in PLACEHOLDERS:
        abort(404)
    return render("policies/placeholder.html", name=name)
