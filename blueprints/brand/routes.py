"""The brand's storefront pages: About us, the cause, and the stylesheet of the accent colour."""
import re

from flask import abort, current_app
from flask_babel import get_locale

from domain import brand, cause
from domain.errors import ShopError

from ..common import shop
from ..htmx import render
from ..pagecache import cached_page
from . import bp

STYLESHEET_MAX_AGE = 365 * 24 * 3600
# Where this process keeps what the orders gave, with the fingerprint it was counted at.
GIVEN_KEY = "cause_given"


@bp.get("/about")
@cached_page
def about():
    config = shop()
    html = brand.about_html(config, str(get_locale()))
    if not html:
        abort(404)
    return render("brand/about.html", about_html=html)


@bp.get("/cause")
def cause_page():
    """Not kept in the page cache: orders delivered and returned change it, and they do not
    move the storefront version. What orders gave is added up again only when the orders'
    fingerprint moved (two small reads instead of reading every delivered order)."""
    config = shop()
    if not cause.is_set(config):
        abort(404)
    key = (config.timezone, cause.fingerprint())
    kept = current_app.extensions.get(GIVEN_KEY)
    if kept is None or kept[0] != key:
        kept = current_app.extensions[GIVEN_KEY] = (key, cause.given(config.zone))
    return render("brand/cause.html", totals=cause.totals(config.zone, kept[1]),
                  cause_name=cause.name(config, str(get_locale())))


@bp.get("/brand/<colour>.css")
def stylesheet(colour):
    """The accent colour's stylesheet, named by the colour: the same address always gives the
    same file, so browsers keep it for a year. Only a colour the shop would accept is drawn."""
    if not re.fullmatch(r"[0-9a-f]{6}", colour):
        abort(404)
    try:
        checked = brand.parse_colour("#" + colour)
    except ShopError:
        abort(404)
    response = current_app.response_class(brand.stylesheet(checked), mimetype="text/css")
    response.cache_control.public = True
    response.cache_control.max_age = STYLESHEET_MAX_AGE
    response.cache_control.immutable = True
    return response
