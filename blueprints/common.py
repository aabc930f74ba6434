"""Per-request helpers shared by the blueprints: the shop's settings, the visitor's cart,
one-time form tokens, safe redirects and the error pages. Template filters, globals and the
request's clock are in templating.py."""
import json
import math
import secrets
import time

from flask import current_app, g, request, session
from flask_babel import get_locale, lazy_gettext as _l
from flask_login import current_user
from werkzeug.routing import IntegerConverter
from wtforms.validators import ValidationError

from domain import cart as carts
from domain import email_address, shopconfig, storefront_version
from domain.ids import MAX_ID
from domain.money import locale_or_none


# The visitor's open chat in the signed session ({"id", "key"}): the chat panel reads it, and
# the checkout's heartbeat opens there a chat the merchant started for that checkout.
CHAT_SESSION_KEY = "chat"
# The last error shown at checkout ({"code", "message"}): written by the checkout, copied into a
# chat started from it.
CHECKOUT_PROBLEM_KEY = "checkout_problem"
# Coupon codes the shopper applied in the cart or at checkout (a list, in the session), and
# the referral code of the /r/<code> link they arrived through.
COUPON_CODES_KEY = "coupon_codes"
REFERRAL_KEY = "referral_code"
# The newsletter campaign whose link the visitor followed, and when ({"id", "at"}): the only
# trace a campaign link leaves, read when an order is placed (campaign_visit()).
CAMPAIGN_KEY = "campaign"


def campaign_visit():
    """(campaign id, when its link was followed) from the session, or (None, None)."""
    from datetime import datetime
    kept = session.get(CAMPAIGN_KEY)
    try:
        return int(kept["id"]), datetime.fromisoformat(kept["at"])
    except (TypeError, KeyError, ValueError):
        return None, None


def open_chat(conversation):
    """Make `conversation` the chat this visitor's panel shows."""
    session[CHAT_SESSION_KEY] = {"id": conversation.id, "key": conversation.secret}


def shop():
    """The cached ShopConfig snapshot for this request."""
    if "shop" not in g:
        # The version first: what is cached under it (page chrome) is then never older.
        g.shop_version = storefront_version.current()
        g.shop = shopconfig.current()
    return g.shop


def number_locale():
    """The locale the merchant types amounts in: the browser's own language and region (a
    German browser sends de-DE, and "4,90" is four euros ninety), else the page's language.
    The pages themselves speak only the shop's languages; numbers follow the person."""
    if "number_locale" not in g:
        tags = [tag for tag, _quality in request.accept_languages][:5]
        g.number_locale = next(filter(None, map(locale_or_none, tags)), None) or str(get_locale())
    return g.number_locale


def shop_version():
    """The storefront version this request's settings snapshot is at least as new as."""
    shop()
    return g.shop_version


def other_languages():
    """The shop's languages besides its main one, in which catalogue texts are optional."""
    return [lang for lang in shopconfig.LANGUAGES if lang != shop().main_language]


def new_token():
    """A one-time form token: a checkout or a return request sent twice is made only once."""
    return secrets.token_urlsafe(24)


def valid_token(token):
    # Orders and returns keep up to 64 characters; a blank token would match every other blank one.
    return bool(token) and 16 <= len(token) <= 64


def current_cart():
    """The visitor's cart; a customer's is one object per request, so the page and the header's
    count share one read of it."""
    if current_user.is_authenticated:
        if g.get("customer_cart") is None or g.customer_cart.user_id != current_user.id:
            g.customer_cart = carts.customer_cart(current_user)
        return g.customer_cart
    data = session.setdefault("cart", {})
    session.modified = True
    return carts.GuestCart(data)


def safe_next(target, default):
    """target if it is a path on this site, else default: an open redirect would let links abuse
    the shop's name. Browsers drop tabs and newlines inside URLs (slash, tab, slash, evil.com
    becomes //evil.com), so control characters and spaces disqualify a target too."""
    if (not target or not target.startswith("/") or target.startswith("//") or "\\" in target
            or any(ord(ch) <= 32 or ord(ch) == 127 for ch in target)):
        return default
    return target


