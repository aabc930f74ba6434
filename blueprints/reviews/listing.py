"""The product page's reviews, sorted and paged (an htmx fragment, or a page of its own for a
browser without JavaScript), and "Helpful" votes: one per visitor, rate-limited, no sign-in."""
import secrets

from flask import abort, current_app, redirect, request, session, url_for

from domain.errors import NotFound
from domain.extensions import limiter
from domain.reviews import listing, votes

from ..htmx import render, wants_fragment
from ..pagecache import cached_page
from ..templating import now
from . import bp
from .listing_context import reviews_context

VOTE_LIMIT = "10 per minute; 60 per hour"
# The session key of the visitor's random token (the help page's votes use the same one).
VISITOR = "visitor"


def _found(find, *args):
    try:
        return find(*args)
    except NotFound:
        abort(404)


@bp.get("/products/<slug>/reviews", endpoint="listing")
@cached_page
def listing_page(slug):
    product = _found(listing.product_for_reviews, slug)
    try:
        voted = int(request.args.get("helpful", ""))
    except ValueError:
        voted = None
    return render("products/reviews.html", block="reviews", product=product, voted=voted,
                  **reviews_context(product, request.args.get("sort"),
                                    request.args.get("page", 1)))


def _visitor_token():
    token = session.get(VISITOR)
    if not isinstance(token, str) or len(token) < 16:
        token = session[VISITOR] = secrets.token_urlsafe(16)
    return token


@bp.post("/reviews/<id:review_id>/helpful", endpoint="helpful")
@limiter.limit(VOTE_LIMIT)
def helpful(review_id):
    voter = votes.voter_key(_visitor_token(), current_app.secret_key)
    review, counted = _found(votes.vote, review_id, voter, now())
    if wants_fragment():
        return render("products/_review.html", block="helpful", review=review, voted=review.id,
                      counted=counted)
    # Back to the list the visitor was reading, with a word of thanks on the review.
    return redirect(url_for(".listing", slug=review.product.slug,
                            sort=listing.clean_sort(request.args.get("sort")),
                            page=listing_page_number(request.args.get("page")),
                            helpful=review.id, _anchor=f"review-{review.id}"), code=303)


def listing_page_number(value):
    try:
        return max(1, min(int(value), 10_000))
    except (TypeError, ValueError):
        return 1
