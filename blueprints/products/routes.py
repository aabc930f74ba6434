"""Storefront pages: home, category, search, product, and the product photos."""
import os

from flask import abort, current_app, redirect, request, send_from_directory, session, url_for

from domain import catalog, localized, storage
from domain.reviews import changes, testimonials
from domain.shopconfig import LANGUAGES

from ..brand.context import card_image, page_meta, product_meta
from ..common import safe_next, shop
from ..htmx import render
from ..pagecache import cached_page
from ..stored_files import send_stored
from . import bp
from . import goes_well
from .context import product_context

MEDIA_MAX_AGE = 365 * 24 * 3600


def _sort(allowed, default):
    sort = request.args.get("sort", default)
    return sort if sort in allowed else default


@bp.get("/")
@cached_page
def home():
    featured, best = catalog.featured(), catalog.best_sellers()
    config = shop()
    return render("products/home.html", featured=featured, best=best,
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


@bp.get("/products/<slug>")
@cached_page
def product(slug):
    context = product_context(slug, request.args.get("variant") or request.args.get("variant_id"))
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
