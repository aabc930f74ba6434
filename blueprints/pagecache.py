"""A per-process cache of rendered storefront pages for visitors who are not signed in.

A product or listing page costs 10-15 ms to build (queries, Jinja, Babel) and is the same for
every anonymous visitor except for two things: the CSRF token in its forms and the cart badge.
Those are cut out of the stored copy and put back on every hit, so a hit costs about as much as
a bare response. Entries are keyed by the storefront version (domain/storefront_version.py),
which any commit touching the catalogue or settings moves on (domain.shopconfig.watch_changes),
so a price, stock or settings change shows on the very next request in every process of every
server.
"""
import threading
from collections import OrderedDict
from functools import wraps

from flask import current_app, make_response, render_template, request, session
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from domain import storefront_version

from .htmx import is_htmx, wants_fragment

CSRF_HOLE = "\x00csrf-token\x00"
BADGE_HOLE = "\x00cart-badge\x00"
KEPT_HEADERS = ("Content-Type", "Vary", "Cache-Control")


class PageCache:
    """A small LRU of page templates with holes, safe to share between threads."""

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


def _cacheable_request():
    return (current_app.config["PAGE_CACHE_SIZE"] > 0 and request.method == "GET"
            and not current_user.is_authenticated and "_flashes" not in session)


_EMPTY_BADGES = {}


def _badge():
    """This visitor's cart badge; an empty cart's is the same for everyone of a language."""
    if session.get("cart") or current_user.is_authenticated:
        return render_template("_cart_badge.html")
    locale = str(get_locale())
    if locale not in _EMPTY_BADGES:
        _EMPTY_BADGES[locale] = render_template("_cart_badge.html")
    return _EMPTY_BADGES[locale]


def cached_page(view):
    """Serve the view's page from the cache when nothing visitor-specific is in it."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        if not _cacheable_request():
            return view(*args, **kwargs)
        # The version is read before rendering: a change committed while this page renders
        # moves the version on, so the copy stored below is never served after it.
        version = storefront_version.current()
        # The footer says "Secure checkout" only over HTTPS: the two kinds of request each get
        # their own copy.
        key = (request.full_path, str(get_locale()), is_htmx(), wants_fragment(),
               request.is_secure, version)
        cache = _cache()
        entry = cache.get(key)
        if entry is not None:
            html, headers = entry
            response = make_response(
                html.replace(CSRF_HOLE, generate_csrf()).replace(BADGE_HOLE, _badge()))
            for name, value in headers:
                response.headers[name] = value
            return response
        response = make_response(view(*args, **kwargs))
        if response.status_code == 200 and not response.direct_passthrough \
                and "_flashes" not in session:
            html = response.get_data(as_text=True)
            html = html.replace(generate_csrf(), CSRF_HOLE).replace(_badge(), BADGE_HOLE)
            cache.put(key, (html, [(h, response.headers[h]) for h in KEPT_HEADERS
                                   if h in response.headers]))
        return response
    return wrapper
