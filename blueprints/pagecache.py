"""A per-process cache of rendered storefront pages, for visitors and for signed-in customers.

A product or listing page costs 10-15 ms to build (queries, Jinja, Babel) and is the same for
everyone of one kind (a visitor, or a signed-in customer, whose header links to the account)
except for a few holes: the CSRF token in its forms, the cart badge and the personal parts (the
one-click button with the customer's address and total). A page is rendered with markers in those
holes (blueprints/templating.py) and stored; each request fills them in:

- a visitor with no cookie at all gets the stored page with the shop's anonymous CSRF token
  (blueprints/csrf.py) and an empty cart: the same bytes for everyone, so they are compressed once
  per encoding and sent as they are, with an ETag, and no session is opened, written or sent;
  serve_stored() sends them from a hook that runs before every other before_request function,
  so such a hit costs little more than the framework's own work for any request;
- anyone else gets their own token, badge and personal parts, compressed per request.

A page that shows what is the visitor's own (the cart page) names it with `personal`: a copy is
kept per cart and one-click offer, and its one-time checkout token is a hole too.

Entries are keyed by the storefront version (domain/storefront_version.py), which any commit touching the catalogue or settings
moves on (domain.shopconfig.watch_changes), so a price, stock or settings change shows on the
very next request in every process of every server. Merchants and pages with a pending message are never cached.

A page that also shows figures the worker moves without a storefront change (the home page's
"Trending this week", from the counters it folds) names `fresh_for`: the config key of a number
of seconds, and its copies are kept per stretch of that many seconds of the clock, the same
stretches in every process, so it is drawn afresh at most once per stretch per process.

A view may ask for something to happen each time its page is sent whole (`on_each_serve`): a
product page counts a view that way, on a cache hit as on a miss, with no write (the counters
are in memory, domain/counters.py).
"""
import gzip
import hashlib
import threading
import time
from collections import OrderedDict
from functools import wraps

import brotli
from flask import current_app, g, make_response, render_template, request, session
from flask_babel import get_locale
from flask_compress.flask_compress import _choose_algorithm
from flask_login import current_user
from werkzeug.http import http_date

from domain import oneclick, preferences, storefront_version
from domain.oneclick import new_token

from .common import shop
from .csrf import anonymous_token, cookieless
from .htmx import FRAGMENT_HEADERS, is_htmx, page_kind, wants_fragment
from .templating import BADGE_HOLE, CSRF_HOLE, PART_HOLE, TOKEN_HOLE, badge_html, cart_count, now

KEPT_HEADERS = ("Content-Type", "Vary", "Cache-Control")
# Stored pages are compressed once, so a stronger setting than per-response compression pays.
BROTLI_QUALITY = 6
GZIP_LEVEL = 9


def _buy_now(saved):
    """The one-click button for the page's variant (pricing lines kept with the page)."""
    if not saved or not current_user.is_authenticated:
        return ""
    return render_template("checkout/_buy_now.html", product=True,
                           one_click=oneclick.offer(current_user, saved, shop()))


def _buy_now_key(saved):
    """What the button is drawn from besides the page: the customer's one-click inputs."""
    if not saved or not current_user.is_authenticated:
        return ()
    return preferences.one_click_inputs(current_user)


# The personal parts a cached page may hold (templating.personal): how each is drawn for the
# request from what the page kept, and the key of what else it is drawn from (the drawn part is
# kept with the page per key, its one-time token a hole).
def _goes_well(saved):
    from .products import goes_well
    return goes_well.draw(saved)


def _goes_well_key(saved):
    from .products import goes_well
    return goes_well.key(saved)


PERSONAL_PARTS = {"checkout/_buy_now.html": (_buy_now, _buy_now_key),
                  "products/_goes_well.html": (_goes_well, _goes_well_key)}
# Parts a visitor with no cookie sees too (drawn once per stored page): "Goes well with" is
# the same for every visitor; a signed-in customer's leaves out what they bought.
FOR_EVERYONE = {"products/_goes_well.html"}
# Drawn parts kept per stored page (one per customer who saw it, until the page is replaced).
PARTS_KEPT = 64


