"""The only module that reads htmx's HX-* request headers.

One template per page; the regions htmx swaps are {% block %}s inside it. An htmx request that
is neither boosted nor a history restore gets just the block (plus out-of-band partials such as
the cart badge); every other request gets the whole page from the same template.

A response built after asking is_htmx() or wants_fragment() depends on those headers, so it
names them in its Vary header (render(), see_other(), the cart's redirects, error pages, cached
pages): no cache then hands a fragment to a full-page request, or the other way round.
"""
from flask import after_this_request, make_response, redirect, render_template, request
from jinja2_fragments.flask import render_block

_VARY = "shop.htmx.vary"


def _varies_on(*headers):
    """The response to this request depends on these request headers: list them in its Vary."""
    varied = request.environ.get(_VARY)
    if varied is None:
        varied = request.environ[_VARY] = []

        @after_this_request
        def add_vary(response):
            # One update: each read of response.vary parses the header again.
            response.vary.update(varied)
            return response
    varied.extend(h for h in headers if h not in varied)


# What is_htmx() and wants_fragment() read: the Vary of a response chosen by both.
FRAGMENT_HEADERS = ("HX-Request", "HX-Boosted", "HX-History-Restore-Request")


def page_kind():
    """(is_htmx(), wants_fragment()) for a caller that names FRAGMENT_HEADERS in its response's
    Vary itself (a stored page, whose headers are written once): no hook for this request."""
    headers = request.headers
    htmx = headers.get("HX-Request") == "true"
    return htmx, (htmx and headers.get("HX-Boosted") != "true"
                  and headers.get("HX-History-Restore-Request") != "true")


def is_htmx():
    _varies_on("HX-Request")
    return request.headers.get("HX-Request") == "true"


def wants_fragment():
    _varies_on(*FRAGMENT_HEADERS)
    return (is_htmx() and request.headers.get("HX-Boosted") != "true"
            and request.headers.get("HX-History-Restore-Request") != "true")


def render(template, block=None, oob=(), status=200, page_only=None, **context):
    """Render the page, or only `block` of it (and the `oob` partial templates) for htmx.
    `page_only`, a callable returning more context, is called only when the whole page is
    drawn: what lies outside `block` costs nothing on a fragment request (a poll, say)."""
    if block and wants_fragment():
        html = render_block(template, block, **context)
        for partial in oob:
            html += render_template(partial, oob=True, **context)
    else:
        html = render_template(template, **context, **(page_only() if page_only else {}))
    response = make_response(html, status)
    response.vary.add("HX-Request")
    return response


def see_other(url):
    """Redirect after a successful POST: a 303, or HX-Redirect for an htmx fragment request
    (a redirect there would swap the next page into a fragment's place). Both vary on the htmx
    headers, as wants_fragment() chose between them."""
    if wants_fragment():
        response = make_response("", 204)
        response.headers["HX-Redirect"] = url
        return response
    return redirect(url, code=303)
