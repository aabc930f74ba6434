"""Per-request helpers shared by the blueprints: the shop's settings, the visitor's cart,
one-time form tokens, and the template filters for money and images."""
import secrets
from datetime import datetime, timezone

from flask import current_app, g, session, url_for
from flask_babel import get_locale
from flask_login import current_user

from domain import cart as carts
from domain import shopconfig
from domain.images import file_name, widths_for
from domain.money import Money
from domain.stock import stock_message, stock_state


def now():
    """The request's clock: aware UTC. Tests freeze it with app.config["CLOCK"], a callable."""
    clock = current_app.config.get("CLOCK")
    return clock() if clock else datetime.now(timezone.utc)


def shop():
    """The cached ShopConfig snapshot for this request."""
    if "shop" not in g:
        g.shop = shopconfig.current(current_app.config["STOREFRONT_VERSION_FILE"])
    return g.shop


def new_token():
    """A one-time form token: a checkout or a return request sent twice is made only once."""
    return secrets.token_urlsafe(24)


def valid_token(token):
    # Orders and returns keep up to 64 characters; a blank token would match every other blank one.
    return bool(token) and 16 <= len(token) <= 64


def current_cart():
    if current_user.is_authenticated:
        return carts.CustomerCart(current_user.id)
    data = session.setdefault("cart", {})
    session.modified = True
    return carts.GuestCart(data)


def cart_count():
    """Items in the visitor's cart, without touching the session for visitors who have none."""
    if current_user.is_authenticated:
        return carts.count(carts.CustomerCart(current_user.id))
    data = session.get("cart")
    return carts.count(carts.GuestCart(data)) if data else 0


def safe_next(target, default):
    """target if it is a path on this site, else default: an open redirect would let links abuse
    the shop's name. Browsers drop tabs and newlines inside URLs (slash, tab, slash, evil.com
    becomes //evil.com), so control characters and spaces disqualify a target too."""
    if (not target or not target.startswith("/") or target.startswith("//") or "\\" in target
            or any(ord(ch) <= 32 or ord(ch) == 127 for ch in target)):
        return default
    return target


def format_money(amount):
    if amount is None:
        return ""
    if isinstance(amount, Money):
        return amount.format(str(get_locale()))
    return Money(int(amount), shop().currency).format(str(get_locale()))


def format_order_money(amount, currency):
    """An amount of an order, in the currency it was placed in (the shop's may have changed)."""
    if amount is None:
        return ""
    return Money(int(amount), currency).format(str(get_locale()))


def image_src(key, width):
    return url_for("products.media", filename="products/" + file_name(key, width))


def image_srcset(key, width):
    return ", ".join(f"{image_src(key, w)} {w}w" for w in widths_for(width))


def image_thumb(key, width):
    return image_src(key, widths_for(width)[0])


def image_fallback(key, width):
    """The src for browsers without srcset: the middle size."""
    sizes = widths_for(width)
    return image_src(key, sizes[len(sizes) // 2])


def init_app(app):
    app.jinja_env.filters["money"] = format_money
    app.jinja_env.filters["order_money"] = format_order_money
    app.jinja_env.globals["order_money"] = format_order_money
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    register_error_pages(app)

    @app.context_processor
    def inject():
        return {
            "shop": shop(),
            "cart_count": cart_count,
            "image_src": image_src,
            "image_srcset": image_srcset,
            "image_fallback": image_fallback,
            "image_thumb": image_thumb,
            "stock_message": lambda stock: stock_message(stock, shop().low_stock_threshold),
            "stock_state": lambda stock: stock_state(stock, shop().low_stock_threshold),
            "current_locale": str(get_locale()),
        }


def register_error_pages(app):
    from flask_babel import gettext as _

    from .htmx import render, wants_fragment
    from flask_wtf.csrf import CSRFError

    def page(status, title, message):
        """The error as a page; for an htmx fragment request, as the content of <main>, so a
        failed add-to-cart or an expired form shows its message instead of doing nothing."""
        response = render("errors/error.html", block="content", status=status, title=title,
                          message=message)
        if wants_fragment():
            response.headers["HX-Retarget"] = "#main"
            response.headers["HX-Reswap"] = "innerHTML"
        return response

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return page(400, _("Please try again"),
                    _("This form had expired or was sent from another site, so nothing was "
                      "changed. Reload the page and send it again."))

    @app.errorhandler(403)
    def forbidden(error):
        return page(403, _("Not allowed"), _("This page is not available to your account."))

    @app.errorhandler(404)
    def not_found(error):
        return page(404, _("Page not found"),
                    _("We could not find that page. It may have moved, or the product may no "
                      "longer be sold."))

    @app.errorhandler(413)
    def too_large(error):
        return page(413, _("File too large"), _("Please upload a file smaller than 16 MB."))

    @app.errorhandler(429)
    def too_many(error):
        return page(429, _("Too many attempts"),
                    _("Too many attempts in a short time. Please wait a minute and try again."))

    @app.errorhandler(500)
    def server_error(error):
        from domain.extensions import db
        db.session.rollback()
        return page(500, _("Something went wrong"),
                    _("Sorry, something went wrong on our side. Nothing was charged. Please try again in a moment."))