class Entry:
    """A stored page: its HTML with holes, its headers, what its personal parts need, and the
    cookieless visitors' copy per content encoding (made on first use)."""

    def __init__(self, html, headers, parts, serves=()):
        self.html, self.headers, self.parts = html, headers, parts
        # What to do each time the page is sent whole (on_each_serve), as the view asked.
        self.serves = tuple(serves)
        self.encoded = {}
        self.drawn = {}

    def for_everyone(self, encoding):
        """(body, headers) of the page for a visitor with no cookie, in `encoding` (None: raw):
        the headers (type, Vary, length, encoding, ETag) are written once with the body."""
        found = self.encoded.get(encoding)
        if found is None:
            html = self.html.replace(CSRF_HOLE, anonymous_token()).replace(BADGE_HOLE, _badge())
            for name, saved in self.parts.items():
                html = html.replace(PART_HOLE.format(name),
                                    self._part(name, saved) if name in FOR_EVERYONE else "")
            raw = html.encode()
            body = (brotli.compress(raw, quality=BROTLI_QUALITY) if encoding == "br"
                    else gzip.compress(raw, GZIP_LEVEL, mtime=0) if encoding == "gzip"
                    else raw if encoding is None else None)
            if body is None:
                raise ValueError(f"no stored copy in {encoding}")
            etag = hashlib.blake2b(raw, digest_size=16).hexdigest() + (f"-{encoding}" if encoding else "")
            response = current_app.response_class(body, headers=self.headers)
            if encoding:
                response.headers["Content-Encoding"] = encoding
            # The copy depends on these request headers (the key's htmx kind and the cookie).
            response.vary.update(("Accept-Encoding", "Cookie"))
            response.vary.update(FRAGMENT_HEADERS)
            response.set_etag(etag)
            # Two threads may both build it on a first hit: the same bytes, one of them kept.
            found = self.encoded[encoding] = (body, list(response.headers.items()))
        return found

    @property
    def shared(self):
        """Whether one copy may go to every visitor with no cookie (not with a one-time token)."""
        return TOKEN_HOLE not in self.html

    def _part(self, name, saved):
        """A personal part for this visitor, drawn once per key, with its holes."""
        draw, key_of = PERSONAL_PARTS[name]
        key = (name, key_of(saved))
        html = self.drawn.get(key)
        if html is None:
            outer, g.page_holes = g.get("page_holes"), {}
            try:
                html = draw(saved)
            finally:
                g.page_holes = outer
            if len(self.drawn) >= PARTS_KEPT:
                self.drawn.clear()
            self.drawn[key] = html
        return html

    def for_visitor(self):
        """The page with this visitor's token, badge and personal parts."""
        from flask_wtf.csrf import generate_csrf
        html = self.html
        for name, saved in self.parts.items():
            html = html.replace(PART_HOLE.format(name), self._part(name, saved))
        html = html.replace(CSRF_HOLE, generate_csrf()).replace(BADGE_HOLE, _badge())
        while TOKEN_HOLE in html:
            html = html.replace(TOKEN_HOLE, new_token(), 1)
        return html


class PageCache:
    """A small LRU of stored pages, safe to share between threads."""

    def __init__(self, size):
        self.size = size
        self.entries = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            entry = self.entries.get(key)
            if entry is not None:
                self.entries.move_to_end(key)
            return entry

    def put(self, key, entry):
        with self.lock:
            self.entries[key] = entry
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)


def _cache():
    cache = current_app.extensions.get("page_cache")
    if cache is None:
        cache = current_app.extensions["page_cache"] = PageCache(current_app.config["PAGE_CACHE_SIZE"])
    return cache


def _audience(nobody):
    """Whose copy of the page this request may get: "visitor", "customer", or None when the
    page must be built for this request alone (a merchant, a message to show)."""
    if current_app.config["PAGE_CACHE_SIZE"] <= 0 or request.method != "GET":
        return None
    if nobody:
        return "visitor"
    if "_flashes" in session:
        return None
    if not current_user.is_authenticated:
        return "visitor"
    return None if current_user.is_merchant else "customer"


def _badge():
    """This visitor's cart badge (nobody's cart holds nothing)."""
    return badge_html(0 if cookieless() else cart_count())


# A request carrying one of these asks whether its copy is still current (or for part of it).
CONDITIONAL = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH",
               "HTTP_IF_UNMODIFIED_SINCE", "HTTP_IF_RANGE")
_date = (0, "")


def _http_date():
    """The Date header, formatted once a second."""
    global _date
    now = int(time.time())
    if _date[0] != now:
        _date = (now, http_date(now))
    return _date[1]


def _send_stored(entry):
    """The cookieless copy, compressed as the browser accepts, or 304 when it has it already."""
    encoding = _choose_algorithm(tuple(current_app.config["COMPRESS_ALGORITHM"]),
                                 request.headers.get("Accept-Encoding", ""))
    if encoding not in ("br", "gzip"):
        encoding = None
    body, headers = entry.for_everyone(encoding)
    environ = request.environ
    if any(name in environ for name in CONDITIONAL):
        return current_app.response_class([body], headers=headers).make_conditional(request)
    # What make_conditional() does for a request that asks nothing: a Date, the page as it is.
    return current_app.response_class([body], headers=[*headers, ("Date", _http_date())])


