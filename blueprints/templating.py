"""The one place for what templates may call: filters, globals, the values every page gets,
and the request's clock.

Everything here formats or links what a view already loaded; nothing queries the database.
Views pass what a page shows in its context (blueprints/<name>/context.py builds what several
pages share).
"""
from datetime import datetime, timezone
from urllib.parse import quote, urlsplit

from babel.dates import (format_date, format_skeleton, format_time, get_datetime_format,
                         get_day_names, get_timezone_location)
from flask import current_app, g, render_template, request, session, url_for
from flask_babel import get_locale, get_translations, gettext, ngettext
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from jinja2 import pass_context
from markupsafe import Markup, escape

from domain import cart as carts
from domain import payments, returns
from domain.helpdesk import hours as business_hours
from domain.helpdesk import conversations
from domain.helpdesk import contact as helpdesk_contact
from domain.localized import text as localized_text
from domain.loyalty import coupons as loyalty_coupons
from domain.shopconfig import LANGUAGE_NAMES, delivery_days
from domain.images import file_name, widths_for
from domain.money import Money
from domain.pricing import format_rate
from domain.reviews import satisfaction
from domain.stock import stock_message, stock_state

from . import backoffice
from .common import current_cart, other_languages, shop, shop_version


def now(app=None):
    """The request's clock: aware UTC. Tests freeze it with app.config["CLOCK"], a callable.
    `app`: the app already at hand (one lookup of current_app less, on a hot path)."""
    clock = (app or current_app).config.get("CLOCK")
    return clock() if clock else datetime.now(timezone.utc)


def _locale():
    return str(get_locale())


# Money ------------------------------------------------------------------------------------

def format_money(amount):
    """An amount in the shop's currency (or a Money in its own), in the visitor's language."""
    if amount is None:
        return ""
    if isinstance(amount, Money):
        return amount.format(_locale())
    return Money(int(amount), shop().currency).format(_locale())


def format_order_money(amount, currency):
    """An amount of an order, in the currency it was placed in (the shop's may have changed)."""
    if amount is None:
        return ""
    return Money(int(amount), currency).format(_locale())


def bp_percent(basis_points):
    """1000 -> "10", as a percentage is written."""
    return format_rate(basis_points or 0)


# Dates, in the shop's time zone -----------------------------------------------------------

def shop_datetime(value):
    """'Mar 3, 2026, 6:00 PM' in the shop's zone."""
    if value is None:
        return ""
    local, locale = value.astimezone(shop().zone), _locale()
    # The locale's own way of joining a medium date and a time, with minutes but no seconds.
    return (get_datetime_format("medium", locale=locale).replace("'", "")
            .replace("{0}", format_time(local, "short", locale=locale))
            .replace("{1}", format_date(local, "medium", locale=locale)))


def shop_date(value, form="medium"):
    """The calendar day in the shop's zone: 'Mar 3, 2026'; form='full' adds the weekday."""
    if value is None:
        return ""
    return format_date(value.astimezone(shop().zone), form, locale=_locale())


def tier_name(tier):
    """A loyalty tier's name in the reader's language."""
    from domain.loyalty import tiers
    return tiers.tier_name(tier, _locale())


def points_kind(kind):
    """What a points ledger row is: "Earned", "Spent", ..."""
    from domain.loyalty import rewards
    return rewards.kind_label(kind)


def shop_time_or_datetime(value):
    """'14:32' in the shop's zone, with the date too when it is not today there."""
    zone = shop().zone
    local, today, locale = value.astimezone(zone), now().astimezone(zone), _locale()
    time = format_time(local, "short", locale=locale)
    if local.date() == today.date():
        return time
    return f"{format_date(local, 'medium', locale=locale)} {time}"


def iso_utc(value):
    """For <time datetime="...">."""
    return value.astimezone(timezone.utc).isoformat(timespec="minutes") if value else ""