def json_attachment(data, filename):
    """A download of `data` as a JSON file, never kept by a cache."""
    response = current_app.response_class(json.dumps(data, ensure_ascii=False, indent=2),
                                          mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


class IdConverter(IntegerConverter):
    """<id:name> in a route: a row id, 1 to 2**63 - 1. Anything else is a 404 before the view
    runs, so an id the database cannot hold never reaches a query."""

    def __init__(self, map):
        super().__init__(map, min=1, max=MAX_ID)


def init_app(app):
    app.url_map.converters["id"] = IdConverter
    from . import pagecache, requestid, server_errors, templating
    pagecache.init_app(app)
    templating.init_app(app)
    requestid.init_app(app)
    server_errors.init_app(app)

    @app.teardown_request
    def forget_the_visitor(exc):
        # g outlives the request when an app context was pushed around it (tests, CLI).
        for name in ("customer_cart", "cart_count", "media_prefix", "product_prefix", "translations",
                     "shop_version"):
            g.pop(name, None)
    register_error_pages(app)


def register_error_pages(app):
    from flask_babel import gettext as _

    from flask_wtf.csrf import CSRFError

    from domain import transaction
    from domain.errors import NotFound, ShopError

    from . import requestid
    from .htmx import render, wants_fragment

    def page(status, title, message, reference=None):
        """The error as a page; for an htmx fragment request, as the content of <main>, so a
        failed add-to-cart or an expired form shows its message instead of doing nothing."""
        response = render("errors/error.html", block="content", status=status, title=title,
                          message=message, reference=reference)
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
        return page(429, _("Too many attempts"), wait_message(retry_after_seconds()))

    @app.errorhandler(ShopError)
    def refused(error):
        """A domain refusal no view caught: its message, and nothing of the request is kept."""
        return page(404 if isinstance(error, NotFound) else 422, _("That did not work"),
                    str(error))

    @app.errorhandler(500)
    def server_error(error):
        # A failed flush leaves the session unusable until it is rolled back, and the page
        # below reads the shop's settings.
        transaction.finish(False)
        # The log line of this error carries the same reference (server_errors.log_and_count).
        return page(500, _("Something went wrong"),
                    _("Sorry, something went wrong on our side. Nothing was charged. Please try again in a moment."),
                    reference=requestid.current())


def retry_after_seconds():
    """Seconds until the limit this request broke lets attempts through again (Flask-Limiter's
    breached limit and its window's reset, counted wherever the limits are stored)."""
    from domain.extensions import limiter

    # Every limit this request broke must have reset before an attempt gets through.
    breached = [limit.reset_at for limit in limiter.current_limits if limit.breached]
    if not breached:
        return 60
    # A second of slack: the window's end is stamped a moment before this line runs.
    return max(1, math.ceil(max(breached) - time.time()) - 1)


def wait_message(seconds):
    """How long to wait, as the limit really has it: a minute, N minutes or N hours."""
    from flask_babel import gettext as _, ngettext

    minutes = math.ceil(seconds / 60)
    if minutes <= 1:
        return _("Too many attempts in a short time. Please wait a minute and try again.")
    if minutes < 60:
        return ngettext("Too many attempts in a short time. Please wait %(num)d minute and try "
                        "again.", "Too many attempts in a short time. Please wait %(num)d minutes "
                        "and try again.", minutes)
    hours = math.ceil(minutes / 60)
    return ngettext("Too many attempts. Please try again in %(num)d hour.",
                    "Too many attempts. Please try again in %(num)d hours.", hours)


class ValidEmail:
    """The form validator for an email field: the domain's one rule (domain.email_address)."""

    def __init__(self, message=None):
        self.message = message

    def __call__(self, form, field):
        if not email_address.is_valid((field.data or "").strip()):
            raise ValidationError(self.message or _l("Please enter a valid email address."))