def on_each_serve(action, *args):
    """While a view draws its page: call action(*args) each time this page is sent whole (a
    GET that is not an htmx fragment), whether drawn now or sent from the cache. The action
    must be cheap and write nothing: it runs on every cache hit."""
    g.setdefault("page_serves", []).append((action, args))


def _served(serves, fragment):
    if fragment or request.method != "GET":
        return
    for action, args in serves:
        action(*args)


def _period(fresh_for):
    """Which stretch of the view's `fresh_for` seconds (a config key) the request's clock is
    in: 0 when the view names none."""
    if not fresh_for:
        return 0
    seconds = current_app.config.get(fresh_for) or 0
    if seconds <= 0:
        return 0
    return int(now().timestamp() // seconds)


def serve_stored():
    """A stored page for a visitor with no cookie, before any other before_request function:
    a cache hit is then only this and the after_request functions. What it skips does nothing
    for such a request: the CSRF check (a GET), the rate limiter (no storefront GET carries a
    limit) and the back office's guard (not under /admin). Anything else (a miss, a cookie, a
    page kept per visitor) goes on as usual to the view's cached_page()."""
    view = current_app.view_functions.get(request.endpoint)
    if getattr(view, "page_cache", None) != "shared" or not cookieless():
        return None
    audience = _audience(True)
    if audience is None:
        return None
    htmx, fragment = page_kind()
    entry = _cache().get(_key(audience, (), htmx, fragment,
                              _period(getattr(view, "page_fresh_for", None))))
    if entry is None or not entry.shared:
        return None
    _served(entry.serves, fragment)
    return _send_stored(entry)


def init_app(app):
    app.before_request_funcs.setdefault(None, []).insert(0, serve_stored)


def _key(audience, mine, htmx, fragment, period=0):
    # The version is read before rendering: a change committed while a page renders moves the
    # version on, so the copy stored then is never served after it.
    # The footer says "Secure checkout" only over HTTPS: the two kinds of request each get
    # their own copy.
    return (request.full_path, str(get_locale()), htmx, fragment, request.is_secure, audience,
            storefront_version.current(), mine, period)


def _uncached(view, args, kwargs):
    """The view's page drawn for this request alone, its serve actions run when it is sent."""
    g.page_serves = []
    try:
        response = make_response(view(*args, **kwargs))
    finally:
        serves = g.pop("page_serves", [])
    if serves and response.status_code == 200 and request.method == "GET":
        _served(serves, wants_fragment())
    return response


def cached_page(view=None, *, personal=None, fresh_for=None):
    """Serve the view's page from the cache, with the visitor's own parts filled in.

    `personal`, for a page that shows what is the visitor's own (the cart page), returns
    everything of theirs that the page shows, as a hashable key (None: build it afresh): each
    different key is a page of its own, kept until the storefront version moves on.
    `fresh_for`, a config key naming seconds: copies are also kept per stretch of that many
    seconds (see the module's docstring)."""
    if view is None:
        return lambda view: cached_page(view, personal=personal, fresh_for=fresh_for)

    @wraps(view)
    def wrapper(*args, **kwargs):
        nobody = cookieless()
        audience = _audience(nobody)
        mine = personal() if personal is not None and audience is not None else ()
        if audience is None or mine is None:
            return _uncached(view, args, kwargs)
        fragment = wants_fragment()
        key = _key(audience, mine, is_htmx(), fragment, _period(fresh_for))
        cache = _cache()
        entry = cache.get(key)
        if entry is None:
            g.page_holes, g.page_serves = {}, []
            try:
                response = make_response(view(*args, **kwargs))
            finally:
                parts, serves = g.pop("page_holes"), g.pop("page_serves", [])
            if response.status_code != 200 or response.direct_passthrough \
                    or g.pop("page_not_kept", False):
                # Not a page to keep (a redirect, say): drawn again, with no holes in it.
                return _uncached(view, args, kwargs)
            entry = Entry(response.get_data(as_text=True),
                          [(h, response.headers[h]) for h in KEPT_HEADERS if h in response.headers],
                          parts, serves)
            cache.put(key, entry)
        _served(entry.serves, fragment)
        if nobody and entry.shared:
            return _send_stored(entry)
        response = make_response(entry.for_visitor())
        for name, value in entry.headers:
            response.headers[name] = value
        return response
    # serve_stored() may answer first for this view: one copy for every visitor with no cookie.
    wrapper.page_cache = "shared" if personal is None else "personal"
    wrapper.page_fresh_for = fresh_for
    return wrapper