def minutes_until(moment):
    """Whole minutes from now until `moment`, rounded up (0 once it has passed or is None)."""
    seconds = (moment - now()).total_seconds() if moment else 0
    return max(0, int(-(-seconds // 60)))


# Business hours and reply times (domain/helpdesk/hours.py) -----------------------------------

def duration_words(minutes):
    """A reply target in words: 120 -> "2 hours", 90 -> "1 hour 30 minutes", 30 -> "30 minutes"."""
    hours, rest = divmod(max(int(minutes or 0), 0), 60)
    parts = []
    if hours:
        parts.append(ngettext("%(num)d hour", "%(num)d hours", hours))
    if rest or not hours:
        parts.append(ngettext("%(num)d minute", "%(num)d minutes", rest))
    if len(parts) == 1:
        return parts[0]
    return gettext("%(hours)s %(minutes)s", hours=parts[0], minutes=parts[1])


def weekday_name(weekday, width="wide"):
    """Monday for 0, in the page's language ("월요일"); width "abbreviated" gives "Mon"."""
    return get_day_names(width, locale=_locale())[weekday]


def shop_week(schedule):
    """The week's hours in short lines, in the page's language (hours.describe_week)."""
    return business_hours.describe_week(schedule, _locale())


def zone_label(schedule):
    """"Seoul time": how the shop's clock is named next to a time on it."""
    city = get_timezone_location(schedule.zone, locale=_locale(), return_city=True)
    return gettext("%(city)s time", city=city)


def opening_words(schedule, moment, now=None):
    """When the shop opens, on its own clock: "Monday 09:00" within the coming week, with the
    date further ahead ("Friday, December 25 09:00")."""
    local, locale = business_hours.local(schedule, moment), _locale()
    clock = business_hours.clock(local.hour * 60 + local.minute)
    today = business_hours.local(schedule, now or moment).date()
    if (local.date() - today).days < 7:
        return gettext("%(day)s %(time)s", day=weekday_name(local.weekday()), time=clock)
    return gettext("%(day)s %(time)s", day=format_skeleton("MMMMEEEEd", local, locale=locale),
                   time=clock)


def format_day(day, skeleton=None):
    """A calendar date as the page's language writes it: "Dec 25, 2026"; with a skeleton,
    only those parts ("MMMd": "Dec 25", "yMMM": "Dec 2026")."""
    if skeleton:
        return format_skeleton(skeleton, day, locale=_locale())
    return format_date(day, "medium", locale=_locale())


def format_month(day):
    """A month as the page's language writes it: "December 2026", "2026년 12월"."""
    return format_skeleton("yMMMM", day, locale=_locale())


def upcoming_holidays(schedule, moment, days=60):
    """(date, label) of the holidays in the coming `days` days, from `moment` on the shop's clock."""
    return business_hours.upcoming_holidays(schedule, business_hours.local(schedule, moment).date(),
                                            days)


# Photos -----------------------------------------------------------------------------------

def _media_prefix():
    """The URL of the product photos' folder, built once per request: a listing shows dozens of
    photos in several sizes, and url_for costs more than the rest of a card."""
    if "media_prefix" not in g:
        g.media_prefix = url_for("products.media", filename="products/x")[:-1]
    return g.media_prefix


def image_src(key, width):
    return _media_prefix() + file_name(key, width)


def image_srcset(key, width):
    prefix = _media_prefix()
    return ", ".join(f"{prefix}{file_name(key, w)} {w}w" for w in widths_for(width))


def product_url(slug):
    """A product page's URL, from the same kind of per-request prefix (a card per product)."""
    if "product_prefix" not in g:
        g.product_prefix = url_for("products.product", slug="x")[:-1]
    return g.product_prefix + quote(slug, safe="")


def image_thumb(key, width):
    return image_src(key, widths_for(width)[0])


def image_fallback(key, width):
    """The src for browsers without srcset: the middle size."""
    sizes = widths_for(width)
    return image_src(key, sizes[len(sizes) // 2])


# Returns ----------------------------------------------------------------------------------

def rule_actions(rule):
    """"Refund, Exchange, Store credit": what a return rule lets customers choose."""
    return ", ".join(returns.action_label(action) for action in rule.actions)


def review_status_label(status):
    """A review's status in the merchant's words."""
    return {"pending": gettext("Waiting"), "published": gettext("Published"),
            "hidden": gettext("Hidden")}.get(status, status)


def return_status_label(status):
    """A return's status in the merchant's words."""
    return returns.status_label(status, merchant=True)


# The visitor ------------------------------------------------------------------------------

def inbox_unread():
    """The back office menu's "Inbox 3": the conversations with a customer message nobody has
    opened, counted once per back-office request however many templates it renders."""
    if request.blueprint != "admin" or not current_user.is_authenticated \
            or not current_user.is_merchant:
        return 0
    if "inbox_unread" not in g:
        g.inbox_unread = conversations.unread_for_staff()
    return g.inbox_unread


def cart_count():
    """Items in the visitor's cart, without touching the session for visitors who have none.
    A signed-in customer's count is one query per request, however many templates it renders
    (a fragment and its out-of-band badge): views render after they change the cart."""
    if current_user.is_authenticated:
        if "cart_count" not in g:
            g.cart_count = carts.count(current_cart())
        return g.cart_count
    data = session.get("cart")
    return carts.count(carts.GuestCart(data)) if data else 0


# Holes: what the page cache (blueprints/pagecache.py) cuts out of a stored page and fills in per
# request. While a cacheable page renders, g.page_holes is a dict and these globals leave a marker
# instead of the visitor's own token, badge or personal part; otherwise they render it in place.

CSRF_HOLE = "\x00csrf-token\x00"
BADGE_HOLE = "\x00cart-badge\x00"
PART_HOLE = "\x00part:{}\x00"
RETURN_HOLE = "\x00return-path\x00"
# A one-time form token (the one-click button's checkout token): every copy of a stored page
# gets a new one, so two presses from two views of the page are two orders, as without the cache.
TOKEN_HOLE = "\x00one-time-token\x00"


def csrf_token():
    """The visitor's CSRF token for a form (Flask-WTF's, so it starts their session)."""
    if g.get("page_holes") is not None:
        return CSRF_HOLE
    return generate_csrf()


_BADGES = {}


def badge_html(count):
    """The header's cart link for a cart of `count` items: the same for everyone with as many
    items, in one language, so it is drawn once."""
    key = (_locale(), count)
    html = _BADGES.get(key)
    if html is None:
        html = render_template("_cart_badge.html", cart_count=count)
        if count < 100:
            _BADGES[key] = html
    return html


def cart_badge():
    """The header's cart link with the visitor's count."""
    if g.get("page_holes") is not None:
        return Markup(BADGE_HOLE)
    return Markup(badge_html(cart_count()))


def one_time_token(token):
    """A one-time form token drawn for this view of the page: a hole in a page being stored."""
    if g.get("page_holes") is not None:
        return Markup(TOKEN_HOLE)
    return token


def return_path():
    """This page, for the language form to come back to."""
    if g.get("page_holes") is not None:
        return Markup(RETURN_HOLE)
    return request.full_path.rstrip("?")


CHROME_SIZE = 256


@pass_context
def chrome(context, template, variant=""):
    """The site's header or footer: the same for every visitor of a kind (signed in or not, a
    merchant), language, storefront version and `variant` (the category shown), so it is drawn
    once with holes and filled per request. A tenth of a page that is built per request (the
    cart, checkout, an uncached listing) is spared."""
    user = current_user
    audience = ("merchant" if user.is_merchant else "customer") if user.is_authenticated else "visitor"
    key = (template, str(variant or ""), _locale(), request.is_secure, audience, shop_version())
    kept = current_app.extensions.setdefault("page_chrome", {})
    html = kept.get(key)
    if html is None:
        outer, g.page_holes = g.get("page_holes"), {}
        try:
            html = context.environment.get_template(template).render(context.get_all())
        finally:
            g.page_holes = outer
        if len(kept) >= CHROME_SIZE:
            kept.clear()  # versions moved on: the old entries are of no use
        kept[key] = html
    html = html.replace(RETURN_HOLE, str(escape(request.full_path.rstrip("?"))))
    if g.get("page_holes") is None:
        html = (html.replace(CSRF_HOLE, generate_csrf())
                .replace(BADGE_HOLE, badge_html(cart_count()) if BADGE_HOLE in html else ""))
    return Markup(html)


@pass_context
def personal(context, template):
    """A partial that is the visitor's own (a one-click button with their address): drawn in
    place, or left as a hole the page cache fills per request. `personal_state` in the context
    is what the page cache keeps to draw it again (see pagecache.PERSONAL_PARTS)."""
    holes = g.get("page_holes")
    if holes is None:
        return Markup(context.environment.get_template(template).render(context.get_all()))
    holes[template] = context.get("personal_state")
    return Markup(PART_HOLE.format(template))


def payment_method_label(key):
    """How an order is paid, in the reader's language: "Card, processed by Stripe"."""
    from domain import payments
    found = payments.PROVIDERS.get(key or "")
    return str(found.label) if found is not None else key


def toss_offered():
    """Whether Toss Payments is configured: its choice at checkout is enabled by a script,
    which every page then loads (a boosted link to checkout does not load the head again)."""
    from domain import payments
    return payments.TOSS.key in payments.card_keys()


def may_open(target):
    """Whether the signed-in person may open `target` (an endpoint or a path) in the back
    office: the navigation hides what the rule would refuse."""
    path = urlsplit(target if target.startswith("/") else url_for(target)).path
    return backoffice.may_open(backoffice.role_of(current_user), path)


# The chat's Help button: where it opens from each kind of page (endpoint: (about, id arg)).
CHAT_PAGES = {"products.product": ("product", "slug"), "products.category": ("category", "slug"),
              "checkout.page": ("checkout", None), "cart.view": ("cart", None),
              "orders.track_order": ("order", "number")}


def chat_widget():
    """The Help button's two addresses on a storefront page, or None where it has no place (the
    back office, the chat page itself). Drawn from the page's own URL only, so a cached page
    carries the same button for every visitor: the panel (htmx) and, without JavaScript, the
    contact form, both told which page they came from."""
    if request.blueprint in ("admin", "chat") or request.endpoint is None:
        return None
    about, arg = CHAT_PAGES.get(request.endpoint, ("other", None))
    key = (request.view_args or {}).get(arg, "") if arg else ""
    panel = {"about": about, "path": request.path}
    contact = {"from": request.path}
    if key:
        panel["id"] = key
        if about in ("product", "order"):
            contact[about] = key
    if about == "order" and request.args.get("t"):
        panel["t"] = contact["t"] = request.args["t"]
    return {"panel": url_for("chat.panel", **panel), "contact": url_for("help.contact", **contact)}
def chat_url(about, **values):
    """The chat panel about a topic ("checkout"); the one place that builds its address."""
    return url_for("chat.panel", about=about, **values)


def unread_messages():
    """How many of the signed-in customer's conversations have an unread reply (the account
    menu's count); 0 for anyone else."""
    if not current_user.is_authenticated:
        return 0
    return helpdesk_contact.unread(current_user)


def satisfaction_url(touchpoint, thing, score=None, external=False):
    """The signed address of the five faces about an order ("delivery"), a return ("return")
    or a conversation ("conversation"); None until that touchpoint has happened."""
    if thing is None or not satisfaction.may_answer(touchpoint, thing):
        return None
    args = {"score": score} if score else {}
    return url_for("reviews.satisfaction", _external=external,
                   token=satisfaction.token(touchpoint, thing, current_app.config["SECRET_KEY"]),
                   **args)


def satisfaction_faces():
    """The five faces, saddest first: (score, emoji, accessible name)."""
    return [(score, face, str(label)) for score, (face, label) in satisfaction.FACES.items()]


FILTERS = {
    "payment_method": payment_method_label,
    "money": format_money, "order_money": format_order_money, "bp_percent": bp_percent,
    "shop_datetime": shop_datetime, "shop_date": shop_date, "iso_utc": iso_utc,
    "time_or_datetime": shop_time_or_datetime, "rule_actions": rule_actions,
    # A catalogue text in the shopper's language, else the main one: {{ product|tr("title") }}.
    "tr": localized_text,
    "tier_name": tier_name,
    "points_kind": points_kind,
    "format_day": format_day, "format_month": format_month,
}
def cause_share():
    """The cause's promise for the one line on product and checkout pages, from the settings
    each new order copies (domain/cause.stamp): {"name", "url", "percent" or "amount"}, or None
    when the shop names no cause."""
    from domain import cause
    config = shop()
    if not cause.is_set(config):
        return None
    share = {"name": cause.name(config, _locale()), "url": config.cause_url}
    if config.cause_bp:
        share["percent"] = format_rate(config.cause_bp)
    else:
        share["amount"] = format_money(config.cause_fixed)
    return share


def social_links():
    """The footer's social profiles: [(key, name, address)]."""
    from domain import brand
    return brand.social_links(shop())


def has_about():
    """Whether the shop wrote an About page (the footer links to it)."""
    return any((shop().about_md or {}).values())


def brand_stylesheet():
    """The address of the accent colour's stylesheet, or None for the default colours."""
    colour = shop().brand_colour
    return url_for("brand.stylesheet", colour=colour[1:]) if colour else None


def email_logo():
    """(address, width, height) of the logo's PNG copy on SHOP_URL for emails, or None."""
    from domain import brand
    return brand.email_logo(shop(), current_app.config["SHOP_URL"])


def month_name(day):
    """"December 2026" / "2026년 12월": the month of a date, in the page's language."""
    return format_skeleton("yMMMM", day, locale=_locale())


def shop_address(path):
    """A path (from url_for) on the shop's public address, SHOP_URL."""
    return current_app.config["SHOP_URL"] + path


def referrals_on():
    """Whether the shop runs referrals now (the account's "Invite friends" page)."""
    from domain.loyalty import referrals
    return referrals.is_on()


def consent_source_label(source):
    """Where a marketing consent was given, for the back office."""
    return {"checkout": gettext("Checkout"), "account": gettext("Account settings"),
            "newsletter_form": gettext("Sign-up form")}.get(source, source)


def consent_wording():
    from domain import consent
    return consent.wording()


GLOBALS = {
    # A placed order's codes and points, each a line of its breakdown.
    "order_discount_lines": loyalty_coupons.order_discount_lines,
    "order_money": format_order_money, "image_src": image_src, "image_srcset": image_srcset,
    "image_fallback": image_fallback, "image_thumb": image_thumb, "product_url": product_url,
    "minutes_until": minutes_until, "return_status_label": return_status_label,
    "review_status_label": review_status_label,
    "delivery_days": delivery_days,
    # An order paid with the test card: the back office marks it so nobody ships it.
    "test_order": payments.is_test_order,
    "other_languages": other_languages, "language_names": LANGUAGE_NAMES,
    "csrf_token": csrf_token, "cart_badge": cart_badge, "personal": personal,
    "chrome": chrome, "return_path": return_path, "one_time_token": one_time_token,
    "toss_offered": toss_offered, "may_open": may_open,
    "duration_words": duration_words, "weekday_name": weekday_name, "shop_week": shop_week,
    "zone_label": zone_label, "opening_words": opening_words,
    "upcoming_holidays": upcoming_holidays,
    "toss_offered": toss_offered,
    "unread_messages": unread_messages, "chat_widget": chat_widget,
    "chat_url": chat_url,
    "satisfaction_url": satisfaction_url, "satisfaction_faces": satisfaction_faces,
    "referrals_on": referrals_on,
    "cause_share": cause_share, "social_links": social_links, "has_about": has_about,
    "brand_stylesheet": brand_stylesheet, "shop_address": shop_address,
    "month_name": month_name, "email_logo": email_logo,
    # The words of the marketing box, shown beside the newsletter's sign-up form.
    "consent_wording": consent_wording, "consent_source_label": consent_source_label,
}


def _translations():
    """The translations of the language being rendered, looked up once per request and language.
    Flask-Babel finds them again on every {{ _() }} (a page has dozens, a listing more), which
    cost a tenth of a listing's time; a changed language (force_locale in emails) is a new
    Locale object, so it is looked up afresh."""
    locale = get_locale()
    found = g.get("translations")
    if found is None or found[0] is not locale:
        found = g.translations = (locale, get_translations())
    return found[1]


def init_app(app):
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
        newstyle=True)
    app.jinja_env.filters.update(FILTERS)
    app.jinja_env.globals.update(GLOBALS)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def every_page():
        config = shop()
        return {
            "shop": config,
            "stock_message": lambda stock: stock_message(stock, config.low_stock_threshold),
            "stock_state": lambda stock: stock_state(stock, config.low_stock_threshold),
            "current_locale": _locale(),
            # The header's badge: counted before the template runs, which never queries.
            "cart_count": cart_count(),
            "inbox_unread": inbox_unread(),
            # Over Flask-WTF's own context processor: the page cache's holes need this one.
            "csrf_token": csrf_token,
        }
