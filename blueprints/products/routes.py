"""Storefront pages: home, category, search, product, and the product photos."""
import os

from flask import abort, current_app, redirect, request, send_from_directory, session, url_for
from flask_login import current_user

from domain import catalog, counters, localized, storage, trending
from domain.reviews import changes, testimonials
from domain.shopconfig import LANGUAGES

from ..brand.context import card_image, page_meta, product_meta
from ..common import safe_next, shop
from ..htmx import render
from ..pagecache import cached_page, on_each_serve
from ..stored_files import send_stored
from ..templating import now
from . import bp
from . import goes_well
from .context import product_context

MEDIA_MAX_AGE = 365 * 24 * 3600


def _sort(allowed, default):
    sort = request.args.get("sort", default)
    return sort if sort in allowed else default


# "Trending this week" reads the counters the worker folds (the job "flush-counters"), which do
# not move the storefront version: a fold must not empty every cached page of every process.
# So the home page is kept per stretch of TRENDING_REFRESH_SECONDS (10 minutes) as well as per
# storefront version (pagecache's `fresh_for`): each process draws it afresh once per stretch,
# one query more then (the block's), and every other visit is a cache hit as before. The
# block is at most a stretch plus a hand-over and a fold (30 s each) behind the views.
@bp.get("/")
@cached_page(fresh_for="TRENDING_REFRESH_SECONDS")
def home():
    featured, best = catalog.featured(), catalog.best_sellers()
    config = shop()
    return render("products/home.html", featured=featured, best=best,
                  trending=trending.trending(now(), config.zone),
                  testimonials=testimonials.shown(),
                  social_meta=page_meta(title=config.name, description=config.tagline,
                                        path=url_for("products.home"),
                                        image=card_image([*featured, *best])))


@bp.get("/c/<slug>")
@cached_page
def category(slug):
    info = shop().category(slug)
    if info is None:
        abort(404)
    sort = _sort(catalog.SORTS, "featured")
    results = catalog.listing(info.id, sort, request.args.get("page", 1))
    page = results.page if results.page > 1 else None
    return render("products/category.html", block="results", category=info, results=results,
                  sort=sort, page_only=lambda: {"social_meta": page_meta(
                      title=localized.text(info, "name"),
                      description=localized.text(info, "description"),
                      path=url_for("products.category", slug=slug, page=page),
                      image=card_image(results.items))})


@bp.get("/search")
@cached_page
def search():
    q = request.args.get("q", "").strip()[:100]
    sort = _sort(catalog.SEARCH_SORTS, "relevance")
    results = catalog.search(q, sort, request.args.get("page", 1))
    return render("products/search.html", block="results", q=q, results=results, sort=sort)


# Words in a User-Agent that say a program, not a person, asked (crawlers, link previews,
# command-line tools, headless browsers); a request without one is a program too.
ROBOT_WORDS = ("bot", "crawl", "spider", "slurp", "facebookexternalhit", "preview", "curl",
               "wget", "python", "go-http-client", "java/", "headless")
# The verdict per User-Agent seen, since a few browsers make most visits (at most this many
# kept; a dict read per view instead of a dozen searches).
AGENTS_KEPT = 512
_robots = {}


def _robot(agent):
    found = _robots.get(agent)
    if found is None:
        lowered = agent.lower()
        found = any(word in lowered for word in ROBOT_WORDS)
        if len(_robots) >= AGENTS_KEPT:
            _robots.clear()
        _robots[agent] = found
    return found


def _count_view(product_id, zone):
    """One view of the product, in this process's memory (domain/counters.py); run by the page
    cache each time the page is sent whole: a cache hit counts like a miss. Not counted: HEAD
    requests and htmx fragments of the page (a variant's buy box), which pagecache never
    reports; obvious robots and a browser's speculative prefetch; the shop's own people. It
    runs on every cache hit, so it reads the WSGI environ directly and takes the shop's zone
    the page was drawn with (a change of zone moves the storefront version: a new page)."""
    environ = request.environ
    agent = environ.get("HTTP_USER_AGENT")
    if not agent or _robot(agent):
        return
    if "prefetch" in (environ.get("HTTP_SEC_PURPOSE") or environ.get("HTTP_PURPOSE")
                      or environ.get("HTTP_X_MOZ") or "").lower():
        return
    # Only a request with a cookie can be signed in.
    if "HTTP_COOKIE" in environ and current_user.is_authenticated and current_user.is_merchant:
        return
    app = current_app._get_current_object()
    counters.count(counters.VIEW, product_id, now(app), zone, app)


@bp.get("/products/<slug>")
@cached_page
def product(slug):
    context = product_context(slug, request.args.get("variant") or request.args.get("variant_id"))
    on_each_serve(_count_view, context["product"].id, shop().zone)
    # "You said, we did": read only when the whole page is drawn, not for the buy box alone.
    product = context["product"]
    return render("products/product.html", block="buybox",
                  page_only=lambda: {
                      "change_notes": changes.for_product(product.id),
                      # Shared and indexed without the variant or tracking parameters.
                      "social_meta": product_meta(
                          product, context["variant"], localized.text(product, "title"),
                          localized.text(product, "summary")
                          or localized.text(product, "description_text")[:160],
                          url_for("products.product", slug=product.slug))},
                  **context)


@bp.get("/recently-viewed")
def recent():
    """The visitor's recently viewed products. A product page loads it as a fragment with
    `seen=<its address>`: the list leaves that product out, and the answer puts it first in the
    visitor's cookie (their browser keeps the list: nothing is written on the server, and the
    cached product page itself sets no cookie). Without JavaScript, a page of its own."""
    seen = goes_well.parse_seen(request.args.get("seen"))
    response = render("products/recent.html", block="recent",
                      recent=goes_well.recently_viewed(leave_out=[seen]))
    return goes_well.remember_view(response, seen) if seen else response


@bp.get(f"{storage.MEDIA_PATH}<path:filename>")
def media(filename):
    """Uploaded photos, wherever they are kept; names carry a content hash, so they never
    change."""
    return send_stored(storage.product_photos(), filename, MEDIA_MAX_AGE, immutable=True)


@bp.get("/favicon.ico")
def favicon():
    return send_from_directory(os.path.join(current_app.static_folder, "img"), "favicon.ico",
                               max_age=7 * 24 * 3600)


@bp.post("/language")
def language():
    lang = request.form.get("lang")
    if lang in LANGUAGES:
        session["lang"] = lang
    return redirect(safe_next(request.form.get("next", ""), url_for("products.home")), code=303)
